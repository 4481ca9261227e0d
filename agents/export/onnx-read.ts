import type { Activation, DenseLayerSnapshot, PolicySnapshot } from '../policy.ts';
import { asRecord, describe, parseJsonText, type JsonRecord } from './json-read.ts';
import { parsePolicyMetadata, snapshotFromMetadata } from './metadata.ts';
import { ModelProto, ONNX_FLOAT } from './onnx-schema.ts';
import { checkPolicySnapshot, checkSize, PolicyFormatError } from './snapshot-check.ts';

/**
 * Reads an ONNX policy back into a PolicySnapshot. It accepts the chain writeOnnx produces (and Gemm with
 * transB = 1, as other exporters write it); anything else is refused with the node and reason.
 */
const KNOWN_OPS = ['Sub', 'Div', 'Clip', 'Gemm', 'Relu', 'Tanh'];
const MIN_OPSET = 11;
const MAX_OPSET = 23;

interface Node {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly output: string;
  readonly attributes: readonly JsonRecord[];
  readonly where: string;
}

function decode(bytes: Uint8Array, source: string): JsonRecord {
  try {
    return ModelProto.decode(bytes);
  } catch (error) {
    throw new PolicyFormatError(`${source} is not a readable ONNX model (truncated or corrupt?): ${(error as Error).message}`);
  }
}

const list = (record: JsonRecord, key: string): JsonRecord[] => (Array.isArray(record[key]) ? (record[key] as JsonRecord[]) : []);
const strings = (record: JsonRecord, key: string): string[] => (Array.isArray(record[key]) ? (record[key] as string[]) : []);

export function readOnnx(bytes: Uint8Array, source = 'policy.onnx'): PolicySnapshot {
  const model = decode(bytes, source);
  const irVersion = model.ir_version;
  if (typeof irVersion !== 'number' || irVersion < 3 || irVersion > 11) {
    throw new PolicyFormatError(`${source}: ONNX IR version ${describe(irVersion)} is not supported (Sinew writes 7, reads 3 to 11)`);
  }
  const opset = list(model, 'opset_import').find((entry) => (entry.domain ?? '') === '');
  if (!opset || typeof opset.version !== 'number' || opset.version < MIN_OPSET || opset.version > MAX_OPSET) {
    throw new PolicyFormatError(`${source}: needs the default ONNX opset ${MIN_OPSET} to ${MAX_OPSET}, got ${describe(opset?.version)}`);
  }
  const sinewEntry = list(model, 'metadata_props').find((entry) => entry.key === 'sinew');
  if (!sinewEntry || typeof sinewEntry.value !== 'string')
    throw new PolicyFormatError(`${source} is not a Sinew policy: no "sinew" entry in metadata_props`);
  const metadata = parsePolicyMetadata(parseJsonText(sinewEntry.value, `${source} metadata`), source);
  const graph = asRecord(model.graph, `${source}: graph`);
  const initializers = new Map(list(graph, 'initializer').map((tensor) => [String(tensor.name), tensor]));
  const inputs = list(graph, 'input').filter((value) => !initializers.has(String(value.name)));
  const outputs = list(graph, 'output');
  if (inputs.length !== 1 || outputs.length !== 1) {
    throw new PolicyFormatError(`${source}: a policy graph has one input and one output, found ${inputs.length} and ${outputs.length}`);
  }
  checkValueShape(inputs[0], metadata.observationSize, `${source}: input`);
  checkValueShape(outputs[0], metadata.actionSize, `${source}: output`);

  const nodes: Node[] = list(graph, 'node').map((node, index) => {
    const op = String(node.op_type ?? '');
    const where = `${source}: node ${index} (${op || 'no op'})`;
    if ((node.domain ?? '') !== '' || !KNOWN_OPS.includes(op)) {
      throw new PolicyFormatError(`${where}: unsupported op ${JSON.stringify(op)}; a Sinew policy uses only ${KNOWN_OPS.join(', ')}`);
    }
    const output = strings(node, 'output');
    if (output.length !== 1) throw new PolicyFormatError(`${where}: expected one output, found ${output.length}`);
    return { op, inputs: strings(node, 'input'), output: output[0], attributes: list(node, 'attribute'), where };
  });
  let at = 0;
  let current = String(inputs[0].name);
  const next = (op: string): Node | null => {
    const node = nodes[at];
    if (node?.op !== op) return null;
    if (node.inputs[0] !== current) throw new PolicyFormatError(`${node.where}: reads '${node.inputs[0]}', expected the previous value '${current}'`);
    at++;
    current = node.output;
    return node;
  };
  const demand = (op: string, purpose: string): Node => {
    const node = next(op);
    if (!node)
      throw new PolicyFormatError(`${source}: expected ${op} (${purpose}) at node ${at}, found ${nodes[at] ? nodes[at].op : 'the end of the graph'}`);
    return node;
  };
  const tensor = (node: Node, input: number, length: number): Float32Array => readTensor(initializers, node.inputs[input], length, node.where);
  const expectClip = (limit: number, purpose: string): void => {
    const node = demand('Clip', purpose);
    const [low] = tensor(node, 1, 1);
    const [high] = tensor(node, 2, 1);
    if (low !== Math.fround(-limit) || high !== Math.fround(limit))
      throw new PolicyFormatError(`${node.where}: clips to [${low}, ${high}], expected [${-limit}, ${limit}]`);
  };

  const n = metadata.observationSize;
  let obsNormaliser: PolicySnapshot['obsNormaliser'] = null;
  if (metadata.normaliser) {
    const { epsilon, clip } = metadata.normaliser;
    const mean = tensor(demand('Sub', 'subtract the observation mean'), 1, n);
    const std = tensor(demand('Div', 'divide by the observation std'), 1, n);
    if (clip !== null) expectClip(clip, 'clip normalised observations');
    const variance = Float32Array.from(std, (s, i) => {
      if (!(s > 0)) throw new PolicyFormatError(`${source}: observation std[${i}] is ${s}, must be > 0`);
      return Math.max(0, s * s - epsilon);
    });
    obsNormaliser = { mean, variance, epsilon, clip: clip ?? Infinity };
  }
  const layers: DenseLayerSnapshot[] = [];
  let width = n;
  for (let gemm = next('Gemm'); gemm; gemm = next('Gemm')) {
    layers.push(readGemm(gemm, width, initializers));
    width = layers[layers.length - 1].outputSize;
    // Relu is always a hidden activation; Tanh is one unless it is the final node (the tanh squash).
    const following = nodes[at]?.op;
    const activation: Activation | null = following === 'Relu' ? 'relu' : following === 'Tanh' && at + 1 < nodes.length ? 'tanh' : null;
    if (activation) {
      demand(following as string, 'hidden activation');
      layers[layers.length - 1] = { ...layers[layers.length - 1], activation };
    }
  }
  if (metadata.outputSquash === 'tanh') demand('Tanh', 'squash the action');
  else expectClip(1, 'clip the action to [-1, 1]');
  if (at !== nodes.length) throw new PolicyFormatError(`${nodes[at].where}: unexpected node after the action`);
  if (current !== outputs[0].name)
    throw new PolicyFormatError(`${source}: the last node writes '${current}', not the graph output '${String(outputs[0].name)}'`);
  return checkPolicySnapshot(snapshotFromMetadata(metadata, n, obsNormaliser, layers), source);
}

function readGemm(node: Node, inputSize: number, initializers: Map<string, JsonRecord>): DenseLayerSnapshot {
  const attribute = (name: string): JsonRecord | undefined => node.attributes.find((a) => a.name === name);
  const alpha = attribute('alpha')?.f ?? 1;
  const beta = attribute('beta')?.f ?? 1;
  const transA = attribute('transA')?.i ?? 0;
  const transB = attribute('transB')?.i ?? 0;
  if (alpha !== 1 || beta !== 1 || transA !== 0 || (transB !== 0 && transB !== 1)) {
    throw new PolicyFormatError(`${node.where}: only Gemm with alpha = beta = 1, transA = 0 is supported`);
  }
  const weight = initializers.get(node.inputs[1]);
  const dims = Array.isArray(weight?.dims) ? (weight.dims as unknown[]) : [];
  if (dims.length !== 2) throw new PolicyFormatError(`${node.where}: the weight '${node.inputs[1]}' must be a 2-D initializer`);
  const outputSize = checkSize(dims[transB === 1 ? 0 : 1], `${node.where} output size`);
  const stored = readTensor(initializers, node.inputs[1], inputSize * outputSize, node.where);
  if (dims[transB === 1 ? 1 : 0] !== inputSize)
    throw new PolicyFormatError(`${node.where}: the weight takes ${String(dims[transB === 1 ? 1 : 0])} inputs, receives ${inputSize}`);
  let kernel = stored;
  if (transB === 1) {
    kernel = new Float32Array(stored.length);
    for (let i = 0; i < inputSize; i++) for (let j = 0; j < outputSize; j++) kernel[i * outputSize + j] = stored[j * inputSize + i];
  }
  const bias = readTensor(initializers, node.inputs[2], outputSize, node.where);
  return { inputSize, outputSize, kernel, bias, activation: 'linear' };
}

/** A float initializer with exactly `length` values, from raw_data (little-endian) or float_data. */
function readTensor(initializers: Map<string, JsonRecord>, name: string | undefined, length: number, where: string): Float32Array {
  const tensor = name === undefined ? undefined : initializers.get(name);
  if (!tensor) throw new PolicyFormatError(`${where}: input '${String(name)}' must be a constant initializer`);
  if (tensor.data_type !== ONNX_FLOAT)
    throw new PolicyFormatError(`${where}: initializer '${name}' has data type ${describe(tensor.data_type)}, expected FLOAT (1)`);
  const dims = Array.isArray(tensor.dims) ? (tensor.dims as number[]) : [];
  const count = dims.reduce((product, dim) => product * dim, 1);
  if (count !== length) throw new PolicyFormatError(`${where}: initializer '${name}' has shape [${dims.join(', ')}], expected ${length} values`);
  const raw = tensor.raw_data;
  if (raw instanceof Uint8Array && raw.length > 0) {
    if (raw.length !== length * 4) throw new PolicyFormatError(`${where}: initializer '${name}' holds ${raw.length} bytes, expected ${length * 4}`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Float32Array.from({ length }, (_, i) => view.getFloat32(i * 4, true));
  }
  const floats = Array.isArray(tensor.float_data) ? (tensor.float_data as number[]) : [];
  if (floats.length !== length) throw new PolicyFormatError(`${where}: initializer '${name}' holds ${floats.length} values, expected ${length}`);
  return Float32Array.from(floats);
}

function checkValueShape(value: JsonRecord, size: number, what: string): void {
  const tensorType = asRecord(asRecord(value.type ?? null, `${what} type`).tensor_type ?? null, `${what} tensor type`);
  if (tensorType.elem_type !== ONNX_FLOAT) throw new PolicyFormatError(`${what} must be float32`);
  const dims = list(asRecord(tensorType.shape ?? null, `${what} shape`), 'dim');
  const last = dims[dims.length - 1]?.dim_value;
  if (dims.length !== 2 || last !== size) {
    throw new PolicyFormatError(`${what} has shape [${dims.map((d) => d.dim_value ?? d.dim_param ?? '?').join(', ')}], expected [batch, ${size}]`);
  }
}
