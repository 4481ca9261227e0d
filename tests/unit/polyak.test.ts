import { describe, it, expect, beforeAll } from 'vitest';
import { initTf, tf } from '../../agents/shared/tf.ts';
import { polyakUpdate } from '../../agents/shared/polyak.ts';
import { HeapSpace } from '../../agents/shared/heap-gemm.ts';
import { Rng } from '../../sim/rng.ts';

beforeAll(async () => {
  await initTf();
});

describe('Polyak averaging', () => {
  it('target <- tau source + (1 - tau) target on variables', () => {
    const target = tf.variable(tf.tensor1d([1, 2]));
    const source = tf.variable(tf.tensor1d([3, -2]));
    polyakUpdate([target], [source], 0.25);
    // 0.25 * 3 + 0.75 * 1 = 1.5; 0.25 * -2 + 0.75 * 2 = 1.
    expect(Array.from(target.dataSync())).toEqual([1.5, 1]);
    polyakUpdate([target], [source], 1);
    expect(Array.from(target.dataSync())).toEqual([3, -2]);
    expect(() => polyakUpdate([target], [tf.variable(tf.zeros([3]))], 0.5)).toThrow(/shape/);
    expect(() => polyakUpdate([target], [source], 1.5)).toThrow(/tau/);
  });

  it('the same in the wasm heap, bit for bit the double-precision formula rounded once (odd sizes too)', () => {
    const space = new HeapSpace();
    const rng = new Rng(3);
    for (const size of [2, 7, 1001]) {
      const target = space.matrix(1, size);
      const source = space.matrix(1, size);
      target.values.set(Float32Array.from({ length: size }, () => rng.normal()));
      source.values.set(Float32Array.from({ length: size }, () => rng.normal()));
      const expected = Float32Array.from(target.values, (t, i) => 0.005 * source.values[i] + (1 - 0.005) * t);
      space.polyak(target, source, 0.005);
      expect(target.values).toEqual(expected);
    }
    const [a, b] = [space.matrix(1, 2), space.matrix(1, 2)];
    a.values.set([1, 2]);
    b.values.set([3, -2]);
    space.polyak(a, b, 0.25);
    expect(Array.from(a.values)).toEqual([1.5, 1]);
    expect(() => space.polyak(a, space.matrix(1, 3), 0.5)).toThrow(/not one size/);
    expect(() => space.polyak(a, b, -0.5)).toThrow(/tau/);
    space.dispose();
  });

  it('leaves tensors flat', () => {
    const a = tf.variable(tf.zeros([4]));
    const b = tf.variable(tf.ones([4]));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) polyakUpdate([a], [b], 0.1);
    expect(tf.memory().numTensors).toBe(before);
  });
});
