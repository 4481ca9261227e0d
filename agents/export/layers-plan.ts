import type { Activation, DenseLayerSnapshot, PolicySnapshot } from '../policy.ts';
import { snapshotFromMetadata, type PolicyMetadata } from './metadata.ts';
import { PolicyFormatError } from './snapshot-check.ts';

/**
 * A policy as a plain sequence of stock Keras/tfjs layers (Dense, ReLU with max_value, Activation), and back.
 * Stock tfjs has no symmetric clip layer, so clip(z, -c, c) is written exactly as Dense(+c) -> ReLU(max 2c)
 * -> Dense(-c), with identity kernels; the normaliser is Dense(identity, bias -mean) -> Dense(diagonal kernel
 * 1/sqrt(var + eps), no bias), which keeps the mean exactly as trained. The trained layers are copied unchanged.
 */
export type LayerSpec =
  | {
      readonly kind: 'dense';
      readonly name: string;
      readonly inputSize: number;
      readonly units: number;
      readonly activation: Activation;
      readonly kernel: Float32Array;
      readonly bias: Float32Array;
    }
  | { readonly kind: 'relu'; readonly name: string; readonly maxValue: number }
  | { readonly kind: 'tanh'; readonly name: string };

export const OBS_CENTRE = 'obs_centre';
export const OBS_SCALE = 'obs_scale';
export const OBS_SHIFT = 'obs_shift';
export const OBS_CLIP = 'obs_clip';
export const OBS_UNSHIFT = 'obs_unshift';
export const ACTION_SQUASH = 'action_squash';
export const ACTION_SHIFT = 'action_shift';
export const ACTION_CLIP = 'action_clip';
export const ACTION_UNSHIFT = 'action_unshift';
export const denseName = (index: number): string => `dense_${index}`;

function identity(size: number): Float32Array {
  const kernel = new Float32Array(size * size);
  for (let i = 0; i < size; i++) kernel[i * size + i] = 1;
  return kernel;
}

function shiftLayer(name: string, size: number, shift: number): LayerSpec {
  return {
    kind: 'dense',
    name,
    inputSize: size,
    units: size,
    activation: 'linear',
    kernel: identity(size),
    bias: new Float32Array(size).fill(shift),
  };
}

/** clip(x, -c, c) = ReLU_max2c(x + c) - c, exact in float32 up to the rounding of x + c. */
function clipLayers(names: readonly [string, string, string], size: number, clip: number): LayerSpec[] {
  return [shiftLayer(names[0], size, clip), { kind: 'relu', name: names[1], maxValue: 2 * clip }, shiftLayer(names[2], size, -clip)];
}

export function policyToLayers(snapshot: PolicySnapshot): LayerSpec[] {
  const specs: LayerSpec[] = [];
  const n = snapshot.observationSize;
  const normaliser = snapshot.obsNormaliser;
  if (normaliser) {
    const kernel = new Float32Array(n * n);
    for (let i = 0; i < n; i++) kernel[i * n + i] = 1 / Math.sqrt(normaliser.variance[i] + normaliser.epsilon);
    specs.push({
      kind: 'dense',
      name: OBS_CENTRE,
      inputSize: n,
      units: n,
      activation: 'linear',
      kernel: identity(n),
      bias: Float32Array.from(normaliser.mean, (m) => -m),
    });
    specs.push({ kind: 'dense', name: OBS_SCALE, inputSize: n, units: n, activation: 'linear', kernel, bias: new Float32Array(n) });
    if (Number.isFinite(normaliser.clip)) specs.push(...clipLayers([OBS_SHIFT, OBS_CLIP, OBS_UNSHIFT], n, normaliser.clip));
  }
  snapshot.layers.forEach((layer, index) => {
    specs.push({
      kind: 'dense',
      name: denseName(index),
      inputSize: layer.inputSize,
      units: layer.outputSize,
      activation: layer.activation,
      kernel: Float32Array.from(layer.kernel),
      bias: Float32Array.from(layer.bias),
    });
  });
  if (snapshot.outputSquash === 'tanh') specs.push({ kind: 'tanh', name: ACTION_SQUASH });
  else specs.push(...clipLayers([ACTION_SHIFT, ACTION_CLIP, ACTION_UNSHIFT], snapshot.actionSize, 1));
  return specs;
}

/** Reads the layer sequence back into a snapshot, refusing anything that policyToLayers would not have written. */
export function layersToPolicy(specs: readonly LayerSpec[], metadata: PolicyMetadata, source: string): PolicySnapshot {
  let at = 0;
  const take = (name: string): LayerSpec => {
    const spec = specs[at];
    if (spec?.name !== name) {
      throw new PolicyFormatError(`${source}: expected layer '${name}' at position ${at}, found ${spec ? `'${spec.name}'` : 'the end of the model'}`);
    }
    at++;
    return spec;
  };
  const dense = (name: string): DenseSpec => {
    const spec = take(name);
    if (spec.kind !== 'dense') throw new PolicyFormatError(`${source}: layer '${name}' must be Dense`);
    return spec;
  };
  const expectClip = (names: readonly [string, string, string], size: number, clip: number): void => {
    expectShift(dense(names[0]), size, clip, source);
    const relu = take(names[1]);
    if (relu.kind !== 'relu' || Math.abs(relu.maxValue - 2 * clip) > 1e-6 * clip) {
      throw new PolicyFormatError(`${source}: layer '${names[1]}' must be ReLU with max_value ${2 * clip}`);
    }
    expectShift(dense(names[2]), size, -clip, source);
  };

  const n = metadata.observationSize;
  let obsNormaliser: PolicySnapshot['obsNormaliser'] = null;
  if (metadata.normaliser) {
    const { epsilon, clip } = metadata.normaliser;
    const centre = dense(OBS_CENTRE);
    expectShape(centre, n, source);
    const mean = Float32Array.from(centre.bias, (b) => -b);
    if (!isIdentity(centre, n)) throw new PolicyFormatError(`${source}: '${OBS_CENTRE}' must have the identity kernel`);
    const scale = dense(OBS_SCALE);
    expectShape(scale, n, source);
    const variance = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const factor = scale.kernel[i * n + i];
      if (!(factor > 0) || !isDiagonalRow(scale.kernel, n, i) || scale.bias[i] !== 0) {
        throw new PolicyFormatError(`${source}: '${OBS_SCALE}' must be diagonal with positive scales and no bias (row ${i})`);
      }
      variance[i] = Math.max(0, 1 / (factor * factor) - epsilon);
    }
    if (clip !== null) expectClip([OBS_SHIFT, OBS_CLIP, OBS_UNSHIFT], n, clip);
    obsNormaliser = { mean, variance, epsilon, clip: clip ?? Infinity };
  }
  const layers: DenseLayerSnapshot[] = [];
  while (specs[at]?.name === denseName(layers.length)) {
    const layer = dense(denseName(layers.length));
    layers.push({ inputSize: layer.inputSize, outputSize: layer.units, kernel: layer.kernel, bias: layer.bias, activation: layer.activation });
  }
  if (layers.length === 0) throw new PolicyFormatError(`${source}: no '${denseName(0)}' layer where the trained network should start`);
  if (metadata.outputSquash === 'tanh') {
    if (take(ACTION_SQUASH).kind !== 'tanh') throw new PolicyFormatError(`${source}: '${ACTION_SQUASH}' must be a tanh Activation`);
  } else {
    expectClip([ACTION_SHIFT, ACTION_CLIP, ACTION_UNSHIFT], metadata.actionSize, 1);
  }
  if (at !== specs.length) throw new PolicyFormatError(`${source}: unexpected layer '${specs[at].name}' after the action output`);
  return snapshotFromMetadata(metadata, n, obsNormaliser, layers);
}

function isDiagonalRow(kernel: Float32Array, n: number, row: number): boolean {
  for (let j = 0; j < n; j++) if (j !== row && kernel[row * n + j] !== 0) return false;
  return true;
}

type DenseSpec = Extract<LayerSpec, { kind: 'dense' }>;

function expectShape(layer: DenseSpec, size: number, source: string): void {
  if (layer.inputSize !== size || layer.units !== size || layer.activation !== 'linear') {
    throw new PolicyFormatError(`${source}: '${layer.name}' must be a linear Dense ${size} -> ${size} (the observation size)`);
  }
}

function isIdentity(layer: DenseSpec, size: number): boolean {
  for (let i = 0; i < size; i++) if (layer.kernel[i * size + i] !== 1 || !isDiagonalRow(layer.kernel, size, i)) return false;
  return true;
}

function expectShift(layer: DenseSpec, size: number, shift: number, source: string): void {
  const fits = layer.inputSize === size && layer.units === size && layer.activation === 'linear' && isIdentity(layer, size);
  if (!fits || !layer.bias.every((b) => b === Math.fround(shift))) {
    throw new PolicyFormatError(`${source}: layer '${layer.name}' must be the identity ${size} -> ${size} with bias ${shift}`);
  }
}
