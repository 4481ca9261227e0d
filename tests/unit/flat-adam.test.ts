import { describe, expect, it } from 'vitest';
import { clipGradientNorm, FlatAdam } from '../../agents/shared/flat-adam.ts';

describe('FlatAdam', () => {
  it('moves each parameter by about lr on the first step (mhat / sqrt(vhat) = sign(g))', () => {
    // step 1: m = 0.1 g, v = 0.001 g^2, mhat = g, vhat = g^2 -> update = lr * g / (|g| + eps)
    const params = new Float32Array([1, -2, 0.5]);
    const adam = new FlatAdam(3, { learningRate: 0.1, epsilon: 1e-12 });
    adam.step(params, [3, -0.5, 0]);
    expect(params[0]).toBeCloseTo(0.9, 6);
    expect(params[1]).toBeCloseTo(-1.9, 6);
    expect(params[2]).toBe(0.5);
  });

  it('matches the textbook update on a second step', () => {
    // g1 = 1, g2 = 3, lr = 1, eps = 1e-8: m2 = 0.9*0.1 + 0.1*3 = 0.39, v2 = 0.999*0.001 + 0.001*9 = 0.009999
    // mhat = 0.39 / 0.19 = 2.0526316, vhat = 0.009999 / 0.001999 = 5.0020010, update = 2.0526316 / 2.2365150 = 0.9177806
    const params = new Float32Array([0]);
    const adam = new FlatAdam(1, { learningRate: 1 });
    adam.step(params, [1]);
    const afterFirst = params[0];
    adam.step(params, [3]);
    expect(afterFirst).toBeCloseTo(-1, 6);
    expect(params[0] - afterFirst).toBeCloseTo(-0.9177806, 5);
  });

  it('continues identically after saving and restoring its state', () => {
    const a = new FlatAdam(2, { learningRate: 0.01 });
    const pa = new Float32Array([1, 1]);
    a.step(pa, [0.3, -0.2]);
    const b = new FlatAdam(2, { learningRate: 0.01 });
    b.setState(a.getState());
    const pb = Float32Array.from(pa);
    a.step(pa, [0.1, 0.4]);
    b.step(pb, [0.1, 0.4]);
    expect([...pb]).toEqual([...pa]);
    expect(() => b.setState({ firstMoment: new Float32Array(1), secondMoment: new Float32Array(1), steps: 1 })).toThrow(/moments of 2/);
  });
});

describe('clipGradientNorm', () => {
  it('rescales to the maximum norm and reports the norm before', () => {
    // [3, 4] has norm 5; clipped to 1 -> [0.6, 0.8]
    const g = new Float32Array([3, 4]);
    expect(clipGradientNorm(g, 1)).toBe(5);
    expect(g[0]).toBeCloseTo(0.6, 5);
    expect(g[1]).toBeCloseTo(0.8, 5);
    const small = new Float32Array([0.3, 0.4]);
    clipGradientNorm(small, 1);
    expect([...small]).toEqual([Math.fround(0.3), Math.fround(0.4)]);
  });
});
