import { describe, it, expect } from 'vitest';
import { evaluateEpisodes } from '../../agents/shared/evaluation.ts';
import { PointMassVecEnv } from '../fixtures/point-mass-vec-env.ts';

describe('evaluateEpisodes', () => {
  it('counts the first episode of each environment, with its return and length', async () => {
    // Standing still, no env reaches its target: every episode is truncated after 5 steps, each step
    // costing the (constant) distance to the target.
    const env = new PointMassVecEnv(3, 5);
    await env.reset(11);
    const distances = [0, 1, 2].map((i) => Math.hypot(env.obs[4 * i + 2], env.obs[4 * i + 3]));
    const result = await evaluateEpisodes(env, (_obs, _rows, out) => out.fill(0));
    expect(result.lengths).toEqual([5, 5, 5]);
    result.returns.forEach((r, i) => expect(r).toBeCloseTo(-5 * distances[i], 5));
    const mean = result.returns.reduce((a, b) => a + b, 0) / 3;
    expect(result.meanReturn).toBeCloseTo(mean, 10);
    expect(result.stdReturn).toBeCloseTo(Math.sqrt(result.returns.reduce((a, r) => a + (r - mean) ** 2, 0) / 3), 10);
  });
});
