import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/**
 * The one place that sets up TensorFlow.js. Everything in agents/ imports `tf` from here, so the backend
 * choice is made once per thread (main, Node worker or browser worker) before any tensor exists.
 *
 * wasm is the default: 5-40x faster than cpu for our small networks (FINDINGS.md). It needs to know where its
 * .wasm files are: pass `wasmPath` (a folder URL or absolute path ending in '/'); under Node, when it is
 * absent, the Node adapter (tf.node.ts) finds node_modules/@tensorflow/tfjs-backend-wasm/dist/ itself.
 */
export { tf };

export type BackendName = 'wasm' | 'cpu' | 'webgl' | 'webgpu';

export interface TfSetupOptions {
  /** Preferred backend; wasm when absent. cpu is the fallback whenever the preferred one fails to start. */
  readonly backend?: BackendName;
  /** Folder holding tfjs-backend-wasm's .wasm files (ending in '/'); found automatically under Node. */
  readonly wasmPath?: string;
}

let ready: Promise<BackendName> | null = null;
let fallbackReason: string | null = null;

/** Why initTf ended on cpu instead of the requested backend (null if it did not): callers log it. */
export function tfFallbackReason(): string | null {
  return fallbackReason;
}

interface NodeAdapter {
  nodeWasmPath(): string;
}

function runningInNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === 'string';
}

async function defaultWasmPath(): Promise<string | undefined> {
  if (!runningInNode()) return undefined;
  // A variable specifier keeps bundlers and the platform-free typecheck away from the Node-only adapter.
  const adapterPath = './tf.node.ts';
  const adapter = (await import(/* @vite-ignore */ adapterPath)) as NodeAdapter;
  return adapter.nodeWasmPath();
}

async function start(options: TfSetupOptions): Promise<BackendName> {
  const wanted = options.backend ?? 'wasm';
  if (wanted === 'wasm') {
    // Multi-threaded wasm starts its threads with importScripts from blob URLs, which module workers (the
    // app's trainers) cannot do; it also gave no speed-up on these 2-core machines (FINDINGS.md).
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    const path = options.wasmPath ?? (await defaultWasmPath());
    if (path !== undefined) setWasmPaths(path.endsWith('/') ? path : `${path}/`);
  }
  try {
    if (await tf.setBackend(wanted)) {
      await tf.ready();
      return wanted;
    }
    fallbackReason = `tfjs backend '${wanted}' is not available; using cpu`;
  } catch (error) {
    fallbackReason = `tfjs backend '${wanted}' failed to start (${String(error)}); using cpu`;
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs: neither the requested backend nor cpu could start');
  await tf.ready();
  return 'cpu';
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
