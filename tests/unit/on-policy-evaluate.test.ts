import { beforeAll, describe, expect, it } from 'vitest';
import { initTf } from '../../agents/shared/tf.ts';
import { GaussianActorCritic } from '../../agents/shared/gaussian-actor-critic.ts';
import { evaluateGaussianPolicy } from '../../agents/on-policy/evaluate.ts';
import { FixtureVecEnv, PointReachEnv } from '../fixtures/point-reach.ts';
import { Rng } from '../../sim/rng.ts';

beforeAll(async () => {
  await initTf({ backend: 'cpu' });
});

describe('evaluateGaussianPolicy', () => {
  it('plays the clipped mean action and returns exactly the requested episodes', async () => {
    const model = new GaussianActorCritic({ observationSize: 4, actionSize: 2, hiddenSizes: [4], activation: 'tanh', initialLogStd: 0 }, new Rng(1));
    // All-zero parameters: the mean action is 0, the point never moves, every episode runs to the limit.
    model.writeParameters(new Float32Array(model.parameterCount));
    const env = new FixtureVecEnv([new PointReachEnv(20), new PointReachEnv(20)]);
    const result = await evaluateGaussianPolicy(model, null, env, 3, 3);
    expect(result.lengths).toEqual([20, 20, 20]);
    // Standing still for 20 steps: the return is -20 times the starting distance of each episode.
    const first = new PointReachEnv(20).reset(3);
    expect(result.returns[0]).toBeCloseTo(-20 * Math.hypot(first[2], first[3]), 4);
    expect(result.meanReturn).toBeCloseTo(result.returns.reduce((s, r) => s + r, 0) / 3, 10);
    await expect(evaluateGaussianPolicy(model, null, env, 3, 0)).rejects.toThrow(/episodes must be a positive integer/);
    model.dispose();
  });
});
