import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/**
 * The one place that sets up TensorFlow.js. Everything in agents/ imports `tf` from here, so the backend
 * choice is made once per thread (main, Node worker or browser worker) before any tensor exists.
 *
 * wasm is the default: 5-40x faster than cpu for our small networks (docs/FINDINGS.md). It needs to know where its
 * .wasm files are: pass `wasmPath` (a folder URL or absolute path ending in '/'); under Node, when it is
 * absent, the Node adapter (tf.node.ts) finds node_modules/@tensorflow/tfjs-backend-wasm/dist/ itself.
 */
export { tf };

export type BackendName = 'wasm' | 'cpu' | 'webgl' | 'webgpu';

export interface TfSetupOptions {
  /** Preferred backend; wasm when absent. If it fails to start, wasm, then cpu, are tried. */
  readonly backend?: BackendName;
  /** Folder holding tfjs-backend-wasm's .wasm files (ending in '/'); found automatically under Node. */
  readonly wasmPath?: string;
}

let ready: Promise<BackendName> | null = null;
let fallbackReason: string | null = null;

/** Why initTf ended on another backend than the requested one (null if it did not): callers log it. */
export function tfFallbackReason(): string | null {
  return fallbackReason;
}

interface NodeAdapter {
  nodeWasmPath(): string;
  enableWasmRelaxedSimd(): void;
}

function runningInNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === 'string';
}

async function nodeAdapter(): Promise<NodeAdapter | null> {
  if (!runningInNode()) return null;
  // A variable specifier keeps bundlers and the platform-free typecheck away from the Node-only adapter.
  const adapterPath = './tf.node.ts';
  return (await import(/* @vite-ignore */ adapterPath)) as NodeAdapter;
}

async function tryBackend(name: BackendName, options: TfSetupOptions): Promise<string | null> {
  try {
    if (name === 'wasm') {
      // Multi-threaded wasm starts its threads with importScripts from blob URLs, which module workers (the
      // app's trainers) cannot do; it also gave no speed-up on these 2-core machines (docs/FINDINGS.md).
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      const path = options.wasmPath ?? (await nodeAdapter())?.nodeWasmPath();
      if (path !== undefined) setWasmPaths(path.endsWith('/') ? path : `${path}/`);
    }
    if (!(await tf.setBackend(name))) return `tfjs backend '${name}' is not available`;
    await tf.ready();
    return null;
  } catch (error) {
    return `tfjs backend '${name}' failed to start (${String(error)})`;
  }
}

/** The wanted backend, else wasm, else cpu (a GPU backend missing in this browser still gets wasm's speed). */
async function start(options: TfSetupOptions): Promise<BackendName> {
  // Not tfjs, but once per thread before any agent exists: the learners' matrix product (heap-gemm.ts) then
  // finds relaxed SIMD under Node 20 too.
  (await nodeAdapter())?.enableWasmRelaxedSimd();
  const wanted = options.backend ?? 'wasm';
  const chain: BackendName[] = [...new Set<BackendName>([wanted, 'wasm', 'cpu'])];
  const failures: string[] = [];
  for (const name of chain) {
    const failure = await tryBackend(name, options);
    if (failure === null) {
      fallbackReason = failures.length > 0 ? `${failures.join('; ')}; using ${name}` : null;
      return name;
    }
    failures.push(failure);
  }
  throw new Error(`tfjs: no backend could start: ${failures.join('; ')}`);
}

/**
 * Starts TensorFlow.js once; later calls return the backend already chosen (their options are ignored,
 * because switching backends under live tensors would lose them). Resolves to the backend in use.
 */
export function initTf(options: TfSetupOptions = {}): Promise<BackendName> {
  ready ??= start(options);
  return ready;
}

/** The backend in use (after initTf). */
export function backendName(): string {
  return tf.getBackend();
}
