import type { Activation, PolicySnapshot } from '../policy.ts';

/**
 * Structural checks of a PolicySnapshot. Every exporter runs them before writing and every importer after
 * reading, so a malformed policy is refused with a message naming the faulty part instead of producing
 * NaN actions later.
 */

/** Thrown for any file or snapshot that cannot be a valid policy; the message says what is wrong and where. */
export class PolicyFormatError extends Error {
  override readonly name = 'PolicyFormatError';
}

/** Networks larger than this are refused: no Sinew actor comes close, and a corrupt size must not allocate gigabytes. */
export const MAX_LAYER_WIDTH = 1 << 16;
export const MAX_LAYERS = 64;

const activations: readonly Activation[] = ['relu', 'tanh', 'linear'];

export function isActivation(value: unknown): value is Activation {
  return typeof value === 'string' && (activations as readonly string[]).includes(value);
}

export function checkSize(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_LAYER_WIDTH) {
    throw new PolicyFormatError(`${what} must be a whole number in [1, ${MAX_LAYER_WIDTH}], got ${String(value)}`);
  }
  return value;
}

export function checkFiniteArray(values: ArrayLike<number>, length: number, what: string): void {
  if (values.length !== length) throw new PolicyFormatError(`${what} has ${values.length} values, expected ${length}`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new PolicyFormatError(`${what}[${i}] is ${values[i]}: weights must be finite`);
  }
}

function checkName(value: unknown, what: string): void {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
    throw new PolicyFormatError(`${what} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
}

/** Throws PolicyFormatError naming the first inconsistency; returns the snapshot unchanged when it is valid. */
export function checkPolicySnapshot(snapshot: PolicySnapshot, source = 'policy'): PolicySnapshot {
  checkName(snapshot.robot, `${source}: robot`);
  checkName(snapshot.algorithm, `${source}: algorithm`);
  const observationSize = checkSize(snapshot.observationSize, `${source}: observationSize`);
  const actionSize = checkSize(snapshot.actionSize, `${source}: actionSize`);
  const { layers } = snapshot;
  if (layers.length === 0 || layers.length > MAX_LAYERS) {
    throw new PolicyFormatError(`${source}: a policy needs 1 to ${MAX_LAYERS} dense layers, got ${layers.length}`);
  }
  let width = observationSize;
  layers.forEach((layer, index) => {
    const where = `${source}: layer ${index}`;
    if (layer.inputSize !== width) {
      throw new PolicyFormatError(`${where} takes ${layer.inputSize} inputs but receives ${width}`);
    }
    checkSize(layer.outputSize, `${where} outputSize`);
    if (!isActivation(layer.activation)) {
      throw new PolicyFormatError(`${where} has unknown activation ${JSON.stringify(layer.activation)}`);
    }
    checkFiniteArray(layer.kernel, layer.inputSize * layer.outputSize, `${where} kernel`);
    checkFiniteArray(layer.bias, layer.outputSize, `${where} bias`);
    width = layer.outputSize;
  });
  if (width !== actionSize) throw new PolicyFormatError(`${source}: last layer gives ${width} outputs, actionSize is ${actionSize}`);
  const normaliser = snapshot.obsNormaliser;
  if (normaliser !== null) {
    checkFiniteArray(normaliser.mean, observationSize, `${source}: normaliser mean`);
    checkFiniteArray(normaliser.variance, observationSize, `${source}: normaliser variance`);
    if (!(normaliser.epsilon >= 0 && Number.isFinite(normaliser.epsilon))) {
      throw new PolicyFormatError(`${source}: normaliser epsilon must be finite and >= 0, got ${normaliser.epsilon}`);
    }
    if (!(normaliser.clip > 0)) throw new PolicyFormatError(`${source}: normaliser clip must be > 0, got ${normaliser.clip}`);
    for (let i = 0; i < observationSize; i++) {
      const spread = normaliser.variance[i] + normaliser.epsilon;
      if (normaliser.variance[i] < 0 || !(spread > 0)) {
        throw new PolicyFormatError(`${source}: normaliser variance[${i}] + epsilon must be > 0 (variance ${normaliser.variance[i]})`);
      }
    }
  }
  if (snapshot.outputSquash !== 'tanh' && snapshot.outputSquash !== 'clip') {
    throw new PolicyFormatError(`${source}: outputSquash must be 'tanh' or 'clip', got ${JSON.stringify(snapshot.outputSquash)}`);
  }
  if (!(Number.isInteger(snapshot.envSteps) && snapshot.envSteps >= 0)) {
    throw new PolicyFormatError(`${source}: envSteps must be a whole number >= 0, got ${snapshot.envSteps}`);
  }
  if (snapshot.evalReturn !== undefined && !Number.isFinite(snapshot.evalReturn)) {
    throw new PolicyFormatError(`${source}: evalReturn must be finite when present, got ${snapshot.evalReturn}`);
  }
  return snapshot;
}
