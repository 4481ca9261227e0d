import type { OnPolicyConfig } from './config.ts';
import { checkFiniteLoss } from '../shared/divergence.ts';
import type { GaussianActorCritic } from '../shared/gaussian-actor-critic.ts';
import type { Minibatch } from '../shared/rollout-buffer.ts';

/**
 * The A2C/A3C loss on one batch and its flat gradient (into `out`): what A2C (a2c.ts) and A3C's actor-learners
 * (a3c-worker.ts) both compute.
 */
export function actorCriticGradient(
  model: GaussianActorCritic,
  batch: Minibatch,
  config: Pick<OnPolicyConfig, 'entropyCoef' | 'valueCoef'>,
  out: Float32Array,
): { loss: number; policyLoss: number; valueLoss: number; entropy: number } {
  const result = model.lossGradient(batch, { kind: 'pg' }, { entropyCoef: config.entropyCoef, valueCoef: config.valueCoef, valueClip: 0 }, out);
  checkFiniteLoss('a2c: the loss', result.loss);
  return result;
}
