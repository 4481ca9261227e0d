import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { initTf, tf } from '../../agents/tf.ts';
import { ppoEntry } from '../../agents/ppo.ts';
import { td3Entry } from '../../agents/td3.ts';
import type { AlgorithmEntry } from '../../agents/registry.ts';
import type { Trainer } from '../../agents/trainer.ts';
import type { VecEnv } from '../../sim/env.ts';
import { exportPolicyFiles, importPolicy } from '../../agents/export/bundle.ts';
import { createPolicyEvaluator } from '../../agents/export/evaluator.ts';
import { playPolicy, type PlayProtocol } from '../../agents/export/play.ts';
import { makePointReachVecEnv } from '../fixtures/point-reach.ts';
import { FileServer } from '../fixtures/export/serve.ts';

/**
 * Really trained policies (PPO: clip squash; TD3: tanh squash; both with observation normalisation) on
 * the point-reach fixture, exported and compared with the in-training actor through the Trainer contract
 * only: the observations and actions of trainer.evaluate() are recorded at the environment, then every
 * exported form must give those actions for those observations, and played exports the same returns.
 */
const server = new FileServer();
const SEED = 3;
const EVAL_SEED = SEED + 1_000_003;

/** Records every (observation, action) pair stepped on the evaluation environments. */
class Recorder {
  observations: number[] = [];
  actions: number[] = [];
  wrap(env: VecEnv, record: boolean): VecEnv {
    const step = env.step.bind(env);
    env.step = async () => {
      if (record) {
        this.observations.push(...env.obs);
        this.actions.push(...env.actions);
      }
      await step();
    };
    return env;
  }
}

interface Case {
  readonly name: string;
  readonly entry: AlgorithmEntry;
  readonly config: Record<string, unknown>;
  readonly iterations: number;
  readonly protocol: PlayProtocol;
  /** The evaluation environment and its reset seed, as the trainer's evaluate() builds them. */
  readonly evalEnv: (episodes: number, iterations: number) => { numEnvs: number; resetSeed: number };
}

const cases: Case[] = [
  {
    name: 'ppo', entry: ppoEntry, iterations: 6, protocol: 'first-finished',
    config: { numEnvs: 4, numSteps: 64, minibatchSize: 64, updateEpochs: 2, hiddenSizes: [32, 32], learningRate: 1e-3 },
    evalEnv: (_episodes, iterations) => ({ numEnvs: 1, resetSeed: EVAL_SEED + iterations }),
  },
  {
    name: 'td3', entry: td3Entry, iterations: 3, protocol: 'one-per-env',
    config: { numEnvs: 2, bufferSize: 5000, learningStarts: 200, batchSize: 64, hiddenSizes: [32, 32], stepsPerIteration: 200, normaliseObservations: true },
    evalEnv: (episodes) => ({ numEnvs: episodes, resetSeed: EVAL_SEED }),
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

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe.each(cases)('export of a trained $name policy', ({ name, entry, config, iterations, protocol, evalEnv }) => {
  it('every form acts like the in-training actor to 1e-5, and played exports give its returns', async () => {
    const recorder = new Recorder();
    const trainer: Trainer = await entry.createTrainer({
      robot: 'point-reach', config: entry.validate(config), seed: SEED,
      makeVecEnv: async (options) => recorder.wrap(await makePointReachVecEnv(options), options.seed === EVAL_SEED),
    });
    for (let i = 0; i < iterations; i++) await trainer.iterate();
    const episodes = 6;
    const trained = await trainer.evaluate(episodes);
    const snapshot = trainer.exportPolicy();
    await trainer.dispose();
    expect(snapshot.obsNormaliser).not.toBeNull();
    const files = exportPolicyFiles(snapshot, ['tfjs', 'onnx', 'card'], { sinewVersion: '0.1.0' });

    const observations = Float32Array.from(recorder.observations);
    const count = observations.length / snapshot.observationSize;
    const training = Float32Array.from(recorder.actions);
    expect(count).toBeGreaterThan(20);
    const differences: Record<string, number> = {};
    differences.reference = maxAbsDifference(createPolicyEvaluator(snapshot).actBatch(observations, count), training);
    const model = await tf.loadLayersModel(server.publish(name, files, 'model.json'));
    const before = tf.memory().numTensors;
    differences.tfjs = maxAbsDifference(tf.tidy(() => (model.predict(tf.tensor2d(observations, [count, snapshot.observationSize])) as tf.Tensor).dataSync()), training);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    const session = await ort.InferenceSession.create(files.get('policy.onnx')!);
    const result = await session.run({ observation: new ort.Tensor('float32', observations, [count, snapshot.observationSize]) });
    differences.onnx = maxAbsDifference(result.action.data as Float32Array, training);
    await session.release();
    for (const file of ['model.json', 'policy.onnx', 'policy-card.json']) {
      differences[`imported ${file}`] = maxAbsDifference(importPolicy((n) => files.get(n), file).evaluator.actBatch(observations, count), training);
    }
    console.log(`[export] trained ${name}, ${count} evaluation steps, max |action difference| vs in-training actor: ${JSON.stringify(differences)}`);
    for (const difference of Object.values(differences)) expect(difference).toBeLessThan(1e-5);

    for (const file of ['model.json', 'policy.onnx', 'policy-card.json']) {
      const { numEnvs, resetSeed } = evalEnv(episodes, iterations);
      const env = await makePointReachVecEnv({ numEnvs, seed: EVAL_SEED });
      const played = await playPolicy(importPolicy((n) => files.get(n), file).evaluator, env, resetSeed, episodes, protocol);
      await env.close();
      expect(played.lengths).toEqual(trained.lengths);
      played.returns.forEach((value, i) => expect(value).toBeCloseTo(trained.returns[i], 4));
    }
  }, 90_000);
});
