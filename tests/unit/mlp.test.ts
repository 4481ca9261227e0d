import { describe, it, expect, beforeAll } from 'vitest';
import { initTf, tf } from '../../agents/shared/tf.ts';
import { Mlp } from '../../agents/shared/mlp.ts';
import { Rng } from '../../sim/rng.ts';

beforeAll(async () => {
  await initTf();
});

describe('Mlp', () => {
  it('computes a hand-worked forward pass', () => {
    const mlp = new Mlp({ inputSize: 2, hiddenSizes: [2], outputSize: 1, outputActivation: 'tanh' }, new Rng(1));
    // Hidden: relu([1, 1] [[1, -1], [2, 0]] + [0, 0.5]) = relu([3, -0.5]) = [3, 0]; output tanh(3 * 0.25 + 0) = tanh(0.75).
    mlp.writeWeights([new Float32Array([1, -1, 2, 0]), new Float32Array([0, 0.5]), new Float32Array([0.25, 7]), new Float32Array([0])]);
    const y = mlp.apply(tf.tensor2d([1, 1], [1, 2]));
    expect(y.dataSync()[0]).toBeCloseTo(Math.tanh(0.75), 6);
    mlp.dispose();
  });

  it('draws weights from the seed, within +-1/sqrt(fan_in), scaled on the output layer', () => {
    const spec = { inputSize: 4, hiddenSizes: [16], outputSize: 2, outputInitScale: 0.01 };
    const a = new Mlp(spec, new Rng(7));
    const b = new Mlp(spec, new Rng(7));
    const c = new Mlp(spec, new Rng(8));
    const [ka, , kout] = a.readWeights();
    expect(ka).toEqual(b.readWeights()[0]);
    expect(ka).not.toEqual(c.readWeights()[0]);
    expect(Math.max(...ka.map(Math.abs))).toBeLessThanOrEqual(0.5);
    expect(Math.max(...ka.map(Math.abs))).toBeGreaterThan(0.4);
    expect(Math.max(...kout.map(Math.abs))).toBeLessThanOrEqual(0.01 / 4);
    expect(a.parameterCount).toBe(4 * 16 + 16 + 16 * 2 + 2);
    for (const m of [a, b, c]) m.dispose();
  });

  it('copies weights, snapshots them and rejects wrong shapes', () => {
    const spec = { inputSize: 3, hiddenSizes: [5, 5], outputSize: 2 };
    const a = new Mlp(spec, new Rng(1));
    const b = new Mlp(spec, new Rng(2));
    b.copyFrom(a);
    expect(b.readWeights()).toEqual(a.readWeights());
    const snapshot = a.snapshot();
    expect(snapshot.map((l) => [l.inputSize, l.outputSize, l.activation])).toEqual([
      [3, 5, 'relu'],
      [5, 5, 'relu'],
      [5, 2, 'linear'],
    ]);
    expect(() => a.writeWeights([new Float32Array(1)])).toThrow(/expected 6 arrays/);
    expect(() => new Mlp({ inputSize: 0, hiddenSizes: [], outputSize: 1 }, new Rng(1))).toThrow(/inputSize/);
    a.dispose();
    b.dispose();
  });

  it('leaks no tensors across forward and backward passes', () => {
    const mlp = new Mlp({ inputSize: 3, hiddenSizes: [8], outputSize: 1 }, new Rng(3));
    const x = tf.ones([4, 3]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      tf.tidy(() => {
        tf.variableGrads(() => tf.sum(mlp.apply(x)) as tf.Scalar, mlp.variables);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    mlp.dispose();
    x.dispose();
  });
});

describe('Mlp hand-written backward', () => {
  it('equals tfjs autograd for parameters and input', () => {
    const mlp = new Mlp({ inputSize: 3, hiddenSizes: [6, 5], outputSize: 2, outputActivation: 'tanh' }, new Rng(9));
    const x = tf.randomNormal([7, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const weights = tf.randomNormal([7, 2], 0, 1, 'float32', 2) as tf.Tensor2D;
    const loss = (input: tf.Tensor2D) => tf.sum(tf.mul(weights, mlp.apply(input))) as tf.Scalar;
    const reference = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => loss(x), mlp.variables);
      return mlp.variables.map((v) => Float32Array.from(grads[v.name].dataSync() as Float32Array));
    });
    const referenceInput = tf
      .grad((input: tf.Tensor) => loss(input as tf.Tensor2D))(x)
      .dataSync();
    let parameters: Float32Array | null = null;
    let input: Float32Array | null = null;
    tf.tidy(() => {
      const trace = mlp.forwardTrace(x);
      const gradients = mlp.backward(trace, weights, { parameters: true, input: true });
      parameters = gradients.parameters;
      input = Float32Array.from(gradients.input?.dataSync() ?? []);
    });
    const flatReference = Float32Array.from(reference.flatMap((r) => Array.from(r)));
    expect(parameters).not.toBeNull();
    (parameters as unknown as Float32Array).forEach((g, i) => expect(g).toBeCloseTo(flatReference[i], 5));
    (input as unknown as Float32Array).forEach((g, i) => expect(g).toBeCloseTo(referenceInput[i], 5));
    mlp.dispose();
  });

  it('round-trips flat parameters and keeps the transposed kernels in step with writes', () => {
    const mlp = new Mlp({ inputSize: 2, hiddenSizes: [3], outputSize: 1 }, new Rng(1));
    const flat = Float32Array.from({ length: mlp.parameterCount }, (_, i) => i / 10 - 0.5);
    mlp.setParameters(flat);
    expect(mlp.getParameters()).toEqual(flat);
    mlp.writeWeights([new Float32Array([1, 0, 0, 0, 1, 0]), new Float32Array(3), new Float32Array([1, 1, 1]), new Float32Array(1)]);
    // After writeWeights, backward must use the new kernel: y = sum relu(x K1) with K1 = [[1,0,0],[0,1,0]], x = [2, 3]:
    // dy/dx = K1 (relu' = 1 where positive) times ones = [1, 1].
    const dx = tf.tidy(() => {
      const trace = mlp.forwardTrace(tf.tensor2d([2, 3], [1, 2]));
      return Array.from(mlp.backward(trace, tf.ones([1, 1]) as tf.Tensor2D, { parameters: false, input: true }).input?.dataSync() ?? []);
    });
    expect(dx).toEqual([1, 1]);
    expect(() => mlp.setParameters(new Float32Array(2))).toThrow(/expected 13 values/);
    mlp.dispose();
  });
});
