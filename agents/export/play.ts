import type { VecEnv } from '../../sim/env.ts';
import type { EvaluationResult } from '../contract.ts';
import type { PolicyEvaluator } from './evaluator.ts';

/**
 * How episodes are counted: the first `episodes` to finish over all environments (auto-reset continues the
 * others; the on-policy trainers' evaluate), or exactly the first episode of each of `episodes` environments
 * (the off-policy trainers' evaluate).
 */
export type PlayProtocol = 'first-finished' | 'one-per-env';

/**
 * Plays an imported policy: deterministic episodes on `env` (reset with `seed`), counted like the trainers'
 * evaluate(), so a played export can be compared with the trained policy return for return. The caller owns
 * (and closes) the environment.
 */
export async function playPolicy(
  evaluator: PolicyEvaluator,
  env: VecEnv,
  seed: number,
  episodes: number,
  protocol: PlayProtocol = 'first-finished',
): Promise<EvaluationResult> {
  if (!Number.isInteger(episodes) || episodes < 1) throw new Error(`play: episodes must be a positive integer, got ${episodes}`);
  if (env.observationSize !== evaluator.snapshot.observationSize || env.actionSize !== evaluator.snapshot.actionSize) {
    throw new Error(
      `play: the policy maps ${evaluator.snapshot.observationSize} -> ${evaluator.snapshot.actionSize} values, the environment ${env.observationSize} -> ${env.actionSize}`,
    );
  }
  if (protocol === 'one-per-env' && env.numEnvs !== episodes) throw new Error(`play: one episode per env needs ${episodes} envs, got ${env.numEnvs}`);
  const returns: number[] = [];
  const lengths: number[] = [];
  const finished = new Uint8Array(env.numEnvs);
  const running = new Float64Array(env.numEnvs);
  const length = new Float64Array(env.numEnvs);
  await env.reset(seed);
  while (protocol === 'one-per-env' ? finished.some((f) => f === 0) : returns.length < episodes) {
    await env.step(evaluator.actBatch(env.obs, env.numEnvs));
    for (let e = 0; e < env.numEnvs; e++) {
      running[e] += env.rewards[e];
      length[e] += 1;
      if (!env.terminated[e] && !env.truncated[e]) continue;
      if (protocol === 'one-per-env') {
        if (!finished[e]) [returns[e], lengths[e]] = [running[e], length[e]];
        finished[e] = 1;
      } else if (returns.length < episodes) {
        returns.push(running[e]);
        lengths.push(length[e]);
      }
      running[e] = 0;
      length[e] = 0;
    }
  }
  const mean = returns.reduce((sum, r) => sum + r, 0) / returns.length;
  const std = Math.sqrt(returns.reduce((sum, r) => sum + (r - mean) ** 2, 0) / returns.length);
  return { returns, lengths, meanReturn: mean, stdReturn: std };
}
