import { describe, it, expect } from 'vitest';
import { playEpisodes, playSummary } from '../../app/runtime/play.ts';
import type { Env, StepResult } from '../../sim/env.ts';

/** A 1-D walker: reward = action, episodes end after `seed % 3 + 2` steps. */
function lineEnv(): Env & { resets: number[] } {
  let position = 0;
  let left = 0;
  const resets: number[] = [];
  return {
    robot: 'line',
    observationSize: 1,
    actionSize: 1,
    dt: 0.1,
    bodyCount: 0,
    resets,
    reset(seed = 0) {
      resets.push(seed);
      position = 0;
      left = (seed % 3) + 2;
      return Float32Array.of(position);
    },
    step(action): StepResult {
      position += action[0];
      left--;
      return { obs: Float32Array.of(position), reward: action[0], terminated: false, truncated: left === 0, info: { terms: {} } };
    },
    getState: () => ({ qpos: new Float64Array(1), qvel: new Float64Array(1) }),
    setState: () => undefined,
    writePoses: () => undefined,
    dispose: () => undefined,
  };
}

describe('playEpisodes', () => {
  it('runs each episode to its end with seeds seed, seed+1, ...', () => {
    const env = lineEnv();
    // Policy: act 0.5 always. Seeds 4, 5, 6 give 3, 4, 2 steps: returns 1.5, 2, 1.
    const result = playEpisodes(env, () => [0.5], 3, 4);
    expect(env.resets).toEqual([4, 5, 6]);
    expect(result).toEqual({ returns: [1.5, 2, 1], lengths: [3, 4, 2] });
    // Population std of 1.5, 2, 1 around 1.5: sqrt((0 + 0.25 + 0.25) / 3) = 0.41.
    expect(playSummary(result)).toEqual([
      'episode 1: return 1.50 (3 steps)',
      'episode 2: return 2.00 (4 steps)',
      'episode 3: return 1.00 (2 steps)',
      'mean evaluation return (deterministic, no exploration noise) 1.50 ± 0.41 over 3 episodes',
    ]);
  });
});
