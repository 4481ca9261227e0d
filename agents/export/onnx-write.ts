import type { PolicySnapshot } from '../policy.ts';
import { policyMetadata } from './metadata.ts';
import { ModelProto, ONNX_FLOAT, ONNX_IR_VERSION, ONNX_OPSET } from './onnx-schema.ts';
import { checkPolicySnapshot } from './snapshot-check.ts';

/**
 * ONNX: one graph `observation [batch, obs] -> action [batch, act]`. The normaliser is written as ops
 * (Sub mean, Div sqrt(var + eps), Clip), each trained layer as Gemm (+ Relu/Tanh), the squash as Tanh or
 * Clip(-1, 1). IR version 7, opset 13 (ONNX_IR_VERSION, ONNX_OPSET). The Sinew metadata is the
 * metadata_props entry "sinew" (JSON).
 */
export const ONNX_FILE = 'policy.onnx';
export const ONNX_INPUT = 'observation';
export const ONNX_OUTPUT = 'action';

interface TensorInit {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

interface NodeInit {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
}

function floatTensor(name: string, dims: number[], values: ArrayLike<number>): TensorInit {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return { name, dims, data_type: ONNX_FLOAT, raw_data: raw };
}

function tensorValue(name: string, dims: (number | string)[]) {
  const dim = dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: ONNX_FLOAT, shape: { dim } } } };
}

export function writeOnnx(snapshot: PolicySnapshot, sinewVersion: string): Uint8Array {
  checkPolicySnapshot(snapshot);
  const nodes: NodeInit[] = [];
  const initializers: TensorInit[] = [];
  let current = ONNX_INPUT;
  const addNode = (opType: string, name: string, extraInputs: string[], output = name): void => {
    nodes.push({ name, op_type: opType, input: [current, ...extraInputs], output: [output] });
    current = output;
  };
  const addClip = (name: string, low: number, high: number, output?: string): void => {
    initializers.push(floatTensor(`${name}_min`, [], [low]), floatTensor(`${name}_max`, [], [high]));
    addNode('Clip', name, [`${name}_min`, `${name}_max`], output);
  };
  const n = snapshot.observationSize;
  const normaliser = snapshot.obsNormaliser;
  if (normaliser) {
    const std = Array.from(normaliser.variance, (v) => Math.sqrt(v + normaliser.epsilon));
    initializers.push(floatTensor('obs_mean', [n], normaliser.mean), floatTensor('obs_std', [n], std));
    addNode('Sub', 'obs_centred', ['obs_mean']);
    addNode('Div', 'obs_scaled', ['obs_std']);
    if (Number.isFinite(normaliser.clip)) addClip('obs_clip', -normaliser.clip, normaliser.clip);
  }
  snapshot.layers.forEach((layer, index) => {
    const name = `dense_${index}`;
    initializers.push(
      floatTensor(`${name}_kernel`, [layer.inputSize, layer.outputSize], layer.kernel),
      floatTensor(`${name}_bias`, [layer.outputSize], layer.bias),
    );
    addNode('Gemm', name, [`${name}_kernel`, `${name}_bias`]);
    if (layer.activation === 'relu') addNode('Relu', `${name}_relu`, []);
    if (layer.activation === 'tanh') addNode('Tanh', `${name}_tanh`, []);
  });
  if (snapshot.outputSquash === 'tanh') addNode('Tanh', 'action_squash', [], ONNX_OUTPUT);
  else addClip('action_clip', -1, 1, ONNX_OUTPUT);

  return ModelProto.encode({
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'sinew',
    producer_version: sinewVersion,
    doc_string: `Sinew ${snapshot.algorithm} policy for ${snapshot.robot}: observation -> action in [-1, 1]`,
    graph: {
      name: 'sinew_policy',
      node: nodes,
      initializer: initializers,
      input: [tensorValue(ONNX_INPUT, ['batch', n])],
      output: [tensorValue(ONNX_OUTPUT, ['batch', snapshot.actionSize])],
    },
    metadata_props: [{ key: 'sinew', value: JSON.stringify(policyMetadata(snapshot, sinewVersion)) }],
  });
}
