import { describe, it, expect } from 'vitest';
import { GaussianNoise, OrnsteinUhlenbeckNoise } from '../../agents/shared/noise.ts';
import { Rng } from '../../sim/rng.ts';

describe('GaussianNoise', () => {
  it('adds sigma times the seeded normals', () => {
    const reference = new Rng(3);
    const expected = [0.5 + 0.2 * reference.normal(), -0.1 + 0.2 * reference.normal()];
    const actions = new Float32Array([0.5, -0.1]);
    new GaussianNoise(0.2).addTo(actions, new Rng(3));
    expect(actions[0]).toBeCloseTo(expected[0], 6);
    expect(actions[1]).toBeCloseTo(expected[1], 6);
    expect(() => new GaussianNoise(-1)).toThrow(/sigma/);
  });
});

describe('OrnsteinUhlenbeckNoise', () => {
  it('follows x <- x - theta x dt + sigma sqrt(dt) n, per component, and resets per env', () => {
    const noise = new OrnsteinUhlenbeckNoise(2, 1, 0.3, 0.15, 0.01);
    const reference = new Rng(4);
    const x = [0, 0];
    const rng = new Rng(4);
    for (let t = 0; t < 3; t++) {
      const actions = new Float32Array(2);
      noise.addTo(actions, rng);
      for (let i = 0; i < 2; i++) {
        x[i] = x[i] - 0.15 * x[i] * 0.01 + 0.3 * Math.sqrt(0.01) * reference.normal();
        expect(actions[i]).toBeCloseTo(x[i], 6);
      }
    }
    noise.reset(1);
    const state = noise.getState();
    expect(state[0]).toBeCloseTo(x[0], 12);
    expect(state[1]).toBe(0);
    const copy = new OrnsteinUhlenbeckNoise(2, 1, 0.3);
    copy.setState(state);
    expect(copy.getState()).toEqual(state);
    expect(() => noise.addTo(new Float32Array(3), rng)).toThrow(/expected 2/);
  });
});
