import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { setFlagsFromString } from 'node:v8';

/** Absolute folder (ending in '/') of tfjs-backend-wasm's .wasm files in this installation. */
export function nodeWasmPath(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
  return `${dirname(entry)}/`;
}

/**
 * Turns on WebAssembly relaxed SIMD, behind a flag in Node 20 (on by default in Node >= 22 and in Chromium), so
 * that the learners' matrix product (gemm.wat) gets fused multiply-adds. V8's flags are per process: worker
 * threads get it too. It must come before the first HeapSpace compiles its module, which initTf's callers ensure.
 */
export function enableWasmRelaxedSimd(): void {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
}
