import type { Env } from '../../sim/env.ts';

/**
 * Deterministic episodes of a policy on one environment, no exploration noise: what `sinew play POLICY`
 * runs for an exported policy (a run folder is played through its trainer's own evaluate()).
 */

export interface PlayResult {
  readonly returns: readonly number[];
  readonly lengths: readonly number[];
}

/** Episode i is reset with seed + i, so the same policy and seed always give the same returns. */
export function playEpisodes(env: Env, act: (obs: Float32Array) => ArrayLike<number>, episodes: number, seed: number): PlayResult {
  const returns: number[] = [];
  const lengths: number[] = [];
  for (let episode = 0; episode < episodes; episode++) {
    let obs = env.reset(seed + episode);
    let total = 0;
    let length = 0;
    while (true) {
      const step = env.step(act(obs));
      total += step.reward;
      length++;
      obs = step.obs;
      if (step.terminated || step.truncated) break;
    }
    returns.push(total);
    lengths.push(length);
  }
  return { returns, lengths };
}

/** "episode 1: return -4.21 (50 steps)" lines and a mean +- std line. */
export function playSummary(result: PlayResult): string[] {
  const { returns, lengths } = result;
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / returns.length);
  return [
    ...returns.map((ret, i) => `episode ${i + 1}: return ${ret.toFixed(2)} (${lengths[i]} steps)`),
    `mean evaluation return (deterministic, no exploration noise) ${mean.toFixed(2)} ± ${std.toFixed(2)} over ${returns.length} episode${returns.length === 1 ? '' : 's'}`,
  ];
}
