import { describe, it, expect, vi } from 'vitest';
import { initTf, backendName, tf } from '../../agents/shared/tf.ts';
import { nodeWasmPath } from '../../agents/shared/tf.node.ts';
import { existsSync } from 'node:fs';

describe('tf set-up', () => {
  it('finds the wasm binaries under Node', () => {
    const path = nodeWasmPath();
    expect(path.endsWith('/')).toBe(true);
    expect(existsSync(`${path}tfjs-backend-wasm-simd.wasm`)).toBe(true);
  });

  it('starts the wasm backend by default and keeps it on later calls', async () => {
    expect(await initTf()).toBe('wasm');
    expect(await initTf({ backend: 'cpu' })).toBe('wasm');
    expect(backendName()).toBe('wasm');
    // 2x2 product checked by hand: [[1,2],[3,4]] [[5,6],[7,8]] = [[19,22],[43,50]].
    const product = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2]));
    expect(Array.from(product.dataSync())).toEqual([19, 22, 43, 50]);
  });

  it('falls back to wasm, and says why, when the wanted backend is missing', async () => {
    vi.resetModules();
    const fresh = await import('../../agents/shared/tf.ts');
    // @tensorflow/tfjs registers no webgpu backend.
    expect(await fresh.initTf({ backend: 'webgpu' })).toBe('wasm');
    expect(fresh.tfFallbackReason()).toMatch(/'webgpu' (is not available|failed to start).*; using wasm$/);
  });
});
