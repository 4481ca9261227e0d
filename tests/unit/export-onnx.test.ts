import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { createPolicyEvaluator } from '../../agents/export/evaluator.ts';
import { ModelProto, ONNX_IR_VERSION, ONNX_OPSET } from '../../agents/export/onnx-schema.ts';
import { readOnnx } from '../../agents/export/onnx-read.ts';
import { writeOnnx } from '../../agents/export/onnx-write.ts';
import { PolicyFormatError } from '../../agents/export/snapshot-check.ts';
import type { PolicySnapshot } from '../../agents/policy.ts';
import { fixturePolicies, randomObservations } from '../fixtures/export/random-policy.ts';

beforeAll(() => {
  // One wasm thread: the machine is shared, and Node has no cross-origin isolation worries but no need either.
  ort.env.wasm.numThreads = 1;
});

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

type Decoded = {
  graph: { node: { op_type: string; input: string[] }[]; initializer: { name: string; raw_data: Uint8Array }[] };
  metadata_props: { key: string; value: string }[];
};

/** Decodes, edits and re-encodes a model: mutations a hand-edited or foreign file could carry. */
function edited(bytes: Uint8Array, edit: (model: Decoded) => void): Uint8Array {
  const model = ModelProto.decode(bytes) as unknown as Decoded;
  edit(model);
  return ModelProto.encode(model as unknown as Record<string, unknown>);
}

describe('ONNX export', () => {
  it.each(fixturePolicies())('onnxruntime-web gives the reference actions to 1e-5: $name', async ({ name, snapshot }) => {
    const session = await ort.InferenceSession.create(writeOnnx(snapshot, '0.1.0'));
    const count = 256;
    const observations = randomObservations(snapshot, count, 9);
    const result = await session.run({ observation: new ort.Tensor('float32', observations, [count, snapshot.observationSize]) });
    const actions = result.action.data as Float32Array;
    expect(result.action.dims).toEqual([count, snapshot.actionSize]);
    const reference = createPolicyEvaluator(snapshot).actBatch(observations, count);
    const worst = maxAbsDifference(actions, reference);
    console.log(`[export] onnxruntime-web vs reference, ${name}: max |action difference| = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-5);
    expect(Math.max(...Array.from(reference, Math.abs))).toBeGreaterThan(0.9);
    await session.release();
  });

  it('states IR version 7 and opset 13, and writes the normaliser as Sub/Div/Clip before the Gemm chain', () => {
    const snapshot = fixturePolicies()[2].snapshot;
    const model = ModelProto.decode(writeOnnx(snapshot, '0.1.0')) as unknown as Decoded & { ir_version: number; opset_import: { version: number }[] };
    expect([model.ir_version, model.opset_import[0].version]).toEqual([ONNX_IR_VERSION, ONNX_OPSET]);
    expect([ONNX_IR_VERSION, ONNX_OPSET]).toEqual([7, 13]);
    expect(model.graph.node.map((node) => node.op_type)).toEqual(['Sub', 'Div', 'Clip', 'Gemm', 'Tanh', 'Gemm', 'Tanh', 'Gemm', 'Clip']);
  });

  it.each(fixturePolicies())('reads its own file back into an equivalent snapshot: $name', ({ snapshot }) => {
    const back = readOnnx(writeOnnx(snapshot, '0.1.0'));
    // The normalisation statistics survive exactly: the mean bit for bit, the variance to float32 rounding.
    expect(Array.from(back.obsNormaliser?.mean ?? [])).toEqual(Array.from(snapshot.obsNormaliser?.mean ?? []));
    back.obsNormaliser?.variance.forEach((v, i) => expect(v).toBeCloseTo(snapshot.obsNormaliser!.variance[i], 5));
    expect({ ...back, layers: [], obsNormaliser: null }).toEqual({ ...snapshot, layers: [], obsNormaliser: null });
    expect(back.layers.map((layer) => layer.activation)).toEqual(snapshot.layers.map((layer) => layer.activation));
    const observations = randomObservations(snapshot, 64, 10);
    expect(
      maxAbsDifference(createPolicyEvaluator(back).actBatch(observations, 64), createPolicyEvaluator(snapshot).actBatch(observations, 64)),
    ).toBeLessThan(1e-5);
  });

  it('reads Gemm with transB = 1 (as other exporters write it) as the transposed kernel', () => {
    // Kernel [[1, 2], [3, 4]] (row-major 1, 2, 3, 4); an exporter using transB = 1 stores its transpose 1, 3, 2, 4.
    const snapshot: PolicySnapshot = {
      robot: 'reacher',
      algorithm: 'ppo',
      observationSize: 2,
      actionSize: 2,
      outputSquash: 'clip',
      envSteps: 0,
      obsNormaliser: null,
      layers: [{ inputSize: 2, outputSize: 2, kernel: Float32Array.of(1, 2, 3, 4), bias: Float32Array.of(0, 0), activation: 'linear' }],
    };
    const transposed = edited(writeOnnx(snapshot, '0.1.0'), (m) => {
      const gemm = m.graph.node[0] as Decoded['graph']['node'][number] & { attribute?: { name: string; i: number; type: number }[] };
      gemm.attribute = [{ name: 'transB', i: 1, type: 2 }];
      const kernel = m.graph.initializer.find((t) => t.name === 'dense_0_kernel')!;
      kernel.raw_data = new Uint8Array(Float32Array.of(1, 3, 2, 4).buffer);
    });
    // x = (0.01, 0.1): x K = (0.01 + 0.3, 0.02 + 0.4) = (0.31, 0.42).
    const action = createPolicyEvaluator(readOnnx(transposed)).act([0.01, 0.1]);
    expect(action[0]).toBeCloseTo(0.31, 6);
    expect(action[1]).toBeCloseTo(0.42, 6);
  });

  describe('refuses bad files with a clear message', () => {
    const snapshot = fixturePolicies()[0].snapshot;
    const good = writeOnnx(snapshot, '0.1.0');
    const cases: [string, () => PolicySnapshot, RegExp][] = [
      [
        'truncated',
        () => readOnnx(good.subarray(0, Math.floor(good.length / 2))),
        /not a readable ONNX model \(truncated or corrupt\?\)|holds \d+ bytes|expected/,
      ],
      ['not ONNX at all', () => readOnnx(new TextEncoder().encode('{"format": "layers-model"}')), /not a readable ONNX model|IR version/],
      [
        'wrong observation size',
        () =>
          readOnnx(
            edited(good, (m) => {
              const entry = m.metadata_props[0];
              entry.value = entry.value.replace('"observationSize":11', '"observationSize":12');
            }),
          ),
        /expected \[batch, 12\]/,
      ],
      [
        'unknown op',
        () =>
          readOnnx(
            edited(good, (m) => {
              m.graph.node[3].op_type = 'Conv';
            }),
          ),
        /unsupported op "Conv"/,
      ],
      [
        'NaN weights',
        () =>
          readOnnx(
            edited(good, (m) => {
              const kernel = m.graph.initializer.find((t) => t.name === 'dense_1_kernel')!;
              new DataView(kernel.raw_data.buffer, kernel.raw_data.byteOffset).setFloat32(40, Number.NaN, true);
            }),
          ),
        /layer 1 kernel\[10\] is NaN/,
      ],
      [
        'no Sinew metadata',
        () =>
          readOnnx(
            edited(good, (m) => {
              m.metadata_props = [];
            }),
          ),
        /not a Sinew policy/,
      ],
      [
        'a broken chain',
        () =>
          readOnnx(
            edited(good, (m) => {
              m.graph.node[4].input[0] = 'observation';
            }),
          ),
        /reads 'observation', expected the previous value/,
      ],
    ];
    it.each(cases)('%s', (_label, load, message) => {
      expect(load).toThrow(PolicyFormatError);
      expect(load).toThrow(message);
    });
  });
});
