import type { GaussianActorCritic } from '../shared/gaussian-actor-critic.ts';
import type { RunningNormaliser } from '../shared/normaliser.ts';
import type { EvaluationResult } from '../contract.ts';
import type { VecEnv } from '../../sim/env.ts';

/**
 * Deterministic evaluation of a Gaussian policy: the mean action, clipped to [-1, 1], on `env` (reset with
 * `seed`, closed afterwards) until `episodes` episodes have finished. Observations are normalised with
 * the training statistics, which are not updated.
 */
export async function evaluateGaussianPolicy(
  model: GaussianActorCritic,
  obsNormaliser: RunningNormaliser | null,
  env: VecEnv,
  seed: number,
  episodes: number,
): Promise<EvaluationResult> {
  if (!Number.isInteger(episodes) || episodes < 1) throw new Error(`evaluate: episodes must be a positive integer, got ${episodes}`);
  const returns: number[] = [];
  const lengths: number[] = [];
  try {
    await env.reset(seed);
    const out = model.actOutput(env.numEnvs);
    const actions = new Float32Array(env.numEnvs * env.actionSize);
    const running = new Float64Array(env.numEnvs);
    const length = new Float64Array(env.numEnvs);
    while (returns.length < episodes) {
      const obs = obsNormaliser ? obsNormaliser.normalise(env.obs, env.numEnvs) : env.obs;
      model.act(obs, env.numEnvs, null, out);
      for (let i = 0; i < actions.length; i++) actions[i] = Math.max(-1, Math.min(1, out.actions[i]));
      await env.step(actions);
      for (let e = 0; e < env.numEnvs; e++) {
        running[e] += env.rewards[e];
        length[e] += 1;
        if (!env.terminated[e] && !env.truncated[e]) continue;
        if (returns.length < episodes) {
          returns.push(running[e]);
          lengths.push(length[e]);
        }
        running[e] = 0;
        length[e] = 0;
      }
    }
  } finally {
    await env.close();
  }
  const mean = returns.reduce((s, r) => s + r, 0) / returns.length;
  const std = Math.sqrt(returns.reduce((s, r) => s + (r - mean) ** 2, 0) / returns.length);
  return { returns, lengths, meanReturn: mean, stdReturn: std };
}
