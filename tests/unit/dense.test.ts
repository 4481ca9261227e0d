import { describe, it, expect, beforeAll } from 'vitest';
import { initTf, tf } from '../../agents/shared/tf.ts';
import { dense } from '../../agents/shared/dense.ts';
import type { Activation } from '../../agents/policy.ts';

beforeAll(async () => {
  await initTf();
});

function stockDense(x: tf.Tensor2D, k: tf.Tensor2D, b: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  const z = tf.add(tf.matMul(x, k), b) as tf.Tensor2D;
  if (activation === 'relu') return tf.relu(z);
  if (activation === 'tanh') return tf.tanh(z);
  return z;
}

function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
}

describe('dense', () => {
  it('computes relu(x K + b) on a hand-worked example', () => {
    // x = [1, -2]; K = [[1, 2], [3, 4]]; b = [0.5, 10]: xK = [1 - 6, 2 - 8] = [-5, -6]; + b = [-4.5, 4]; relu = [0, 4].
    const y = dense(tf.tensor2d([1, -2], [1, 2]), tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor1d([0.5, 10]), 'relu');
    expect(Array.from(y.dataSync())).toEqual([0, 4]);
  });

  it('has the gradient of a hand-worked linear example', () => {
    // L = sum(x K + b) with x = [[1, 2]], K 2x3: dL/dK[i][j] = x[i], dL/db = 1, dL/dx[i] = sum_j K[i][j].
    const x = tf.tensor2d([1, 2], [1, 2]);
    const k = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tf.tensor1d([0, 0, 0]);
    const [dx, dk, db] = tf.grads((xx: tf.Tensor, kk: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(dense(xx as tf.Tensor2D, kk as tf.Tensor2D, bb as tf.Tensor1D, 'linear')),
    )([x, k, b]);
    expect(Array.from(dx.dataSync())).toEqual([6, 15]);
    expect(Array.from(dk.dataSync())).toEqual([1, 1, 1, 2, 2, 2]);
    expect(Array.from(db.dataSync())).toEqual([1, 1, 1]);
  });

  for (const activation of ['relu', 'tanh', 'linear'] as const) {
    it(`matches tfjs's own gradient for ${activation}`, () => {
      const x = tf.randomNormal([7, 5], 0, 1, 'float32', 1) as tf.Tensor2D;
      const k = tf.randomNormal([5, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
      const b = tf.randomNormal([4], 0, 1, 'float32', 3) as tf.Tensor1D;
      const weights = tf.randomNormal([7, 4], 0, 1, 'float32', 4);
      const loss = (f: typeof dense) => (xx: tf.Tensor, kk: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(weights, f(xx as tf.Tensor2D, kk as tf.Tensor2D, bb as tf.Tensor1D, activation)));
      const fast = tf.grads(loss(dense))([x, k, b]);
      const stock = tf.grads(loss(stockDense))([x, k, b]);
      for (let i = 0; i < 3; i++) expect(maxAbsDifference(fast[i], stock[i])).toBeLessThan(1e-5);
      expect(maxAbsDifference(dense(x, k, b, activation), stockDense(x, k, b, activation))).toBeLessThan(1e-5);
    });
  }
});
