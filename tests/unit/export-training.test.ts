import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { initTf, tf } from '../../agents/tf.ts';
import { ppoEntry } from '../../agents/ppo.ts';
import type { OnPolicyTrainer } from '../../agents/on-policy-trainer.ts';
import { exportPolicyFiles, importPolicy } from '../../agents/export/bundle.ts';
import { createPolicyEvaluator, type PolicyEvaluator } from '../../agents/export/evaluator.ts';
import { playPolicy } from '../../agents/export/play.ts';
import type { PolicySnapshot } from '../../agents/policy.ts';
import { makePointReachVecEnv } from '../fixtures/point-reach.ts';
import { FileServer } from '../fixtures/export/serve.ts';
import { randomObservations } from '../fixtures/export/random-policy.ts';

/**
 * The export of a really trained policy (PPO on the point-reach fixture, 6 iterations) against the
 * in-training actor: the same actions from every form, and the same evaluation returns when played.
 */
const server = new FileServer();
let trainer: OnPolicyTrainer;
let snapshot: PolicySnapshot;
let files: Map<string, Uint8Array>;
const ITERATIONS = 6;
const SEED = 3;

beforeAll(async () => {
  await initTf();
  ort.env.wasm.numThreads = 1;
  await server.start();
  const config = ppoEntry.validate({ numEnvs: 4, numSteps: 64, minibatchSize: 64, updateEpochs: 2, hiddenSizes: [32, 32], learningRate: 1e-3 });
  trainer = (await ppoEntry.createTrainer({ robot: 'point-reach', config, seed: SEED, makeVecEnv: makePointReachVecEnv })) as OnPolicyTrainer;
  for (let i = 0; i < ITERATIONS; i++) await trainer.iterate();
  snapshot = trainer.exportPolicy();
  files = exportPolicyFiles(snapshot, ['tfjs', 'onnx', 'card'], { sinewVersion: '0.1.0' });
}, 60_000);

afterAll(async () => {
  await trainer.dispose();
  await server.stop();
});

/** The in-training actor: the trainer's own tfjs model on normalised observations, mean action clipped. */
function trainingActions(observations: Float32Array, count: number): Float32Array {
  const norm = snapshot.obsNormaliser!;
  const n = snapshot.observationSize;
  const normalised = observations.map((x, k) => Math.min(norm.clip, Math.max(-norm.clip, (x - norm.mean[k % n]) / Math.sqrt(norm.variance[k % n] + norm.epsilon))));
  const out = trainer.model.actOutput(count);
  trainer.model.act(normalised, count, null, out);
  return out.means.map((m) => Math.max(-1, Math.min(1, m)));
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('export of a trained PPO policy', () => {
  it('every form acts like the in-training actor to 1e-5', async () => {
    expect(snapshot.obsNormaliser).not.toBeNull();
    const count = 512;
    const observations = randomObservations(snapshot, count, 21);
    const training = trainingActions(observations, count);
    const differences: Record<string, number> = {};
    differences.reference = maxAbsDifference(createPolicyEvaluator(snapshot).actBatch(observations, count), training);
    const model = await tf.loadLayersModel(server.publish('ppo', files, 'model.json'));
    const before = tf.memory().numTensors;
    differences.tfjs = maxAbsDifference(tf.tidy(() => (model.predict(tf.tensor2d(observations, [count, 4])) as tf.Tensor).dataSync()), training);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    const session = await ort.InferenceSession.create(files.get('policy.onnx')!);
    const result = await session.run({ observation: new ort.Tensor('float32', observations, [count, 4]) });
    differences.onnx = maxAbsDifference(result.action.data as Float32Array, training);
    await session.release();
    differences.cardFolder = maxAbsDifference(importPolicy((name) => files.get(name), null).evaluator.actBatch(observations, count), training);
    console.log(`[export] trained PPO, max |action difference| vs in-training actor: ${JSON.stringify(differences)}`);
    for (const difference of Object.values(differences)) expect(difference).toBeLessThan(1e-5);
  });

  it('played exports give the returns of the trained policy', async () => {
    const episodes = 8;
    const trained = await trainer.evaluate(episodes);
    // evaluate() plays on a 1-env VecEnv seeded seed + 1_000_003, reset with that seed + iterations: play the same.
    const envSeed = SEED + 1_000_003;
    const play = async (evaluator: PolicyEvaluator) => {
      const env = await makePointReachVecEnv({ numEnvs: 1, seed: envSeed });
      try {
        return await playPolicy(evaluator, env, envSeed + ITERATIONS, episodes);
      } finally {
        await env.close();
      }
    };
    for (const entry of ['model.json', 'policy.onnx', 'policy-card.json']) {
      const played = await play(importPolicy((name) => files.get(name), entry).evaluator);
      expect(played.lengths).toEqual(trained.lengths);
      played.returns.forEach((value, i) => expect(value).toBeCloseTo(trained.returns[i], 4));
    }
    expect(trained.returns.length).toBe(episodes);
  });
});
