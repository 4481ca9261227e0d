import { describe, it, expect, beforeAll } from 'vitest';
import { initTf, tf } from '../../agents/shared/tf.ts';
import { HeapSpace, hostMatMul } from '../../agents/shared/heap-gemm.ts';
import { HeapMlp, transpose } from '../../agents/shared/heap-mlp.ts';
import { initialParameters, type MlpSpec } from '../../agents/shared/mlp.ts';
import { tfMlpOf } from '../oracles/tf-mlp.ts';
import { Rng } from '../../sim/rng.ts';

beforeAll(async () => {
  await initTf();
});

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return a.length === b.length ? m : Infinity;
}

describe('heap matrices', () => {
  it('multiplies with bias and relu as worked by hand, on the wasm heap', () => {
    const space = new HeapSpace();
    expect(space.native).toBe(true);
    const a = space.matrix(3, 2);
    const b = space.matrix(2, 2);
    const bias = space.matrix(1, 2);
    const out = space.matrix(3, 2);
    a.values.set([1, 2, 3, 4, 0, 0]);
    b.values.set([1, -1, 1, -2]);
    bias.values.set([0.5, 1]);
    // Two rows only: [1 2] B + bias = [3.5, -4], [3 4] B + bias = [7.5, -10]; relu clips the second column.
    space.matMul(a, b, out, 2, 2, 2, bias, true);
    expect(Array.from(out.read.subarray(0, 4))).toEqual([3.5, 0, 7.5, 0]);
    space.dispose();
  });

  it('sees a right operand that changed since its last product (XNNPACK packs it once per id)', () => {
    const space = new HeapSpace();
    const a = space.matrix(1, 2);
    const b = space.matrix(2, 1);
    const out = space.matrix(1, 1);
    a.values.set([1, 1]);
    b.values.set([2, 3]);
    space.matMul(a, b, out, 1, 2, 1, null, false);
    expect(out.read[0]).toBe(5);
    b.values[1] = 10;
    space.matMul(a, b, out, 1, 2, 1, null, false);
    expect(out.read[0]).toBe(12);
    space.dispose();
  });

  it('equals the JavaScript product on random shapes, and refuses shapes that do not fit', () => {
    const space = new HeapSpace();
    const rng = new Rng(1);
    for (const [m, k, n] of [
      [5, 7, 3],
      [1, 16, 9],
      [33, 4, 17],
    ]) {
      const a = space.matrix(m, k);
      const b = space.matrix(k, n);
      const bias = space.matrix(1, n);
      const out = space.matrix(m, n);
      for (const x of [a, b, bias]) x.values.set(Float32Array.from({ length: x.rows * x.columns }, () => rng.normal()));
      space.matMul(a, b, out, m, k, n, bias, false);
      const expected = new Float32Array(m * n);
      hostMatMul(a.read, b.read, expected, m, k, n, bias.read, false);
      expect(maxAbsDifference(out.read, expected)).toBeLessThan(1e-5);
      expect(() => space.matMul(a, b, out, m + 1, k, n, null, false)).toThrow(/does not fit/);
    }
    space.dispose();
  });

  it('transposes row-major matrices', () => {
    const out = new Float32Array(6);
    transpose(new Float32Array([1, 2, 3, 4, 5, 6]), 2, 3, out);
    expect(Array.from(out)).toEqual([1, 4, 2, 5, 3, 6]);
  });
});

describe('HeapMlp', () => {
  const specs: MlpSpec[] = [
    { inputSize: 5, hiddenSizes: [16, 24], outputSize: 1 },
    { inputSize: 4, hiddenSizes: [32], outputSize: 3, outputActivation: 'tanh' },
  ];

  it("forward and backward equal tfjs autograd's, for batches smaller than the buffers too", () => {
    const rng = new Rng(2);
    for (const spec of specs) {
      const space = new HeapSpace();
      const net = new HeapMlp(spec, space);
      net.setParameters(initialParameters(spec, rng));
      const reference = tfMlpOf(net);
      for (const rows of [9, 4]) {
        const x = Float32Array.from({ length: rows * spec.inputSize }, () => rng.normal());
        const dOut = Float32Array.from({ length: rows * spec.outputSize }, () => rng.normal());
        const out = Float32Array.from(net.forward(x, rows));
        const gradient = new Float32Array(net.parameterCount);
        const inputGradient = Float32Array.from(net.backward(dOut, gradient, true) as Float32Array);
        tf.tidy(() => {
          const input = tf.tensor2d(x, [rows, spec.inputSize]);
          const loss = () => tf.sum(tf.mul(reference.apply(input), tf.tensor2d(dOut, [rows, spec.outputSize]))) as tf.Scalar;
          expect(maxAbsDifference(out, reference.apply(input).dataSync())).toBeLessThan(1e-5);
          const { grads } = tf.variableGrads(loss, reference.variables);
          const flat = reference.variables.flatMap((v) => Array.from(grads[v.name].dataSync()));
          expect(maxAbsDifference(gradient, flat)).toBeLessThan(1e-5);
          const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(reference.apply(t as tf.Tensor2D), tf.tensor2d(dOut, [rows, spec.outputSize]))))(input);
          expect(maxAbsDifference(inputGradient, dx.dataSync())).toBeLessThan(1e-5);
        });
      }
      reference.dispose();
      space.dispose();
    }
  });

  it('gives the same gradients when the wasm memory grows during its products (views into the old memory go dead)', () => {
    const spec: MlpSpec = { inputSize: 6, hiddenSizes: [32], outputSize: 2 };
    const params = initialParameters(spec, new Rng(4));
    const x = Float32Array.from({ length: 8 * 6 }, (_, i) => Math.sin(i));
    const dOut = Float32Array.from({ length: 8 * 2 }, (_, i) => Math.cos(i));
    const gradients = [false, true].map((grow) => {
      const space = new HeapSpace();
      const net = new HeapMlp(spec, space);
      net.setParameters(params);
      net.forward(x, 8);
      if (grow) {
        // The first product of the backward pass first takes a block as large as the whole memory, which grows it.
        const product = space.matMul.bind(space);
        let grown = false;
        space.matMul = (...args) => {
          if (!grown) space.free(space.matrix(space.matrix(1, 1).read.buffer.byteLength / 4, 1));
          grown = true;
          product(...args);
        };
      }
      const gradient = new Float32Array(net.parameterCount);
      const inputGradient = Float32Array.from(net.backward(dOut, gradient, true) as Float32Array);
      space.dispose();
      return [...gradient, ...inputGradient];
    });
    expect(gradients[1].every(Number.isFinite)).toBe(true);
    expect(gradients[1]).toEqual(gradients[0]);
  });

  it('gives back its parameters and a snapshot, and refuses a backward pass before any forward', () => {
    const space = new HeapSpace();
    const net = new HeapMlp(specs[1], space);
    const params = initialParameters(specs[1], new Rng(3));
    net.setParameters(params);
    expect(net.getParameters()).toEqual(params);
    expect(net.snapshot().map((l) => [l.inputSize, l.outputSize, l.activation])).toEqual([
      [4, 32, 'relu'],
      [32, 3, 'tanh'],
    ]);
    expect(() => net.backward(new Float32Array(3), null, true)).toThrow(/no forward pass/);
    expect(() => net.setParameters(new Float32Array(2))).toThrow(/expected/);
    space.dispose();
  });
});
