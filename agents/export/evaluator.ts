import type { PolicySnapshot } from '../policy.ts';
import { checkPolicySnapshot, PolicyFormatError } from './snapshot-check.ts';

/**
 * The reference evaluator: the deterministic action squash(layers(normalise(obs))) in float64, with no
 * TensorFlow.js. Exports are verified against it, and `sinew play` can run any imported policy with it.
 */
export interface PolicyEvaluator {
  readonly snapshot: PolicySnapshot;
  /** One observation in, one action in [-1, 1] out. */
  act(observation: ArrayLike<number>): Float32Array;
  /** `count` observations stored one after another, actions likewise. */
  actBatch(observations: ArrayLike<number>, count: number): Float32Array;
}

export function createPolicyEvaluator(snapshot: PolicySnapshot): PolicyEvaluator {
  checkPolicySnapshot(snapshot);
  const { observationSize, actionSize, obsNormaliser, layers, outputSquash } = snapshot;
  const widest = Math.max(observationSize, ...layers.map((layer) => layer.outputSize));
  // Two ping-pong buffers reused across calls: evaluation allocates only its result.
  let current = new Float64Array(widest);
  let next = new Float64Array(widest);
  const scale = obsNormaliser ? Float64Array.from(obsNormaliser.variance, (v) => 1 / Math.sqrt(v + obsNormaliser.epsilon)) : null;

  function actInto(observations: ArrayLike<number>, offset: number, out: Float32Array, outOffset: number): void {
    for (let i = 0; i < observationSize; i++) {
      let value = observations[offset + i];
      if (obsNormaliser && scale) {
        value = (value - obsNormaliser.mean[i]) * scale[i];
        value = Math.min(obsNormaliser.clip, Math.max(-obsNormaliser.clip, value));
      }
      current[i] = value;
    }
    for (const layer of layers) {
      const { inputSize, outputSize, kernel, bias, activation } = layer;
      for (let j = 0; j < outputSize; j++) next[j] = bias[j];
      for (let i = 0; i < inputSize; i++) {
        const x = current[i];
        const row = i * outputSize;
        for (let j = 0; j < outputSize; j++) next[j] += x * kernel[row + j];
      }
      if (activation === 'relu') for (let j = 0; j < outputSize; j++) next[j] = Math.max(0, next[j]);
      else if (activation === 'tanh') for (let j = 0; j < outputSize; j++) next[j] = Math.tanh(next[j]);
      [current, next] = [next, current];
    }
    for (let j = 0; j < actionSize; j++) {
      const raw = current[j];
      out[outOffset + j] = outputSquash === 'tanh' ? Math.tanh(raw) : Math.min(1, Math.max(-1, raw));
    }
  }

  return {
    snapshot,
    act(observation) {
      if (observation.length !== observationSize) {
        throw new PolicyFormatError(`observation has ${observation.length} values, the policy expects ${observationSize}`);
      }
      const action = new Float32Array(actionSize);
      actInto(observation, 0, action, 0);
      return action;
    },
    actBatch(observations, count) {
      if (observations.length !== count * observationSize) {
        throw new PolicyFormatError(`${count} observations need ${count * observationSize} values, got ${observations.length}`);
      }
      const actions = new Float32Array(count * actionSize);
      for (let n = 0; n < count; n++) actInto(observations, n * observationSize, actions, n * actionSize);
      return actions;
    },
  };
}
