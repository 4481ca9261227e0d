import { gemmPlainUnsharedWasmBase64, gemmPlainWasmBase64, gemmRelaxedUnsharedWasmBase64, gemmRelaxedWasmBase64 } from './gemm-wasm.ts';
import type { GemmHelperStarter, GemmModule, WasmMemory } from './gemm-helper.ts';

/**
 * gemm.wat's module (embedded as gemm-wasm.ts), compiled once per thread, and its instances: each with a memory of
 * its own (a HeapSpace's, heap-gemm.ts), shared with a helper thread where this thread installed one.
 */

/**
 * The part of the WebAssembly JavaScript API and of atob that this file uses: globals in Node and in browsers
 * alike, but not in ES2022's library, which is all agents/ may assume (tsconfig.core.json).
 */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => GemmModule;
  Instance: new (module: GemmModule, imports: { env: { memory: WasmMemory } }) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
};
declare function atob(base64: string): string;

/** Pages (64 KiB) a shared memory may grow to: it must declare a maximum (gemm.wat's import says 16384, 1 GiB). */
const SHARED_MAX_PAGES = 16384;

const compiled: { shared: GemmModule | null; unshared: GemmModule | null; relaxed: boolean } = { shared: null, unshared: null, relaxed: false };

function bytesOf(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c: string) => c.charCodeAt(0));
}

/**
 * The module, compiled once per thread and memory kind (1 KB: synchronous compilation is allowed on any thread):
 * with fused multiply-adds where this engine has relaxed SIMD (about 1.3x faster products here), else without.
 */
function gemmModule(shared: boolean): GemmModule {
  const cached = shared ? compiled.shared : compiled.unshared;
  if (cached) return cached;
  compiled.relaxed = WebAssembly.validate(bytesOf(gemmRelaxedWasmBase64));
  const base64 = compiled.relaxed
    ? shared
      ? gemmRelaxedWasmBase64
      : gemmRelaxedUnsharedWasmBase64
    : shared
      ? gemmPlainWasmBase64
      : gemmPlainUnsharedWasmBase64;
  const module = new WebAssembly.Module(bytesOf(base64));
  if (shared) compiled.shared = module;
  else compiled.unshared = module;
  return module;
}

/** True when this thread's products use fused multiply-adds (relaxed SIMD), for benchmarks' records. */
export function gemmUsesRelaxedSimd(): boolean {
  gemmModule(false);
  return compiled.relaxed;
}

let helperStarter: GemmHelperStarter | null = null;

/**
 * Makes the HeapSpaces created from now on in this thread share their large products with a helper thread
 * started by `start` (null: none). The learner threads' entries install their platform's (gemm-helper.node.ts,
 * gemm-helper.web.ts); it takes effect only where memory can be shared (SharedArrayBuffer, cross-origin isolated).
 */
export function useGemmHelper(start: GemmHelperStarter | null): void {
  helperStarter = start;
}

function canShareMemory(): boolean {
  return typeof SharedArrayBuffer === 'function' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
}

/**
 * A new instance of the kernel in a memory of its own; the memory is shared, and `helper` starts its helper thread,
 * when this thread installed a helper (useGemmHelper) and memory can be shared.
 */
export function instantiateGemm(): { memory: WasmMemory; module: GemmModule; exports: unknown; helper: GemmHelperStarter | null } {
  const helper = helperStarter !== null && canShareMemory() ? helperStarter : null;
  const shared = helper !== null;
  const memory = new WebAssembly.Memory(shared ? { initial: 1, maximum: SHARED_MAX_PAGES, shared: true } : { initial: 1 });
  const module = gemmModule(shared);
  return { memory, module, exports: new WebAssembly.Instance(module, { env: { memory } }).exports, helper };
}
