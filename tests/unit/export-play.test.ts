import { describe, expect, it } from 'vitest';
import { createPolicyEvaluator } from '../../agents/export/evaluator.ts';
import { playPolicy } from '../../agents/export/play.ts';
import type { PolicySnapshot } from '../../agents/policy.ts';
import type { VecEnv } from '../../sim/env.ts';

/** Env i ends its episodes after i + 2 steps; the reward is the action, the observation the step count. */
function countingVecEnv(numEnvs: number): VecEnv & { resets: number[] } {
  const steps = new Array<number>(numEnvs).fill(0);
  const env = {
    robot: 'counter',
    numEnvs,
    observationSize: 1,
    actionSize: 1,
    resets: [] as number[],
    obs: new Float32Array(numEnvs),
    rewards: new Float32Array(numEnvs),
    terminated: new Uint8Array(numEnvs),
    truncated: new Uint8Array(numEnvs),
    finalObs: new Float32Array(numEnvs),
    async reset(seed: number) {
      env.resets.push(seed);
      steps.fill(0);
      env.obs.fill(0);
    },
    async step(actions: Float32Array) {
      for (let i = 0; i < numEnvs; i++) {
        steps[i]++;
        env.rewards[i] = actions[i];
        env.terminated[i] = steps[i] === i + 2 ? 1 : 0;
        if (env.terminated[i]) steps[i] = 0;
        env.obs[i] = steps[i];
      }
    },
    async close() {},
  };
  return env;
}

/** action = clip(0.25 + 0.5 * step): 0.25, 0.75, 1 (clipped), 1, ... */
const policy: PolicySnapshot = {
  robot: 'counter',
  algorithm: 'hand',
  observationSize: 1,
  actionSize: 1,
  obsNormaliser: null,
  outputSquash: 'clip',
  envSteps: 0,
  layers: [{ inputSize: 1, outputSize: 1, kernel: Float32Array.of(0.5), bias: Float32Array.of(0.25), activation: 'linear' }],
};

describe('playPolicy', () => {
  it('counts the first episodes to finish over all envs (on-policy evaluate)', async () => {
    const env = countingVecEnv(2);
    const result = await playPolicy(createPolicyEvaluator(policy), env, 7, 3);
    // Env 0 (2 steps): 0.25 + 0.75 = 1 at steps 2 and 4; env 1 (3 steps): 0.25 + 0.75 + 1 = 2 at step 3.
    expect(result.returns).toEqual([1, 2, 1]);
    expect(result.lengths).toEqual([2, 3, 2]);
    expect(result.meanReturn).toBeCloseTo(4 / 3, 10);
    expect(env.resets).toEqual([7]);
  });

  it('counts the first episode of each env (off-policy evaluate)', async () => {
    const result = await playPolicy(createPolicyEvaluator(policy), countingVecEnv(3), 1, 3, 'one-per-env');
    // Env 2 (4 steps): 0.25 + 0.75 + 1 + 1 = 3.
    expect(result.returns).toEqual([1, 2, 3]);
    expect(result.lengths).toEqual([2, 3, 4]);
    expect(result.stdReturn).toBeCloseTo(Math.sqrt(2 / 3), 10);
  });

  it('refuses an environment of other sizes', async () => {
    await expect(
      playPolicy(
        createPolicyEvaluator({ ...policy, observationSize: 2, layers: [{ ...policy.layers[0], inputSize: 2, kernel: Float32Array.of(1, 1) }] }),
        countingVecEnv(1),
        0,
        1,
      ),
    ).rejects.toThrow(/maps 2 -> 1 values, the environment 1 -> 1/);
    await expect(playPolicy(createPolicyEvaluator(policy), countingVecEnv(2), 0, 3, 'one-per-env')).rejects.toThrow(/needs 3 envs, got 2/);
  });
});
