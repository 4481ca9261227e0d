import { describe, expect, it } from 'vitest';
import { packSnapshot, snapshotSize, type SnapshotEnv } from '../../sim/env-common.ts';
import { EnvRunner } from '../../sim/env-runner.ts';
import { createEnvSlice } from '../../sim/env-slice.ts';
import { createEnv, robotInfo, stateLayout } from '../../sim/registry.ts';
import { Rng } from '../../sim/rng.ts';
import { allocateVecMemory, viewVecMemory, type VecBuffers } from '../../sim/vec-buffers.ts';
import { vecLayout } from '../../sim/vec-env-views.ts';
import { SharedWorkRunner, WorkBoard } from '../../sim/work-sharing.ts';

/** Every claim of `thread` until none is left, as [first, count] pairs. */
function claimAll(board: WorkBoard, thread: number): [number, number][] {
  const taken: [number, number][] = [];
  for (let claim = board.claim(thread); claim !== 0; claim = board.claim(thread)) taken.push([claim & 0xffff, claim >>> 16]);
  return taken;
}

describe('WorkBoard', () => {
  it('deals home slices; a thread takes a quarter of what is left of its own from the front, then steals from the back of the others', () => {
    const board = WorkBoard.create(3, 20); // home slices [0, 7), [7, 14), [14, 20)
    board.deal();
    expect(claimAll(board, 1).slice(0, 3)).toEqual([
      [7, 1], // 7 left: a quarter rounds down to 1
      [8, 1],
      [9, 1],
    ]);
    const bigger = WorkBoard.create(2, 64);
    bigger.deal();
    expect(claimAll(bigger, 1).slice(0, 3)).toEqual([
      [32, 8],
      [40, 6],
      [46, 4],
    ]);
    const thief = claimAll(bigger, 1);
    expect(thief).toEqual([]); // thread 1 took its own slice and all of thread 0's
    bigger.deal();
    const envs = claimAll(bigger, 0).flatMap(([first, count]) => Array.from({ length: count }, (_, k) => first + k));
    expect(envs.sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, k) => k));
    expect(claimAll(bigger, 0).length).toBe(0);
  });

  it('steals from the back of another slice', () => {
    const board = WorkBoard.create(2, 8); // [0, 4), [4, 8)
    board.deal();
    expect(claimAll(board, 1).slice(0, 5)).toEqual([
      [4, 1],
      [5, 1],
      [6, 1],
      [7, 1],
      [3, 1],
    ]);
  });

  it('starts with no env stepped by any thread, and refuses more envs than its 16-bit slices can deal', () => {
    expect([...WorkBoard.create(2, 4).owner]).toEqual([-1, -1, -1, -1]);
    expect(() => WorkBoard.create(2, 70_000)).toThrow(/at most 65535 envs/);
  });
});

describe('packState', () => {
  it.each(['reacher', 'hopper'])('%s: writes exactly what packSnapshot writes of snapshot(), as the stream and episode move on', async (robot) => {
    const { nq, nv, actionSize } = robotInfo(robot);
    const env = await createEnv(robot, { seed: 4, maxEpisodeSteps: 7 });
    const live = new Float64Array(snapshotSize({ nq, nv, extra: 0 }));
    const packed = new Float64Array(snapshotSize({ nq, nv, extra: 0 }));
    for (let step = 0; step < 20; step++) {
      const result = env.step(Array.from({ length: actionSize }, (_, k) => Math.sin(step + k)));
      if (result.terminated || result.truncated) env.reset();
      env.packState(live, 0);
      packSnapshot(env.snapshot(), packed, 0);
      expect(live).toEqual(packed);
    }
    expect(live[0]).toBeGreaterThan(0); // the time limit's step count is in it
  });
});

describe('SharedWorkRunner', () => {
  it('moves envs between threads through their snapshots without changing any trajectory (Hopper, resets included)', async () => {
    const robot = 'hopper';
    const numEnvs = 5;
    const seed = 11;
    const maxEpisodeSteps = 25;
    const layout = vecLayout(robot, numEnvs);
    const slice = (buffers: VecBuffers, envs: SnapshotEnv[]) => new EnvRunner(envs, 0, layout, buffers, robotInfo(robot).rewardTerms);
    // Threads share work on MuJoCo (a Rapier slice is one world, stepped whole by its thread: worker-vec-env.ts).
    const physics = 'mujoco';
    const makeEnvs = () => createEnvSlice({ robot, first: 0, count: numEnvs, seed, maxEpisodeSteps, physics });
    // Reference: one thread steps every env. Shared: two "threads" (runners with their own env copies) in turns.
    const reference = viewVecMemory(layout, allocateVecMemory(layout, false));
    const referenceRunner = slice(reference, await makeEnvs());
    const shared = viewVecMemory(layout, allocateVecMemory(layout, false));
    const board = WorkBoard.create(2, numEnvs);
    const states = new Float64Array(numEnvs * snapshotSize(stateLayout(robot, physics)));
    const threads = [0, 1].map(
      async (thread) => new SharedWorkRunner(slice(shared, await makeEnvs()), board, thread, states, stateLayout(robot, physics)),
    );
    const [a, b] = await Promise.all(threads);
    referenceRunner.reset(seed);
    board.deal();
    a.reset(seed);
    const turns = new Rng(3);
    let moves = 0;
    const actions = new Float32Array(numEnvs * layout.actionSize);
    for (let step = 0; step < 150; step++) {
      for (let i = 0; i < actions.length; i++) actions[i] = Math.fround(Math.sin(0.37 * step + 1.1 * i));
      // Whoever runs first takes every env (its own, then the other's): envs change threads whenever the turn does.
      const before = [...board.owner];
      board.deal();
      if (turns.uniform() < 0.5) a.step(actions);
      else b.step(actions);
      moves += board.owner.filter((owner, i) => owner !== before[i]).length;
      referenceRunner.step(actions);
      expect(shared.obs).toEqual(reference.obs);
      expect(shared.rewards).toEqual(reference.rewards);
      expect(shared.terminated).toEqual(reference.terminated);
      expect(shared.truncated).toEqual(reference.truncated);
      expect(shared.finalObs).toEqual(reference.finalObs);
      expect(shared.poses).toEqual(reference.poses);
    }
    expect(moves).toBeGreaterThan(100);
    expect(reference.finishedLengths.some((length) => length > 0)).toBe(true);
  });
});
