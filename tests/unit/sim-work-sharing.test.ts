import { describe, expect, it } from 'vitest';
import { packSnapshot, snapshotSize, type SnapshotEnv } from '../../sim/env-common.ts';
import { EnvRunner } from '../../sim/env-runner.ts';
import { createEnvSlice } from '../../sim/env-slice.ts';
import { createEnv, robotInfo } from '../../sim/registry.ts';
import { Rng } from '../../sim/rng.ts';
import { allocateVecMemory, viewVecMemory, type VecBuffers } from '../../sim/vec-buffers.ts';
import { vecLayout } from '../../sim/vec-env.ts';
import { SharedWorkRunner, WorkBoard } from '../../sim/work-sharing.ts';

function claimAll(board: WorkBoard, thread: number): number[] {
  const taken: number[] = [];
  for (let k = board.claim(thread); k >= 0; k = board.claim(thread)) taken.push(k);
  return taken;
}

describe('WorkBoard', () => {
  it('deals home slices, each thread takes its own from the front and then steals from the back of the others', () => {
    const board = WorkBoard.create(3, 8); // home slices [0, 3), [3, 6), [6, 8)
    board.deal();
    expect([board.claim(1), board.claim(1)]).toEqual([3, 4]);
    expect(claimAll(board, 2)).toEqual([6, 7, 2, 1, 0, 5]);
    expect(board.claim(0)).toBe(-1);
    board.deal();
    expect(claimAll(board, 0).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
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
    const live = new Float64Array(snapshotSize(nq, nv));
    const packed = new Float64Array(snapshotSize(nq, nv));
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
    const { nq, nv } = robotInfo(robot);
    const layout = vecLayout(robot, numEnvs);
    const slice = (buffers: VecBuffers, envs: SnapshotEnv[]) => new EnvRunner(envs, 0, layout, buffers, robotInfo(robot).rewardTerms);
    const makeEnvs = () => createEnvSlice({ robot, first: 0, count: numEnvs, seed, maxEpisodeSteps });
    // Reference: one thread steps every env. Shared: two "threads" (runners with their own env copies) in turns.
    const reference = viewVecMemory(layout, allocateVecMemory(layout, false));
    const referenceRunner = slice(reference, await makeEnvs());
    const shared = viewVecMemory(layout, allocateVecMemory(layout, false));
    const board = WorkBoard.create(2, numEnvs);
    const states = new Float64Array(numEnvs * snapshotSize(nq, nv));
    const threads = [0, 1].map(async (thread) => new SharedWorkRunner(slice(shared, await makeEnvs()), board, thread, states, nq, nv));
    const [a, b] = await Promise.all(threads);
    referenceRunner.reset(seed);
    board.deal();
    a.reset(seed);
    const turns = new Rng(3);
    let moves = 0;
    for (let step = 0; step < 150; step++) {
      for (let i = 0; i < shared.actions.length; i++) shared.actions[i] = reference.actions[i] = Math.fround(Math.sin(0.37 * step + 1.1 * i));
      // Whoever runs first takes every env (its own, then the other's): envs change threads whenever the turn does.
      const before = [...board.owner];
      board.deal();
      if (turns.uniform() < 0.5) a.step();
      else b.step();
      moves += board.owner.filter((owner, i) => owner !== before[i]).length;
      referenceRunner.step();
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
