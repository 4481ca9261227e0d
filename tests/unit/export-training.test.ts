import { afterAll, beforeAll, describe, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { initTf } from '../../agents/shared/tf.ts';
import { ppoEntry } from '../../agents/on-policy/ppo.ts';
import { td3Entry } from '../../agents/off-policy/td3.ts';
import { makePointReachVecEnv } from '../fixtures/point-reach.ts';
import { FileServer } from '../fixtures/export/serve.ts';
import { checkTrainedExport, evalSeedOf, type TrainedExportCase } from '../fixtures/export/trained-export.ts';

/**
 * Really trained policies (PPO: clip squash; TD3: tanh squash; both with observation normalisation) on the
 * point-reach fixture: every exported form acts like the in-training actor and plays to its returns.
 */
const server = new FileServer();
const SEED = 3;

const cases: TrainedExportCase[] = [
  {
    name: 'ppo',
    robot: 'point-reach',
    entry: ppoEntry,
    seed: SEED,
    iterations: 6,
    episodes: 6,
    returnTolerance: 1e-5,
    protocol: 'first-finished',
    makeVecEnv: makePointReachVecEnv,
    config: { numEnvs: 4, numSteps: 64, minibatchSize: 64, updateEpochs: 2, hiddenSizes: [32, 32], learningRate: 1e-3 },
    evalEnv: (_episodes, iterations) => ({ numEnvs: 1, resetSeed: evalSeedOf(SEED) + iterations }),
  },
  {
    name: 'td3',
    robot: 'point-reach',
    entry: td3Entry,
    seed: SEED,
    iterations: 3,
    episodes: 6,
    returnTolerance: 1e-5,
    protocol: 'one-per-env',
    makeVecEnv: makePointReachVecEnv,
    config: {
      numEnvs: 2,
      bufferSize: 5000,
      learningStarts: 200,
      batchSize: 64,
      hiddenSizes: [32, 32],
      stepsPerIteration: 200,
      normaliseObservations: true,
    },
    evalEnv: (episodes) => ({ numEnvs: episodes, resetSeed: evalSeedOf(SEED) }),
  },
];

beforeAll(async () => {
  await initTf();
  ort.env.wasm.numThreads = 1;
  await server.start();
});

afterAll(async () => {
  await server.stop();
});

describe.each(cases)('export of a trained $name policy', (test) => {
  it('every form acts like the in-training actor to 1e-5, and played exports give its returns', async () => {
    await checkTrainedExport(test, server);
  }, 90_000);
});
