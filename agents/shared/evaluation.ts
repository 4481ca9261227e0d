import type { VecEnv } from '../../sim/env.ts';
import type { EvaluationResult } from '../contract.ts';

/**
 * Runs one episode in each environment of a freshly reset VecEnv with a deterministic policy and reports
 * their returns: every environment's first episode counts, so short episodes are not over-represented.
 */
export async function evaluateEpisodes(env: VecEnv, act: (obs: Float32Array, rows: number, out: Float32Array) => void): Promise<EvaluationResult> {
  const n = env.numEnvs;
  const returns = new Float64Array(n);
  const lengths = new Float64Array(n);
  const finished = new Uint8Array(n);
  const actions = new Float32Array(n * env.actionSize);
  while (finished.some((f) => f === 0)) {
    act(env.obs, n, actions);
    await env.step(actions);
    for (let i = 0; i < n; i++) {
      if (finished[i]) continue;
      returns[i] += env.rewards[i];
      lengths[i] += 1;
      if (env.terminated[i] || env.truncated[i]) finished[i] = 1;
    }
  }
  const meanReturn = returns.reduce((sum, r) => sum + r, 0) / n;
  const stdReturn = Math.sqrt(returns.reduce((sum, r) => sum + (r - meanReturn) ** 2, 0) / n);
  return { returns: Array.from(returns), lengths: Array.from(lengths), meanReturn, stdReturn };
}
