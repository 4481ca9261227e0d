import { describe, it, expect, beforeAll } from 'vitest';
import { initTf, tf } from '../../agents/shared/tf.ts';
import { HeapSpace } from '../../agents/shared/heap-gemm.ts';
import { gemmUsesRelaxedSimd } from '../../agents/shared/gemm-module.ts';
import {
  gemmPlainUnsharedWasmBase64,
  gemmPlainWasmBase64,
  gemmRelaxedUnsharedWasmBase64,
  gemmRelaxedWasmBase64,
} from '../../agents/shared/gemm-wasm.ts';
import { compiledGemm, withUnsharedMemory, withoutRelaxedSimd } from '../../scripts/embed-gemm.mjs';
import { HeapMlp } from '../../agents/shared/heap-mlp.ts';
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

/** act(a b + bias) for row-major a [m, k], b [k, n], summed in double precision. */
function reference(a: Float32Array, b: Float32Array, m: number, k: number, n: number, bias: Float32Array | null, relu: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = bias ? bias[j] : 0;
      for (let t = 0; t < k; t++) sum += a[i * k + t] * b[t * n + j];
      out.push(relu ? Math.max(0, sum) : sum);
    }
  }
  return out;
}

describe('heap matrices', () => {
  it('multiplies with bias and relu as worked by hand', () => {
    const space = new HeapSpace();
    const a = space.matrix(3, 2);
    const b = space.matrix(2, 2);
    const bias = space.matrix(1, 2);
    const out = space.matrix(3, 2);
    a.values.set([1, 2, 3, 4, 0, 0]);
    b.values.set([1, -1, 1, -2]);
    bias.values.set([0.5, 1]);
    // Two rows only: [1 2] B + bias = [3.5, -4], [3 4] B + bias = [7.5, -10]; relu clips the second column.
    space.matMul(a, b, out, 2, 2, 2, bias, true);
    expect(Array.from(out.values.subarray(0, 4))).toEqual([3.5, 0, 7.5, 0]);
    space.dispose();
  });

  it('multiplies by a transposed left operand and sums columns, as worked by hand', () => {
    const space = new HeapSpace();
    const a = space.matrix(3, 2);
    const b = space.matrix(3, 2);
    const out = space.matrix(3, 2);
    a.values.set([1, 2, 3, 4, 5, 6]);
    b.values.set([1, 0, 0, 1, 1, 1]);
    // a^T b = [[1 + 5, 3 + 5], [2 + 6, 4 + 6]] = [[6, 8], [8, 10]]; the column sums of b are [2, 2].
    space.matMulTransposedA(a, b, out, 2, 3, 2, true);
    expect(Array.from(out.values)).toEqual([6, 8, 8, 10, 2, 2]);
    space.dispose();
  });

  it('equals a plain double-precision product over blocks and every kind of edge, and refuses shapes that do not fit', () => {
    const space = new HeapSpace();
    const rng = new Rng(1);
    // m: rows of 4-row blocks and left over; n: 8-column blocks, a 4-column edge and single columns; k = 0 too.
    for (const [m, k, n] of [
      [5, 7, 3],
      [1, 16, 9],
      [33, 4, 17],
      [8, 0, 15],
      [12, 256, 31],
      [64, 64, 64],
      [37, 50, 1],
    ]) {
      const a = space.matrix(m, k);
      const aT = space.matrix(k, m);
      const b = space.matrix(k, n);
      const bias = space.matrix(1, n);
      const out = space.matrix(m + 1, n);
      for (const x of [a, b, bias]) x.values.set(Float32Array.from({ length: x.rows * x.columns }, () => rng.normal()));
      for (let i = 0; i < m; i++) for (let t = 0; t < k; t++) aT.values[t * m + i] = a.values[i * k + t];
      // float32 sums of k products of normal values: rounding errors grow about like k (a wrong index errs by ~1).
      const tolerance = 1e-6 * (k + 8);
      for (const relu of [false, true]) {
        space.matMul(a, b, out, m, k, n, bias, relu);
        expect(maxAbsDifference(out.values.subarray(0, m * n), reference(a.values, b.values, m, k, n, bias.values, relu))).toBeLessThan(tolerance);
      }
      space.matMulTransposedA(aT, b, out, m, k, n, true);
      const sums = Array.from({ length: n }, (_, j) => b.values.filter((_, index) => index % n === j).reduce((x, y) => x + y, 0));
      expect(maxAbsDifference(out.values, [...reference(a.values, b.values, m, k, n, null, false), ...sums])).toBeLessThan(tolerance);
      expect(() => space.matMul(a, b, out, m + 2, k, n, null, false)).toThrow(/do not fit/);
      expect(() => space.matMulTransposedA(aT, b, out, m, k + 1, n, false)).toThrow(/do not fit/);
    }
    space.dispose();
  });

  it('keeps the embedded modules equal to the compiled gemm.wat (regenerate: node scripts/embed-gemm.mjs)', async () => {
    const { relaxed, plain, relaxedUnshared, plainUnshared } = await compiledGemm();
    expect(gemmRelaxedWasmBase64).toBe(relaxed.toString('base64'));
    expect(gemmPlainWasmBase64).toBe(plain.toString('base64'));
    expect(gemmRelaxedUnsharedWasmBase64).toBe(relaxedUnshared.toString('base64'));
    expect(gemmPlainUnsharedWasmBase64).toBe(plainUnshared.toString('base64'));
    expect(() => withUnsharedMemory('(module)')).toThrow(/no .* to make unshared/);
  });

  it('uses fused multiply-adds under Node once tfjs is set up, and all four modules give the same products', () => {
    expect(gemmUsesRelaxedSimd()).toBe(true);
    const [m, k, n] = [13, 40, 21];
    const rng = new Rng(5);
    const a = Float32Array.from({ length: m * k }, () => rng.normal());
    const b = Float32Array.from({ length: k * n }, () => rng.normal());
    const bias = Float32Array.from({ length: n }, () => rng.normal());
    const modules: [string, boolean][] = [
      [gemmRelaxedWasmBase64, true],
      [gemmPlainWasmBase64, true],
      [gemmRelaxedUnsharedWasmBase64, false],
      [gemmPlainUnsharedWasmBase64, false],
    ];
    for (const [base64, shared] of modules) {
      const memory = new WebAssembly.Memory(shared ? { initial: 1, maximum: 16384, shared: true } : { initial: 1 });
      const { exports } = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(base64, 'base64')), { env: { memory } });
      const { gemm } = exports as { gemm: (...args: number[]) => void };
      // a, b, bias and c one after another from byte 32 (gemm.wat's first free byte).
      const heap = new Float32Array(memory.buffer);
      const [aAt, bAt, biasAt, cAt] = [8, 8 + m * k, 8 + m * k + k * n, 8 + m * k + k * n + n];
      heap.set(a, aAt);
      heap.set(b, bAt);
      heap.set(bias, biasAt);
      gemm(aAt * 4, k, 1, bAt * 4, n, cAt * 4, n, biasAt * 4, m, k, n, 1, 0);
      expect(maxAbsDifference(heap.subarray(cAt, cAt + m * n), reference(a, b, m, k, n, bias, true))).toBeLessThan(1e-4);
    }
  });

  it('writes the module without relaxed SIMD as a multiply then an add, and refuses relaxed instructions it does not know', () => {
    expect(withoutRelaxedSimd('(f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c00))')).toBe(
      '(f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0)))',
    );
    expect(() => withoutRelaxedSimd('(f32x4.relaxed_nmadd (local.get $x) (local.get $y) (local.get $z))')).toThrow(/does not know/);
  });

  it('transposes row-major matrices, across tiles and their edges', () => {
    const space = new HeapSpace();
    const a = space.matrix(2, 3);
    const out = space.matrix(3, 2);
    a.values.set([1, 2, 3, 4, 5, 6]);
    space.transpose(a, out);
    expect(Array.from(out.values)).toEqual([1, 4, 2, 5, 3, 6]);
    const big = space.matrix(37, 21);
    const bigT = space.matrix(21, 37);
    big.values.set(Float32Array.from({ length: 37 * 21 }, (_, i) => i));
    space.transpose(big, bigT);
    expect(Array.from(bigT.values)).toEqual(Array.from({ length: 37 * 21 }, (_, i) => (i % 37) * 21 + Math.floor(i / 37)));
    expect(() => space.transpose(big, out)).toThrow(/does not transpose/);
    space.dispose();
  });

  it('zeroes the products where a mask is not positive (relu gradients), NaN masks included', () => {
    const space = new HeapSpace();
    const rng = new Rng(9);
    // 9 x 13: 4 x 8 blocks, a 4-column edge and single columns, and a row below the blocks.
    const [m, k, n] = [9, 5, 13];
    const a = space.matrix(m, k);
    const b = space.matrix(k, n);
    const mask = space.matrix(m, n);
    const out = space.matrix(m, n);
    a.values.set(Float32Array.from({ length: m * k }, () => rng.normal()));
    b.values.set(Float32Array.from({ length: k * n }, () => rng.normal()));
    mask.values.set(Float32Array.from({ length: m * n }, (_, i) => [1, 0, -1, Number.NaN, 2, -0][i % 6]));
    space.matMul(a, b, out, m, k, n, null, false);
    const product = Float32Array.from(out.values);
    space.matMul(a, b, out, m, k, n, null, false, mask);
    expect(Array.from(out.values)).toEqual(Array.from(product, (x, i) => (mask.values[i] > 0 ? x : 0)));
    expect(() => space.matMul(a, b, out, m, k, n, null, false, space.matrix(1, 1))).toThrow(/do not fit/);
    space.dispose();
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
        const inputGradient = Float32Array.from(net.backward(dOut, true, true) as Float32Array);
        const gradient = Float32Array.from(net.parameterGradient);
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
          if (!grown) space.free(space.matrix(space.matrix(1, 1).values.buffer.byteLength / 4, 1));
          grown = true;
          product(...args);
        };
      }
      const inputGradient = Float32Array.from(net.backward(dOut, true, true) as Float32Array);
      const gradient = Float32Array.from(net.parameterGradient);
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
    expect(() => net.backward(new Float32Array(3), false, true)).toThrow(/no forward pass/);
    expect(() => net.setParameters(new Float32Array(2))).toThrow(/expected/);
    space.dispose();
  });
});
