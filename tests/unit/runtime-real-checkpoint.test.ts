import { describe, it, expect } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../app/runtime/checkpoint.ts';
import { getRuntimeAlgorithm } from '../../app/runtime/catalog.ts';
import { loadCatalog } from '../../app/runtime/registry-catalog.ts';
import { resolveRunConfig } from '../../app/runtime/run-config.ts';
import type { TrainerState } from '../../agents/trainer.ts';

/**
 * The runtime against a real algorithm (PPO on the Reacher, tiny rollouts): a trainer's state survives the
 * checkpoint file bit for bit, and a fresh trainer given it reports the very same state and policy.
 */

const meta = { robot: 'reacher', algorithm: 'ppo', envSteps: 0, meanReturn: null, sinewVersion: 'test', createdAt: 'now' };

function expectSameState(a: TrainerState, b: TrainerState): void {
  expect(b.json).toEqual(a.json);
  expect(Object.keys(b.arrays).sort()).toEqual(Object.keys(a.arrays).sort());
  for (const [name, array] of Object.entries(a.arrays)) {
    expect(b.arrays[name].constructor).toBe(array.constructor);
    expect(Buffer.from(b.arrays[name].buffer, b.arrays[name].byteOffset, b.arrays[name].byteLength).equals(Buffer.from(array.buffer, array.byteOffset, array.byteLength))).toBe(true);
  }
}

describe('checkpoints of a real trainer', () => {
  it('PPO: state -> file bytes -> a fresh trainer gives back the same state and policy', async () => {
    const catalog = await loadCatalog();
    const request = {
      robot: 'reacher', algorithm: 'ppo', seed: 3, workers: 0, totalSteps: 256, checkpointEvery: 128, keepCheckpoints: 1,
      set: ['numSteps=64', 'minibatchSize=32', 'updateEpochs=1'],
    };
    const config = resolveRunConfig(catalog, request, {});
    const entry = getRuntimeAlgorithm(catalog, 'ppo');
    const options = { robot: 'reacher', config: config.algorithmConfig, seed: 3, workers: 0 };
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
