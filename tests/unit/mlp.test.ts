import { describe, it, expect, beforeAll } from 'vitest';
import { initTf, tf } from '../../agents/tf.ts';
import { Mlp } from '../../agents/mlp.ts';
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
