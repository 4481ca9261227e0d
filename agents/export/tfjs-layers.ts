import type { PolicySnapshot } from '../policy.ts';
import { asRecord, describe, parseJsonText, readArray, readNumber, readString, type JsonRecord } from './json-read.ts';
import { parsePolicyMetadata, policyMetadata } from './metadata.ts';
import { layersToPolicy, policyToLayers, type LayerSpec } from './layers-plan.ts';
import { checkPolicySnapshot, checkSize, isActivation, MAX_LAYERS, PolicyFormatError } from './snapshot-check.ts';

/**
 * TensorFlow.js layers format: model.json (a Keras Sequential topology plus a weights manifest) and
 * weights.bin (float32, little-endian, in manifest order). Stock `tf.loadLayersModel` loads it with no
 * Sinew code; the Sinew metadata rides in model.json's userDefinedMetadata, which tfjs keeps and ignores.
 */
export const TFJS_MODEL_FILE = 'model.json';
export const TFJS_WEIGHTS_FILE = 'weights.bin';
/** The tfjs-layers version whose serialisation we follow (also loads in later 4.x). */
const KERAS_VERSION = 'tfjs-layers 4.22.0';

export interface TfjsLayersFiles {
  /** model.json text. */
  readonly modelJson: string;
  /** weights.bin bytes. */
  readonly weights: Uint8Array;
}

export function writeTfjsLayers(snapshot: PolicySnapshot, sinewVersion: string): TfjsLayersFiles {
  checkPolicySnapshot(snapshot);
  const specs = policyToLayers(snapshot);
  const weightSpecs: { name: string; shape: number[]; dtype: 'float32' }[] = [];
  const arrays: Float32Array[] = [];
  const layers = specs.map((spec, index) => {
    const first = index === 0 ? { batch_input_shape: [null, snapshot.observationSize], dtype: 'float32' } : {};
    if (spec.kind === 'relu') return { class_name: 'ReLU', config: { max_value: spec.maxValue, name: spec.name, trainable: false, ...first } };
    if (spec.kind === 'tanh') return { class_name: 'Activation', config: { activation: 'tanh', name: spec.name, trainable: false, ...first } };
    weightSpecs.push({ name: `${spec.name}/kernel`, shape: [spec.inputSize, spec.units], dtype: 'float32' });
    weightSpecs.push({ name: `${spec.name}/bias`, shape: [spec.units], dtype: 'float32' });
    arrays.push(spec.kernel, spec.bias);
    return {
      class_name: 'Dense',
      config: { units: spec.units, activation: spec.activation, use_bias: true, name: spec.name, trainable: false, ...first },
    };
  });
  const model = {
    format: 'layers-model',
    generatedBy: `sinew ${sinewVersion}`,
    convertedBy: null,
    modelTopology: { class_name: 'Sequential', config: { name: 'sinew_policy', layers }, keras_version: KERAS_VERSION, backend: 'tensor_flow.js' },
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: weightSpecs }],
    userDefinedMetadata: { sinew: policyMetadata(snapshot, sinewVersion) },
  };
  const total = arrays.reduce((sum, array) => sum + array.length, 0);
  const weights = new Uint8Array(total * 4);
  const view = new DataView(weights.buffer);
  let offset = 0;
  for (const array of arrays) {
    for (const value of array) {
      view.setFloat32(offset, value, true);
      offset += 4;
    }
  }
  return { modelJson: JSON.stringify(model, null, 1), weights };
}

/** Parses and validates model.json + weights.bin back into a PolicySnapshot; throws PolicyFormatError otherwise. */
export function readTfjsLayers(modelJson: string, weights: Uint8Array, source = TFJS_MODEL_FILE): PolicySnapshot {
  const model = asRecord(parseJsonText(modelJson, source), source);
  if (model.format !== undefined && model.format !== 'layers-model') {
    throw new PolicyFormatError(`${source}: format is ${describe(model.format)}, expected "layers-model" (a graph model cannot be a Sinew policy)`);
  }
  const userMetadata = asRecord(model.userDefinedMetadata ?? null, `${source}: userDefinedMetadata`);
  const metadata = parsePolicyMetadata(userMetadata.sinew, source);
  const topology = asRecord(model.modelTopology, `${source}: modelTopology`);
  if (topology.class_name !== 'Sequential')
    throw new PolicyFormatError(`${source}: modelTopology must be a Sequential model, got ${describe(topology.class_name)}`);
  const layerList = readArray(asRecord(topology.config, `${source}: modelTopology.config`), 'layers', `${source}: modelTopology.config`);
  if (layerList.length === 0 || layerList.length > MAX_LAYERS + 8)
    throw new PolicyFormatError(`${source}: ${layerList.length} layers is not a policy network`);
  const weightMap = readWeights(model, weights, source);
  let width = metadata.observationSize;
  const specs = layerList.map((entry, index) => {
    const spec = parseLayer(asRecord(entry, `${source}: layer ${index}`), width, weightMap, `${source}: layer ${index}`);
    if (spec.kind === 'dense') width = spec.units;
    return spec;
  });
  const firstShape = asRecord(asRecord(layerList[0], `${source}: layer 0`).config, `${source}: layer 0 config`).batch_input_shape;
  if (!Array.isArray(firstShape) || firstShape.length !== 2 || firstShape[1] !== metadata.observationSize) {
    throw new PolicyFormatError(
      `${source}: input shape ${JSON.stringify(firstShape)} does not match the observation size ${metadata.observationSize}`,
    );
  }
  const used = specs.reduce((count, spec) => count + (spec.kind === 'dense' ? 2 : 0), 0);
  if (used !== weightMap.size) throw new PolicyFormatError(`${source}: the weights manifest holds ${weightMap.size} tensors, the layers use ${used}`);
  return checkPolicySnapshot(layersToPolicy(specs, metadata, source), source);
}

function parseLayer(layer: JsonRecord, inputSize: number, weightMap: Map<string, Float32Array>, what: string): LayerSpec {
  const className = readString(layer, 'class_name', what);
  const config = asRecord(layer.config, `${what}.config`);
  const name = readString(config, 'name', `${what}.config`);
  const where = `${what} ('${name}')`;
  if (className === 'ReLU') {
    const maxValue = readNumber(config, 'max_value', `${where}.config`);
    if (config.negative_slope !== undefined && config.negative_slope !== 0) throw new PolicyFormatError(`${where}: leaky ReLU is not supported`);
    return { kind: 'relu', name, maxValue };
  }
  if (className === 'Activation') {
    if (config.activation !== 'tanh') throw new PolicyFormatError(`${where}: unsupported activation ${describe(config.activation)}`);
    return { kind: 'tanh', name };
  }
  if (className !== 'Dense')
    throw new PolicyFormatError(`${where}: unsupported layer class ${JSON.stringify(className)} (a Sinew policy uses Dense, ReLU and Activation)`);
  const units = checkSize(config.units, `${where}.units`);
  const activation = config.activation;
  if (!isActivation(activation)) throw new PolicyFormatError(`${where}: unsupported activation ${describe(activation)}`);
  if (config.use_bias !== true) throw new PolicyFormatError(`${where}: Dense layers must use a bias`);
  const kernel = takeWeight(weightMap, `${name}/kernel`, inputSize * units, where);
  const bias = takeWeight(weightMap, `${name}/bias`, units, where);
  return { kind: 'dense', name, inputSize, units, activation, kernel, bias };
}

function takeWeight(weightMap: Map<string, Float32Array>, name: string, length: number, where: string): Float32Array {
  const values = weightMap.get(name);
  if (!values) throw new PolicyFormatError(`${where}: weight '${name}' is missing from the manifest`);
  if (values.length !== length) throw new PolicyFormatError(`${where}: weight '${name}' has ${values.length} values, expected ${length}`);
  return values;
}

/** Reads every float32 weight named in the manifest, after checking the byte count against weights.bin. */
function readWeights(model: JsonRecord, bytes: Uint8Array, source: string): Map<string, Float32Array> {
  const groups = readArray(model, 'weightsManifest', source);
  if (groups.length !== 1) throw new PolicyFormatError(`${source}: expected one weights group, got ${groups.length}`);
  const group = asRecord(groups[0], `${source}: weightsManifest[0]`);
  const paths = readArray(group, 'paths', `${source}: weightsManifest[0]`);
  if (paths.length !== 1 || typeof paths[0] !== 'string') throw new PolicyFormatError(`${source}: expected the weights in one file`);
  const entries = readArray(group, 'weights', `${source}: weightsManifest[0]`).map((entry, index) => {
    const what = `${source}: weight ${index}`;
    const spec = asRecord(entry, what);
    if (spec.dtype !== 'float32') throw new PolicyFormatError(`${what}: dtype ${describe(spec.dtype)} is not float32`);
    const shape = readArray(spec, 'shape', what).map((dim, d) => checkSize(dim, `${what}.shape[${d}]`));
    return { name: readString(spec, 'name', what), length: shape.reduce((product, dim) => product * dim, 1) };
  });
  const needed = entries.reduce((sum, entry) => sum + entry.length * 4, 0);
  if (needed !== bytes.length) {
    throw new PolicyFormatError(
      `${paths[0]} holds ${bytes.length} bytes but ${source}'s manifest needs ${needed} (truncated or from another model?)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const weightMap = new Map<string, Float32Array>();
  let offset = 0;
  for (const entry of entries) {
    if (weightMap.has(entry.name)) throw new PolicyFormatError(`${source}: weight '${entry.name}' appears twice`);
    const values = new Float32Array(entry.length);
    for (let i = 0; i < entry.length; i++, offset += 4) values[i] = view.getFloat32(offset, true);
    weightMap.set(entry.name, values);
  }
  return weightMap;
}
