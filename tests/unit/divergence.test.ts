import { describe, it, expect } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlatAdam } from '../../agents/shared/flat-adam.ts';
import { loadCatalog } from '../../app/runtime/registry-catalog.ts';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from '../../app/runtime/checkpoint.ts';
import { resolveRunConfig } from '../../app/runtime/run-config.ts';
import { RunFolder } from '../../app/runtime/run-folder.node.ts';
import { runSession } from '../../app/runtime/session.node.ts';
import { runTrainingLoop } from '../../app/runtime/training-loop.ts';
import { FakeTrainer } from '../fixtures/fake-trainer.ts';

/** Tiny networks and short iterations, so that each run takes a second or so. */
const OFF_POLICY = ['learningStarts=64', 'batchSize=16', 'hiddenSizes=[8]', 'stepsPerIteration=64', 'bufferSize=2000'];
const ON_POLICY = ['numSteps=16', 'hiddenSizes=[8]', 'learningRate=1e6', 'maxGradNorm=0'];
const LR_1E6: Record<string, string[]> = {
  td3: [...OFF_POLICY, 'actorLearningRate=1e6', 'criticLearningRate=1e6'],
  ddpg: [...OFF_POLICY, 'learnerThread=false', 'actorLearningRate=1e6', 'criticLearningRate=1e6'],
  sac: [...OFF_POLICY, 'learnerThread=false', 'policyLearningRate=1e6', 'qLearningRate=1e6'],
  ppo: [...ON_POLICY, 'minibatchSize=16'],
  'ppo-kl': [...ON_POLICY, 'minibatchSize=16'],
  a2c: ON_POLICY,
  a3c: ON_POLICY,
};
const meta = { robot: 'reacher', algorithm: 'x', envSteps: 1, meanReturn: null, sinewVersion: 't', createdAt: 't' };

/** Every float of every checkpoint in the folder, apart from the environments' NaN markers. */
function checkpointValues(folder: RunFolder): number[] {
  const values: number[] = [];
  for (const name of readdirSync(folder.checkpointsDir)) {
    const { state } = decodeCheckpoint(readFileSync(join(folder.checkpointsDir, name)));
    for (const [array, data] of Object.entries(state.arrays)) if (array !== 'env.states') values.push(...data);
  }
  return values;
}

describe('a diverging agent stops at the first non-finite value and never checkpoints it', () => {
  for (const algorithm of Object.keys(LR_1E6)) {
    it(`${algorithm} with a learning rate of 1e6`, async () => {
      const catalog = await loadCatalog();
      const config = resolveRunConfig(
        catalog,
        {
          robot: 'reacher',
          algorithm,
          preset: 'none',
          seed: 1,
          workers: 0,
          totalSteps: 4096,
          checkpointEvery: 64,
          keepCheckpoints: 100,
          set: LR_1E6[algorithm],
          numEnvs: 2,
        },
        {},
      );
      const folder = RunFolder.create(mkdtempSync(join(tmpdir(), 'sinew-diverge-')), config, 'r');
      const error = await runSession(folder, { catalog, progress: { isTTY: false, write: () => true } }).then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(
        new RegExp(`^${algorithm} diverged after \\d+ env steps: .* became (NaN|-?Infinity)\\b.*; lower the learning rate\\. The run stopped; `),
      );
      expect(error?.message.includes('\n')).toBe(false);
      expect(checkpointValues(folder).every(Number.isFinite)).toBe(true);
    });
  }

  it('trpo (whose policy step is bounded by its KL limit) with a NaN put into its critic', async () => {
    const catalog = await loadCatalog();
    const entry = catalog.algorithms.trpo;
    const trainer = await entry.createTrainer({ robot: 'reacher', config: entry.validate({ numEnvs: 2, numSteps: 16, hiddenSizes: [8] }), seed: 1 });
    try {
      await trainer.iterate();
      const state = await trainer.getState();
      // The critic's parameters follow the policy's: its last bias makes every value, so every advantage, NaN.
      const parameters = state.arrays.parameters as Float32Array;
      parameters[parameters.length - 1] = Number.NaN;
      await trainer.setState(state);
      const saved: Uint8Array[] = [];
      const loop = runTrainingLoop({
        trainer,
        totalSteps: 256,
        checkpointEvery: 16,
        shouldStop: () => false,
        onRecords: () => {},
        saveCheckpoint: async () => void saved.push(encodeCheckpoint(await trainer.getState(), meta)),
      });
      await expect(loop).rejects.toThrow(
        /^trpo diverged after 32 env steps: trpo: the surrogate loss became NaN; lower the learning rate\. The run stopped/,
      );
      expect(saved).toEqual([]);
    } finally {
      await trainer.dispose();
    }
  });

  it('the checkpoint writer refuses a non-finite value anywhere in the learning state', () => {
    const good = { json: { steps: 3 }, arrays: { 'agent.net0.adam.v': new Float32Array([1, 2]), 'env.states': new Float64Array([0.5, Number.NaN]) } };
    expect(encodeCheckpoint(good, meta).length).toBeGreaterThan(0);
    const badArray = { ...good, arrays: { ...good.arrays, 'agent.net0.adam.v': new Float32Array([1, Infinity]) } };
    expect(() => encodeCheckpoint(badArray, meta)).toThrow(CheckpointError);
    expect(() => encodeCheckpoint(badArray, meta)).toThrow(
      "refusing to write a checkpoint holding Infinity (in 'agent.net0.adam.v'[1]): training diverged",
    );
    expect(() => encodeCheckpoint({ ...good, json: { normaliser: { count: Number.NaN } } }, meta)).toThrow('holding NaN (at state.normaliser.count)');
  });

  it('Adam stops at the first step that overflows its second moment', () => {
    const adam = new FlatAdam(2, { learningRate: 1e-3 });
    const params = new Float32Array([1, 1]);
    adam.step(params, [1e10, 1]);
    // (1 - beta2) 1e22^2 = 1e41 is beyond float32's 3.4e38: the moment becomes Infinity.
    expect(() => adam.step(params, [1e22, 1])).toThrow('training diverged: a gradient, an Adam moment or a parameter became Infinity at Adam step 2');
  });

  it('the loop stops on a non-finite loss in the records, before logging or checkpointing them', async () => {
    const trainer = new FakeTrainer('reacher', 'fake', { numEnvs: 2, rolloutLength: 8, plateau: -4, learningRate: 1e-3, delayMs: 0 }, 1);
    const iterate = trainer.iterate.bind(trainer);
    trainer.iterate = async () => (await iterate()).map((record) => ({ ...record, critic_loss: trainer.envSteps >= 48 ? Infinity : 1 }));
    const logged: number[] = [];
    let checkpoints = 0;
    const loop = runTrainingLoop({
      trainer,
      totalSteps: 160,
      checkpointEvery: 32,
      shouldStop: () => false,
      onRecords: (records) => void logged.push(...records.map((record) => record.envSteps)),
      saveCheckpoint: async () => void checkpoints++,
    });
    await expect(loop).rejects.toThrow(
      'fake diverged after 32 env steps: critic_loss became Infinity; lower the learning rate. The run stopped; the latest checkpoint (at 32 env steps) is from before it',
    );
    expect(logged).toEqual([16, 32]);
    expect(checkpoints).toBe(1);
  });
});
