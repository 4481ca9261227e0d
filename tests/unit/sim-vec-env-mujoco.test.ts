import { afterAll, describe, expect, it } from 'vitest';
import { createVecEnv, type SimVecEnv } from '../../sim/vec-env.ts';

const open: SimVecEnv[] = [];
afterAll(async () => {
  for (const vec of open) await vec.close().catch(() => undefined);
});

const action = (step: number, i: number, k: number) => Math.fround(Math.sin(0.7 * step + 1.3 * i + 2.1 * k));

/** Steps `vec` from step `from` for `count` steps; everything a trainer reads, flattened. */
async function drive(vec: SimVecEnv, from: number, count: number): Promise<number[]> {
  const trace: number[] = [];
  const actions = new Float32Array(vec.numEnvs * vec.actionSize);
  for (let step = from; step < from + count; step++) {
    for (let i = 0; i < actions.length; i++) actions[i] = action(step, i, i % vec.actionSize);
    await vec.step(actions);
    trace.push(...vec.obs, ...vec.rewards, ...vec.terminated, ...vec.truncated, ...vec.episodeReturns, ...vec.poses);
  }
  return trace;
}

describe('MuJoCo VecEnv: exact resume and determinism over threads', () => {
  it.each([0, 2])('ant on %i workers: save, run on, load, run again: bit for bit (contacts, resets and work sharing included)', async (workers) => {
    const vec = await createVecEnv({ robot: 'ant', numEnvs: 3, workers, seed: 3, physics: 'mujoco', maxEpisodeSteps: 12 });
    open.push(vec);
    await drive(vec, 0, 8);
    const saved = await vec.saveState();
    const first = await drive(vec, 8, 10);
    await vec.loadState(saved);
    expect(await drive(vec, 8, 10)).toEqual(first);
  });

  it('walker2d gives bit-identical traces in one thread and over 3 threads sharing the work', async () => {
    const run = async (workers: number) => {
      const vec = await createVecEnv({ robot: 'walker2d', numEnvs: 4, workers, seed: 9, physics: 'mujoco' });
      open.push(vec);
      return drive(vec, 0, 25);
    };
    const inThread = await run(0);
    expect(await run(3)).toEqual(inThread);
  });
});
