import { describe, it, expect, beforeAll } from 'vitest';
import { initTf, tf } from '../../agents/shared/tf.ts';
import { polyakUpdate, polyakUpdateFlat } from '../../agents/shared/polyak.ts';

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

  it('the same on flat arrays, and leaves tensors flat', () => {
    const target = new Float32Array([1, 2]);
    polyakUpdateFlat(target, new Float32Array([3, -2]), 0.25);
    expect(Array.from(target)).toEqual([1.5, 1]);
    expect(() => polyakUpdateFlat(target, new Float32Array(3), 0.5)).toThrow(/2 targets but 3 sources/);
    const a = tf.variable(tf.zeros([4]));
    const b = tf.variable(tf.ones([4]));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) polyakUpdate([a], [b], 0.1);
    expect(tf.memory().numTensors).toBe(before);
  });
});
