import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createPolicyEvaluator } from '../../agents/export/evaluator.ts';
import { readTfjsLayers, writeTfjsLayers, type TfjsLayersFiles } from '../../agents/export/tfjs-layers.ts';
import { PolicyFormatError } from '../../agents/export/snapshot-check.ts';
import type { PolicySnapshot } from '../../agents/policy.ts';
import { fixturePolicies, randomObservations } from '../fixtures/export/random-policy.ts';
import { FileServer } from '../fixtures/export/serve.ts';

const server = new FileServer();

beforeAll(async () => {
  await tf.setBackend('cpu');
  await server.start();
});

afterAll(async () => {
  await server.stop();
});

function serve(folder: string, files: TfjsLayersFiles): string {
  const published = new Map([
    ['model.json', new TextEncoder().encode(files.modelJson)],
    ['weights.bin', files.weights],
  ]);
  return server.publish(folder, published, 'model.json');
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('tfjs layers export', () => {
  it.each(fixturePolicies())('stock tf.loadLayersModel gives the reference actions to 1e-5: $name', async ({ name, snapshot }) => {
    const url = serve(name.replace(/[^a-z0-9]+/gi, '-'), writeTfjsLayers(snapshot, '0.1.0'));
    const model = await tf.loadLayersModel(url);
    const count = 256;
    const observations = randomObservations(snapshot, count, 7);
    const reference = createPolicyEvaluator(snapshot).actBatch(observations, count);
    const before = tf.memory().numTensors;
    const actions = tf.tidy(() => (model.predict(tf.tensor2d(observations, [count, snapshot.observationSize])) as tf.Tensor).dataSync());
    const again = tf.tidy(() => (model.predict(tf.tensor2d(observations, [count, snapshot.observationSize])) as tf.Tensor).dataSync());
    expect(tf.memory().numTensors).toBe(before);
    const worst = maxAbsDifference(actions, reference);
    console.log(`[export] tfjs stock loader vs reference, ${name}: max |action difference| = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-5);
    expect(Array.from(again)).toEqual(Array.from(actions));
    // The clipped observations and saturated actions are exercised, not just the linear middle.
    expect(Math.max(...Array.from(reference, Math.abs))).toBeGreaterThan(0.9);
    model.dispose();
  });

  it.each(fixturePolicies())('reads its own files back into an equivalent snapshot: $name', ({ snapshot }) => {
    const files = writeTfjsLayers(snapshot, '0.1.0');
    const back = readTfjsLayers(files.modelJson, files.weights);
    // The normalisation statistics survive exactly: the mean bit for bit, the variance to float32 rounding.
    expect(Array.from(back.obsNormaliser?.mean ?? [])).toEqual(Array.from(snapshot.obsNormaliser?.mean ?? []));
    back.obsNormaliser?.variance.forEach((v, i) => expect(v).toBeCloseTo(snapshot.obsNormaliser!.variance[i], 5));
    expect({ ...back, layers: [], obsNormaliser: null }).toEqual({ ...snapshot, layers: [], obsNormaliser: null });
    expect(back.layers.map((layer) => Array.from(layer.kernel))).toEqual(snapshot.layers.map((layer) => Array.from(layer.kernel)));
    const observations = randomObservations(snapshot, 64, 8);
    const worst = maxAbsDifference(
      createPolicyEvaluator(back).actBatch(observations, 64),
      createPolicyEvaluator(snapshot).actBatch(observations, 64),
    );
    expect(worst).toBeLessThan(1e-5);
  });

  it('writes the normaliser as centre and diagonal-scale Dense layers and the clips as shift-ReLU-shift (hand-checked numbers)', () => {
    const snapshot: PolicySnapshot = {
      robot: 'reacher',
      algorithm: 'ppo',
      observationSize: 2,
      actionSize: 1,
      outputSquash: 'clip',
      envSteps: 10,
      obsNormaliser: { mean: Float32Array.of(1, -2), variance: Float32Array.of(4, 0.25), epsilon: 0, clip: 3 },
      layers: [{ inputSize: 2, outputSize: 1, kernel: Float32Array.of(0.5, -1), bias: Float32Array.of(0.25), activation: 'linear' }],
    };
    const files = writeTfjsLayers(snapshot, '9.9.9');
    const model = JSON.parse(files.modelJson) as {
      modelTopology: { config: { layers: { class_name: string; config: { name: string; max_value?: number } }[] } };
    };
    const layers = model.modelTopology.config.layers;
    expect(layers.map((layer) => `${layer.class_name}:${layer.config.name}`)).toEqual([
      'Dense:obs_centre',
      'Dense:obs_scale',
      'Dense:obs_shift',
      'ReLU:obs_clip',
      'Dense:obs_unshift',
      'Dense:dense_0',
      'Dense:action_shift',
      'ReLU:action_clip',
      'Dense:action_unshift',
    ]);
    expect(layers[3].config.max_value).toBe(6);
    expect(layers[7].config.max_value).toBe(2);
    // obs_centre: kernel I, bias -mean = [-1, 2]; obs_scale: kernel diag(1/2, 1/0.5) = [[0.5, 0], [0, 2]], bias 0;
    // obs_shift: kernel I, bias [3, 3].
    const weights = new Float32Array(files.weights.buffer.slice(0, 4 * 18));
    expect(Array.from(weights)).toEqual([1, 0, 0, 1, -1, 2, 0.5, 0, 0, 2, 0, 0, 1, 0, 0, 1, 3, 3]);
    // x = (3, -2.5): normalised (1, -1) -> 0.5*1 - 1*(-1) + 0.25 = 1.75 -> clipped to 1.
    expect(Array.from(createPolicyEvaluator(readTfjsLayers(files.modelJson, files.weights)).act([3, -2.5]))).toEqual([1]);
  });

  describe('refuses bad files with a clear message', () => {
    const snapshot = fixturePolicies()[0].snapshot;
    const good = writeTfjsLayers(snapshot, '0.1.0');
    type ModelJson = Record<string, unknown> & { userDefinedMetadata?: { sinew: Record<string, unknown> } };
    const editJson = (edit: (model: ModelJson & Required<ModelJson>) => void): string => {
      const model = JSON.parse(good.modelJson) as ModelJson & Required<ModelJson>;
      edit(model);
      return JSON.stringify(model);
    };
    const cases: [string, () => PolicySnapshot, RegExp][] = [
      [
        'truncated weights.bin',
        () => readTfjsLayers(good.modelJson, good.weights.subarray(0, good.weights.length - 4)),
        /holds \d+ bytes but .* needs \d+ \(truncated/,
      ],
      ['truncated model.json', () => readTfjsLayers(good.modelJson.slice(0, 500), good.weights), /not valid JSON/],
      [
        'wrong observation size',
        () =>
          readTfjsLayers(
            editJson((m) => {
              m.userDefinedMetadata.sinew.observationSize = 12;
            }),
            good.weights,
          ),
        /12/,
      ],
      ['unknown layer class', () => readTfjsLayers(good.modelJson.replace('"ReLU"', '"Conv2D"'), good.weights), /unsupported layer class "Conv2D"/],
      [
        'not a Sinew policy',
        () =>
          readTfjsLayers(
            editJson((m) => {
              delete (m as ModelJson).userDefinedMetadata;
            }),
            good.weights,
          ),
        /userDefinedMetadata must be an object/,
      ],
      [
        'NaN weights',
        () => {
          const bad = good.weights.slice();
          new DataView(bad.buffer).setFloat32(bad.length - 400, Number.NaN, true);
          return readTfjsLayers(good.modelJson, bad);
        },
        /NaN: weights must be finite/,
      ],
    ];
    it.each(cases)('%s', (_label, load, message) => {
      expect(load).toThrow(PolicyFormatError);
      expect(load).toThrow(message);
    });
  });
});
