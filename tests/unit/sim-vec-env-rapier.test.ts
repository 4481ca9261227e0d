import { afterAll, describe, expect, it } from 'vitest';
import { liveRapierEngineWorlds as liveRapierWorlds } from '../../sim/engines/rapier/world.ts';
import { createEnv } from '../../sim/registry.ts';
import { createVecEnv, type SimVecEnv, type VecEnvOptions } from '../../sim/vec-env.ts';

// The VecEnv suite (sim-vec-env.test.ts) on Rapier physics: all the robots of one thread's slice share one Rapier
// world (or, with rapierWorlds 'per-robot', have one each), stepped in a batch.

const open: SimVecEnv[] = [];
afterAll(async () => {
  for (const vec of open) await vec.close().catch(() => undefined);
});

async function make(options: Omit<VecEnvOptions, 'physics'>): Promise<SimVecEnv> {
  const vec = await createVecEnv({ ...options, physics: 'rapier' });
  open.push(vec);
  return vec;
}

// Float32 like the shared action buffer, so lone envs see the same numbers.
const action = (step: number, i: number, k: number) => Math.fround(Math.sin(0.7 * step + 1.3 * i + 2.1 * k));

/** Steps `vec` with the test's actions and returns what it reports (finalObs is only valid where an episode ended). */
async function trace(vec: SimVecEnv, from: number, count: number): Promise<number[]> {
  const out: number[] = [];
  const actions = new Float32Array(vec.numEnvs * vec.actionSize);
  for (let step = from; step < from + count; step++) {
    for (let i = 0; i < vec.numEnvs; i++) for (let k = 0; k < vec.actionSize; k++) actions[i * vec.actionSize + k] = action(step, i, k);
    await vec.step(actions);
    out.push(...vec.obs, ...vec.rewards, ...vec.terminated, ...vec.truncated, ...vec.finishedLengths, ...vec.poses);
  }
  return out;
}

describe.each([
  ['in-thread', 0],
  ['this thread and a worker thread', 2],
  ['this thread and two worker threads', 3],
])('Rapier VecEnv (%s)', (_name, workers) => {
  it.each(['reacher', 'hopper'])(
    '%s: each env of a shared world steps bit for bit like a lone env (a world of its own) in its lane with seed + i, auto-reset included',
    async (robot) => {
      const numEnvs = 4;
      const vec = await make({ robot, numEnvs, workers, seed: 5, maxEpisodeSteps: 9 });
      const actions = new Float32Array(vec.numEnvs * vec.actionSize);
      const lone = await Promise.all(
        Array.from({ length: numEnvs }, (_, i) => createEnv(robot, { physics: 'rapier', lane: i, seed: 5 + i, maxEpisodeSteps: 9 })),
      );
      const act = vec.actionSize;
      for (let step = 0; step < 20; step++) {
        for (let i = 0; i < numEnvs; i++) for (let k = 0; k < act; k++) actions[i * act + k] = action(step, i, k);
        await vec.step(actions);
        for (let i = 0; i < numEnvs; i++) {
          const result = lone[i].step(Array.from({ length: act }, (_, k) => action(step, i, k)));
          expect(vec.rewards[i]).toBe(Math.fround(result.reward));
          expect(vec.terminated[i]).toBe(result.terminated ? 1 : 0);
          const done = result.terminated || result.truncated;
          const obs = done ? lone[i].reset() : result.obs;
          expect(vec.obs.subarray(i * vec.observationSize, (i + 1) * vec.observationSize)).toEqual(obs);
        }
      }
      lone.forEach((env) => env.dispose());
    },
  );

  it('rejects a NaN action naming the env, before any robot of its world moves', async () => {
    // 6 envs: envs 0 and 1 are in this thread's slice (one world) with 0, 2 or 3 threads.
    const vec = await make({ robot: 'hopper', numEnvs: 6, workers, seed: 0 });
    const actions = new Float32Array(vec.numEnvs * vec.actionSize);
    const before = vec.poses.slice(0, 28);
    actions.fill(0);
    actions[4] = Number.NaN;
    await expect(vec.step(actions)).rejects.toThrow(/env 1: hopper: action\[1\] is NaN/);
    expect(vec.poses.subarray(0, 28)).toEqual(before);
    actions[4] = 0;
    await vec.step(actions); // the world still steps once the action is fixed
    expect(vec.stepCount).toBe(1);
  });

  it('saves and loads its state: the continuation repeats bit for bit (the saved worlds hold the solver state)', async () => {
    for (const robot of ['reacher', 'hopper', 'ant']) {
      const vec = await make({ robot, numEnvs: 3, workers, seed: 4, maxEpisodeSteps: 12 });
      await trace(vec, 0, 5);
      const saved = await vec.saveState();
      const first = await trace(vec, 5, 15);
      await vec.loadState(saved);
      expect(vec.obs).toEqual(saved.arrays.obs);
      expect(await trace(vec, 5, 15)).toEqual(first);
    }
  });

  it.each([0, 2, 3].filter((other) => other !== workers))(
    'a state saved here resumes bit for bit on %i threads (other slices: each thread rebuilds the saved worlds its envs were in)',
    async (other) => {
      const robot = 'hopper';
      const vec = await make({ robot, numEnvs: 5, workers, seed: 8, maxEpisodeSteps: 15 });
      await trace(vec, 0, 10); // the Hoppers touch the ground: contacts are part of the saved worlds
      const saved = await vec.saveState();
      const first = await trace(vec, 10, 20);
      const resumed = await make({ robot, numEnvs: 5, workers: other, seed: 99, maxEpisodeSteps: 15 });
      await resumed.loadState(saved);
      expect(resumed.obs).toEqual(saved.arrays.obs);
      expect(await trace(resumed, 10, 20)).toEqual(first);
      // Saved again after the resume (its worlds cut along other slices), it still resumes exactly here.
      const again = await resumed.saveState();
      const second = await trace(resumed, 30, 10);
      await vec.loadState(again);
      expect(await trace(vec, 30, 10)).toEqual(second);
    },
  );
});

describe('Rapier VecEnv determinism', () => {
  it('gives bit-identical traces in one thread and over 2 or 3 worker threads, in shared and per-robot worlds', async () => {
    const run = async (workers: number, rapierWorlds: 'shared' | 'per-robot') => {
      const vec = await make({ robot: 'hopper', numEnvs: 5, workers, seed: 21, rapierWorlds });
      const out = await trace(vec, 0, 40); // the Hoppers fall, touch the ground and reset
      await vec.close();
      return out;
    };
    const inThread = await run(0, 'shared');
    expect(await run(0, 'per-robot')).toEqual(inThread);
    expect(await run(2, 'shared')).toEqual(inThread);
    expect(await run(3, 'shared')).toEqual(inThread);
  });

  it('frees every Rapier world it made when closed (also the per-robot ones)', async () => {
    const baseline = liveRapierWorlds();
    const shared = await createVecEnv({ robot: 'reacher', numEnvs: 6, physics: 'rapier' });
    expect(liveRapierWorlds()).toBe(baseline + 1);
    const separate = await createVecEnv({ robot: 'hopper', numEnvs: 3, physics: 'rapier', rapierWorlds: 'per-robot' });
    expect(liveRapierWorlds()).toBe(baseline + 4);
    await shared.close();
    await separate.close();
    expect(liveRapierWorlds()).toBe(baseline);
  });

  it('refuses a state saved without its Rapier worlds (an older sinew) clearly, and frees the worlds a restore replaced', async () => {
    const baseline = liveRapierWorlds();
    const vec = await createVecEnv({ robot: 'reacher', numEnvs: 4, physics: 'rapier', workers: 0 });
    const saved = await vec.saveState();
    const { scenes: _scenes, ...legacy } = saved.arrays;
    await expect(vec.loadState({ ...saved, arrays: legacy })).rejects.toThrow(/saved by an older sinew, without their Rapier worlds/);
    await vec.loadState(saved);
    expect(liveRapierWorlds()).toBe(baseline + 1);
    await vec.close();
    expect(liveRapierWorlds()).toBe(baseline);
  });

  it('rejects an unknown physics or world mode', async () => {
    await expect(createVecEnv({ robot: 'reacher', numEnvs: 2, physics: 'bullet' as 'rapier' })).rejects.toThrow(/unknown physics 'bullet'/);
    await expect(createVecEnv({ robot: 'reacher', numEnvs: 2, physics: 'rapier', rapierWorlds: 'one' as 'shared' })).rejects.toThrow(
      /unknown rapierWorlds 'one'/,
    );
  });
});
