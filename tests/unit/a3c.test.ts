import { beforeAll, describe, expect, it } from 'vitest';
import { initTf, tf } from '../../agents/shared/tf.ts';
import { A3cTrainer, a3cEntry } from '../../agents/on-policy/a3c.ts';
import { validateA3cConfig } from '../../agents/on-policy/a3c-config.ts';
import { nodeWorkers } from '../../agents/on-policy/a3c.node.ts';
import { inThreadWorkers } from '../../agents/on-policy/a3c-worker.ts';
import type { A3cWorkerFactory, FromWorker, ToWorker } from '../../agents/on-policy/a3c-protocol.ts';
import { makePointReachVecEnv } from '../fixtures/point-reach.ts';

beforeAll(async () => {
  await initTf();
});

/**
 * Scripted workers: each answers 'parameters' with a fixed gradient (all entries `value`) and 5 steps of
 * observation statistics, one tick later, so both workers compute at the same version.
 */
function scriptedWorkers(values: number[], posted: ToWorker[]): A3cWorkerFactory {
  return (index) => {
    let handler: (m: FromWorker) => void = () => {};
    let size = 0;
    return {
      post(message) {
        posted.push(message);
        const reply = (m: FromWorker) => void Promise.resolve().then(() => handler(m));
        if (message.type === 'init') reply({ type: 'ready', index, observationSize: 2, actionSize: 1 });
        if (message.type === 'parameters') {
          size = message.parameters.length;
          reply({
            type: 'gradient',
            index,
            version: message.version,
            gradient: new Float32Array(size).fill(values[index]),
            steps: 5,
            episodes: [{ ret: index, len: 5 }],
            obsStatistics: { mean: Float64Array.of(index, index), variance: Float64Array.of(1, 1), count: 5 },
            returnStatistics: null,
            metrics: { actor_loss: 1, critic_loss: 2, entropy: 3 },
          });
        }
      },
      onMessage(h) {
        handler = h;
      },
      async terminate() {},
    };
  };
}

describe('A3C global network', () => {
  it('applies gradients from two workers as they arrive and reports their staleness', async () => {
    const posted: ToWorker[] = [];
    const config = validateA3cConfig({
      numWorkers: 2,
      updatesPerIteration: 2,
      hiddenSizes: [3],
      maxGradNorm: 0,
      annealLearningRate: false,
      learningRate: 0.01,
      adamEpsilon: 1e-12,
    });
    const trainer = await A3cTrainer.create({
      robot: 'scripted',
      config,
      seed: 1,
      workers: scriptedWorkers([0.5, 2], posted),
      makeEvalEnv: () => Promise.reject(new Error('unused')),
    });
    const before = (await trainer.getState()).arrays.parameters;
    const [record] = await trainer.iterate();
    const after = (await trainer.getState()).arrays.parameters;
    // Two Adam steps with positive gradients: step 1 moves by lr * g/|g| = 0.01; step 2 (g = 0.5 then 2):
    // m = 0.9*0.05 + 0.1*2 = 0.245, v = 0.999*0.00025 + 0.001*4 = 0.00424975; mhat = 0.245/0.19 = 1.2894737,
    // vhat = 0.00424975/0.001999 = 2.1259380, step = 0.01 * 1.2894737 / 1.4580596 = 0.0088437
    for (let i = 0; i < before.length; i++) expect(before[i] - after[i]).toBeCloseTo(0.0188437, 5);
    // Both workers computed at version 0; the second gradient arrived after one update: staleness 0 and 1.
    expect(record.staleness_mean).toBe(0.5);
    expect(record.staleness_max).toBe(1);
    expect(record.envSteps).toBe(10);
    expect(record.episode_return).toBe(0.5);
    // Each worker was sent parameters once (the iteration's budget is 2) and the stats of both were merged.
    expect(posted.filter((m) => m.type === 'parameters').length).toBe(2);
    const state = await trainer.getState();
    expect([...state.arrays['obsNormaliser.count']]).toEqual([10]);
    expect([...state.arrays['obsNormaliser.mean']]).toEqual([0.5, 0.5]);
    // The next iteration sends the worker the parameters after both updates.
    await trainer.iterate();
    const third = posted.filter((m) => m.type === 'parameters')[2];
    expect(third.type === 'parameters' && third.version).toBe(2);
    expect(third.type === 'parameters' && [...third.parameters]).toEqual([...after]);
    await trainer.dispose();
  });

  it('restores its state (global parameters, Adam moments, normalisers, counters)', async () => {
    const config = validateA3cConfig({ numWorkers: 2, updatesPerIteration: 2, hiddenSizes: [3] });
    const make = () =>
      A3cTrainer.create({
        robot: 'scripted',
        config,
        seed: 1,
        workers: scriptedWorkers([1, -1], []),
        makeEvalEnv: () => Promise.reject(new Error('unused')),
      });
    const a = await make();
    await a.iterate();
    const state = await a.getState();
    const b = await make();
    await b.setState(state);
    const restored = await b.getState();
    expect(restored.json).toEqual(state.json);
    for (const key of Object.keys(state.arrays)) expect([...restored.arrays[key]]).toEqual([...state.arrays[key]]);
    expect(b.envSteps).toBe(a.envSteps);
    await Promise.all([a.dispose(), b.dispose()]);
  });
});

describe('A3C learning', () => {
  // Reward scaling is off here: on this fixture, at this learning rate, it made the actor-critic unstable.
  it('learns point-reach with in-thread workers and leaks no tensors', async () => {
    const t = await a3cEntry.createTrainer({
      robot: 'point-reach',
      config: a3cEntry.validate({
        numWorkers: 2,
        numEnvs: 4,
        numSteps: 8,
        hiddenSizes: [32, 32],
        learningRate: 3e-3,
        updatesPerIteration: 50,
        totalSteps: 40_000,
        normaliseRewards: false,
      }),
      seed: 2,
      makeVecEnv: makePointReachVecEnv,
    });
    const before = await t.evaluate(20);
    await t.iterate();
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await t.iterate();
    expect(tf.memory().numTensors).toBe(tensors);
    const after = await t.evaluate(20);
    expect(after.meanReturn).toBeGreaterThan(before.meanReturn + 3);
    await t.dispose();
  }, 60_000);

  it("starts its actor-learners through the platform's factory when createTrainer is given one (the app's Web Workers)", async () => {
    const started: number[] = [];
    const inThread = inThreadWorkers(makePointReachVecEnv);
    const t = await a3cEntry.createTrainer({
      robot: 'point-reach',
      config: a3cEntry.validate({ numWorkers: 3, numEnvs: 2, numSteps: 5, hiddenSizes: [16], updatesPerIteration: 6 }),
      seed: 4,
      makeVecEnv: makePointReachVecEnv,
      a3cWorkers: (index) => {
        started.push(index);
        return inThread(index);
      },
    });
    const [record] = await t.iterate();
    expect(started).toEqual([0, 1, 2]);
    expect(record.updates).toBe(6);
    await t.dispose();
  }, 60_000);

  it('runs its workers as Node threads and reports the staleness of their gradients', async () => {
    const config = validateA3cConfig({ numWorkers: 2, numEnvs: 2, numSteps: 5, hiddenSizes: [16], updatesPerIteration: 40 });
    const workers = nodeWorkers({ envModule: new URL('../fixtures/point-reach.ts', import.meta.url).href, envExport: 'makePointReachVecEnv' });
    const t = await A3cTrainer.create({
      robot: 'point-reach',
      config,
      seed: 3,
      workers,
      makeEvalEnv: (seed) => makePointReachVecEnv({ numEnvs: 1, seed }),
    });
    const [first] = await t.iterate();
    const [second] = await t.iterate();
    expect(first.updates).toBe(40);
    expect(second.envSteps).toBe(2 * 40 * 2 * 5);
    // Two workers pushing in turn: most gradients were computed one update behind.
    expect(second.staleness_mean).toBeGreaterThan(0);
    expect(second.staleness_max).toBeGreaterThanOrEqual(1);
    expect(Number.isFinite(second.critic_loss)).toBe(true);
    await t.dispose();
  }, 60_000);
});
