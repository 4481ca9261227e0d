import { afterAll, describe, expect, it } from 'vitest';
import { createEnv, type PhysicsName } from '../../sim/registry.ts';
import { createVecEnv, InThreadVecEnv, type SimVecEnv } from '../../sim/vec-env.ts';
import { WorkerVecEnv } from '../../sim/worker-vec-env.ts';
import { nodeWorkerFactory } from '../../sim/worker-host.node.ts';
import { CONTROL, type WorkerFactory } from '../../sim/worker-protocol.ts';

const open: SimVecEnv[] = [];
afterAll(async () => {
  for (const vec of open) await vec.close().catch(() => undefined);
});

async function make(
  workers: number,
  robot: string,
  numEnvs: number,
  seed: number,
  maxEpisodeSteps?: number,
  physics?: PhysicsName,
): Promise<SimVecEnv> {
  const vec = await createVecEnv({ robot, numEnvs, workers, seed, maxEpisodeSteps, physics });
  open.push(vec);
  return vec;
}

// Float32 like the shared action buffer, so lone envs see the same numbers.
const action = (step: number, i: number, k: number) => Math.fround(Math.sin(0.7 * step + 1.3 * i + 2.1 * k));

describe.each([
  ['in-thread', 0],
  ['this thread and a worker thread', 2],
  ['this thread and two worker threads', 3],
])('VecEnv (%s)', (_name, workers) => {
  it('is the implementation the factory promises', async () => {
    const vec = await make(workers, 'reacher', 4, 0);
    expect(vec).toBeInstanceOf(workers === 0 ? InThreadVecEnv : WorkerVecEnv);
    expect(vec.workers).toBe(workers);
  });

  it('steps each env like a lone env with seed + i, auto-resets keeping the final observation, and books episodes', async () => {
    const numEnvs = 3;
    const vec = await make(workers, 'reacher', numEnvs, 5, 4);
    const actions = new Float32Array(vec.numEnvs * vec.actionSize);
    // The default physics, Rapier: env i of a vector env is in lane i of its thread's world, so its lone twin is too.
    const lone = await Promise.all(Array.from({ length: numEnvs }, (_, i) => createEnv('reacher', { seed: 5 + i, lane: i, maxEpisodeSteps: 4 })));
    for (let i = 0; i < numEnvs; i++) expect(vec.obs.subarray(i * 10, (i + 1) * 10)).toEqual(lone[i].reset(5 + i));
    const returns = new Float64Array(numEnvs);
    for (let step = 0; step < 6; step++) {
      for (let i = 0; i < numEnvs; i++) for (let k = 0; k < 2; k++) actions[i * 2 + k] = action(step, i, k);
      await vec.step(actions);
      for (let i = 0; i < numEnvs; i++) {
        const result = lone[i].step([action(step, i, 0), action(step, i, 1)]);
        returns[i] += result.reward;
        expect(vec.rewards[i]).toBe(Math.fround(result.reward));
        expect(vec.rewardTerms[i * 2]).toBe(Math.fround(result.info.terms.distance));
        expect(vec.rewardTerms[i * 2 + 1]).toBe(Math.fround(result.info.terms.control));
        expect(vec.truncated[i]).toBe(step === 3 ? 1 : 0);
        expect(vec.terminated[i]).toBe(0);
        if (step === 3) {
          expect(vec.finalObs.subarray(i * 10, (i + 1) * 10)).toEqual(result.obs);
          expect(vec.finishedLengths[i]).toBe(4);
          expect(vec.finishedReturns[i]).toBeCloseTo(returns[i], 6);
          returns[i] = 0;
          expect(vec.obs.subarray(i * 10, (i + 1) * 10)).toEqual(lone[i].reset());
        } else {
          expect(vec.obs.subarray(i * 10, (i + 1) * 10)).toEqual(result.obs);
        }
      }
    }
    expect(Array.from(vec.episodeLengths)).toEqual([2, 2, 2]);
    lone.forEach((env) => env.dispose());
  });

  it('writes every body pose of every robot to the pose board each step', async () => {
    const vec = await make(workers, 'hopper', 2, 9);
    const actions = new Float32Array(vec.numEnvs * vec.actionSize);
    const lone = await createEnv('hopper', { seed: 10, lane: 1 });
    const expected = new Float32Array(4 * 7);
    actions.fill(0.3);
    await vec.step(actions);
    lone.step([Math.fround(0.3), Math.fround(0.3), Math.fround(0.3)]);
    lone.writePoses(expected, 0);
    expect(vec.poses.length).toBe(2 * 4 * 7);
    expect(vec.poses.subarray(28, 56)).toEqual(expected);
    expect(vec.stepCount).toBe(1);
    lone.dispose();
  });

  it('saves and loads its state: the continuation repeats bit for bit, episode books included', async () => {
    // On MuJoCo, whose resume is exact (sim-vec-env-rapier.test.ts tests Rapier's).
    const vec = await make(workers, 'hopper', 3, 4, 12, 'mujoco');
    const actions = new Float32Array(vec.numEnvs * vec.actionSize);
    const drive = async (from: number, count: number) => {
      const trace: number[] = [];
      for (let step = from; step < from + count; step++) {
        for (let i = 0; i < actions.length; i++) actions[i] = action(step, i, 1);
        await vec.step(actions);
        trace.push(...vec.obs, ...vec.rewards, ...vec.truncated, ...vec.finishedLengths, ...vec.episodeReturns);
      }
      return trace;
    };
    await drive(0, 5);
    const saved = await vec.saveState();
    const first = await drive(5, 15); // crosses the 12-step limit: resets draw from the saved random streams
    await vec.loadState(saved);
    expect(await drive(5, 15)).toEqual(first);
    await expect(vec.loadState({ ...saved, json: { kind: 'sinew-vec-env', robot: 'reacher', numEnvs: 3 } })).rejects.toThrow(/not 3 x hopper/);
    // A checkpoint of the retired hand-written physics: qpos, qvel, the random stream and no engine state.
    const legacy = new Float64Array(3 * (1 + 6 + 6 + 5));
    await expect(vec.loadState({ ...saved, arrays: { ...saved.arrays, states: legacy } })).rejects.toThrow(
      /saved on the hand-written 'joint-space' physics, which this sinew no longer has; .* start a new run/,
    );
  });

  it('rejects a NaN action with a clear error naming the env', async () => {
    const vec = await make(workers, 'hopper', 2, 0);
    const actions = new Float32Array(vec.numEnvs * vec.actionSize);
    actions.fill(0);
    actions[4] = Number.NaN;
    await expect(vec.step(actions)).rejects.toThrow(/env 1: hopper: action\[1\] is NaN/);
  });

  it('rejects actions of the wrong length, saying how many it expects', async () => {
    const vec = await make(workers, 'hopper', 2, 0);
    // 2 hoppers x 3 actuators = 6 actions
    await expect(vec.step(new Float32Array(5))).rejects.toThrow(/got 5 actions, expected numEnvs x actionSize = 2 x 3 = 6/);
  });
});

describe('VecEnv determinism across implementations', () => {
  it('gives bit-identical observations in one thread and over 2 or 3 worker threads', async () => {
    const run = async (workers: number) => {
      const vec = await make(workers, 'hopper', 4, 21);
      const actions = new Float32Array(vec.numEnvs * vec.actionSize);
      const trace: number[] = [];
      for (let step = 0; step < 30; step++) {
        for (let i = 0; i < actions.length; i++) actions[i] = action(step, i, 0);
        await vec.step(actions);
        trace.push(...vec.obs, ...vec.rewards, ...vec.terminated);
      }
      await vec.close();
      return trace;
    };
    const inThread = await run(0);
    expect(await run(2)).toEqual(inThread);
    expect(await run(3)).toEqual(inThread);
  });
});

describe('env worker protocol', () => {
  it('runs each command once: a late wake-up (a host descheduled between bumping SEQ and notifying) steps nothing', async () => {
    const controls: Int32Array[] = [];
    const capturing: WorkerFactory = () => {
      const port = nodeWorkerFactory();
      return {
        ...port,
        postMessage: (message) => {
          controls.push(new Int32Array(message.control));
          port.postMessage(message);
        },
      };
    };
    const vec = await createVecEnv({ robot: 'reacher', numEnvs: 2, workers: 2, seed: 3, workerFactory: capturing });
    open.push(vec);
    const lone = await createEnv('reacher', { seed: 4, lane: 1 });
    const actions = new Float32Array(4).fill(0.5);
    await vec.step(actions); // env 1 is the worker's
    lone.step([0.5, 0.5]);
    const stepped = vec.obs.slice(10, 20);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // Past its 1 ms of polling the worker sleeps in Atomics.wait (later on a loaded machine): the late notify wakes it.
    let woken = 0;
    for (let tries = 0; woken === 0 && tries < 500; tries++) {
      await sleep(10);
      woken = Atomics.notify(controls[0], CONTROL.SEQ);
    }
    expect(woken).toBe(1);
    await sleep(50);
    expect(vec.obs.subarray(10, 20)).toEqual(stepped);
    await vec.step(actions);
    expect(vec.obs.subarray(10, 20)).toEqual(lone.step([0.5, 0.5]).obs);
    lone.dispose();
  });
});
