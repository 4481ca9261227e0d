import type { PhysicsName } from '../../sim/physics.ts';
import { describe, it, expect } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../app/runtime/checkpoint.ts';
import { getRuntimeAlgorithm } from '../../app/runtime/catalog.ts';
import { loadCatalog } from '../../app/runtime/registry-catalog.ts';
import { resolveRunConfig } from '../../app/runtime/run-config.ts';
import type { MetricsRecord, TrainerState } from '../../agents/contract.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunFolder } from '../../app/runtime/run-folder.node.ts';
import { runSession } from '../../app/runtime/session.node.ts';

/**
 * The runtime against real algorithms on the Rapier Reacher, with tiny budgets: a trainer's state survives the
 * checkpoint file bit for bit, and a run stopped and resumed logs the same metrics as one never stopped.
 */

const meta = { robot: 'reacher', algorithm: 'ppo', envSteps: 0, meanReturn: null, sinewVersion: 'test', createdAt: 'now' };

function expectSameState(a: TrainerState, b: TrainerState): void {
  expect(b.json).toEqual(a.json);
  expect(Object.keys(b.arrays).sort()).toEqual(Object.keys(a.arrays).sort());
  for (const [name, array] of Object.entries(a.arrays)) {
    expect(b.arrays[name].constructor).toBe(array.constructor);
    expect(
      Buffer.from(b.arrays[name].buffer, b.arrays[name].byteOffset, b.arrays[name].byteLength).equals(
        Buffer.from(array.buffer, array.byteOffset, array.byteLength),
      ),
    ).toBe(true);
  }
}

/** Checkpoints hold the environments' state: on MuJoCo it comes back exactly (Rapier's resume: sim-vec-env-rapier.test.ts). */
const PHYSICS: PhysicsName = 'mujoco';

describe('checkpoints of a real trainer', () => {
  it('PPO: state -> file bytes -> a fresh trainer gives back the same state and policy', async () => {
    const catalog = await loadCatalog();
    const request = {
      robot: 'reacher',
      algorithm: 'ppo',
      seed: 3,
      workers: 0,
      totalSteps: 256,
      checkpointEvery: 128,
      keepCheckpoints: 1,
      set: ['numEnvs=2', 'numSteps=64', 'minibatchSize=32', 'updateEpochs=1'],
      physics: PHYSICS,
    };
    const config = resolveRunConfig(catalog, request, {});
    const entry = getRuntimeAlgorithm(catalog, 'ppo');
    const options = { robot: 'reacher', config: config.algorithmConfig, seed: 3, workers: 0, physics: PHYSICS };
    const original = await entry.createTrainer(options);
    const copy = await entry.createTrainer({ ...options, seed: 99 });
    try {
      await original.iterate();
      await original.iterate();
      const state = await original.getState();
      const restored = decodeCheckpoint(encodeCheckpoint(state, { ...meta, envSteps: original.envSteps })).state;
      expectSameState(state, restored);
      await copy.setState(restored);
      expect(copy.envSteps).toBe(original.envSteps);
      expectSameState(state, await copy.getState());
      const [a, b] = [original.exportPolicy(), copy.exportPolicy()];
      expect(b.layers.map((layer) => [...layer.kernel])).toEqual(a.layers.map((layer) => [...layer.kernel]));
    } finally {
      await original.dispose();
      await copy.dispose();
    }
  });
});

/** Metrics without those that measure this machine's speed (wall time, steps/s, updates/s) rather than the computation. */
const computed = (records: readonly MetricsRecord[]) =>
  records.map((record) => Object.fromEntries(Object.entries(record).filter(([key]) => key !== 'wallTime' && !key.endsWith('_per_s'))));

describe('stop and resume with real algorithms', () => {
  const silent = { isTTY: false, write: () => true };
  const cases: [string, string[], number][] = [
    ['ppo', ['numEnvs=2', 'numSteps=64', 'minibatchSize=32', 'updateEpochs=2'], 1280],
    ['td3', ['learningStarts=100', 'stepsPerIteration=50', 'batchSize=32', 'hiddenSizes=[32,32]'], 400],
  ];
  for (const [algorithm, set, totalSteps] of cases) {
    it(`${algorithm}: a run stopped mid-way and resumed matches the uninterrupted one record for record`, async () => {
      const catalog = await loadCatalog();
      const request = {
        robot: 'reacher',
        algorithm,
        seed: 5,
        workers: 0,
        totalSteps,
        checkpointEvery: totalSteps,
        keepCheckpoints: 2,
        set,
        physics: PHYSICS,
      };
      const config = resolveRunConfig(catalog, request, { sinew: 'test' });
      const parent = mkdtempSync(join(tmpdir(), 'sinew-real-resume-'));
      const whole = RunFolder.create(parent, config, 'whole');
      await runSession(whole, { catalog, progress: silent });
      const split = RunFolder.create(parent, config, 'split');
      let polls = 0;
      // Stop after 4 iterations: the checkpoint written on stopping is off the checkpointEvery grid.
      const first = await runSession(split, { catalog, progress: silent, shouldStop: () => ++polls > 4 });
      expect(first.outcome).toBe('stopped');
      await runSession(RunFolder.open(split.path), { catalog, progress: silent, resumeFrom: 'latest' });
      const [a, b] = [whole.readMetrics(), split.readMetrics()];
      expect(b.length).toBe(a.length);
      expect(b.length).toBeGreaterThan(5);
      expect(computed(b)).toEqual(computed(a));
    });
  }
});
