import { tf } from './tf.ts';
import type { Activation } from '../policy.ts';

/**
 * A dense layer y = act(x K + b) with a hand-written gradient.
 *
 * Why: tfjs's own matMul gradient calls matMul with transposeA/transposeB, which the wasm backend runs about
 * 13x slower than a plain matMul (docs/FINDINGS.md). Here the gradient transposes explicitly and calls plain
 * matMul: dx = dz K^T, dK = x^T dz, db = sum_rows(dz), where dz is dy through the activation's derivative
 * (taken from the saved output y: relu' = [y > 0], tanh' = 1 - y^2).
 */

type DenseOp = (x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;

/** dy through the activation's derivative, from the activation's output y. */
export function activationGradient(activation: Activation, dy: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
  switch (activation) {
    case 'relu':
      return tf.mul(dy, tf.step(y));
    case 'tanh':
      return tf.mul(dy, tf.sub(1, tf.square(y)));
    case 'linear':
      return dy;
  }
}

function makeDenseOp(activation: Activation): DenseOp {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, kernel, bias, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    // wasm's fused matMul knows relu and linear; tanh is applied on top.
    const fused = tf.fused.matMul({ a: x, b: kernel, bias, activation: activation === 'relu' ? 'relu' : 'linear' });
    const y = activation === 'tanh' ? tf.tanh(fused) : fused;
    save([x, kernel, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedX, savedKernel, savedY] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const dz = activationGradient(activation, dy as tf.Tensor2D, savedY);
        return [tf.matMul(dz, tf.transpose(savedKernel)), tf.matMul(tf.transpose(savedX), dz), tf.sum(dz, 0)];
      },
    };
  });
  return op as unknown as DenseOp;
}

const denseOps: Record<Activation, DenseOp> = {
  relu: makeDenseOp('relu'),
  tanh: makeDenseOp('tanh'),
  linear: makeDenseOp('linear'),
};

/** y = activation(x K + b), differentiable with respect to x, K and b through the fast gradient. */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  return denseOps[activation](x, kernel, bias);
}
