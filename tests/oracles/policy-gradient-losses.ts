import { tf } from '../../agents/shared/tf.ts';

/**
 * Test oracles: the seed's on-policy objectives as tfjs tensor functions (each returns a scalar to MINIMISE, i.e.
 * the negated objective), so tf.grad can check the hand-written gradients of agents/shared/policy-gradient-math.ts.
 * The algorithms themselves use that file; PPO-KL's beta rule lives in ppo.ts, the probability ratio in
 * shared/distributions.ts.
 */

/** Actor loss of A2C/A3C: -mean(log pi(a|s) (G - V)), the advantages held constant. */
export function policyGradientLoss(logProbs: tf.Tensor1D, advantages: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.mul(logProbs, advantages)))) as tf.Scalar;
}

/** -E[min(r A, clip(r, 1 - eps, 1 + eps) A)]: PPO's clipped surrogate. */
export function clippedSurrogateLoss(ratio: tf.Tensor1D, advantages: tf.Tensor1D, clipRange: number): tf.Scalar {
  if (!(clipRange > 0 && clipRange < 1)) throw new Error(`clipRange must be in (0, 1), got ${clipRange}`);
  return tf.tidy(() => {
    const unclipped = tf.mul(ratio, advantages);
    const clipped = tf.mul(tf.clipByValue(ratio, 1 - clipRange, 1 + clipRange), advantages);
    return tf.neg(tf.mean(tf.minimum(unclipped, clipped)));
  }) as tf.Scalar;
}

/** -(E[r A] - beta E[KL(pi_old || pi_new)]): the Lagrangian form of TRPO's problem (PPO's KL penalty). */
export function klPenaltyLoss(ratio: tf.Tensor1D, advantages: tf.Tensor1D, kl: tf.Tensor1D, beta: number): tf.Scalar {
  if (!(beta >= 0)) throw new Error(`beta must be >= 0, got ${beta}`);
  return tf.tidy(() => tf.neg(tf.sub(tf.mean(tf.mul(ratio, advantages)), tf.mul(beta, tf.mean(kl))))) as tf.Scalar;
}

/**
 * Critic loss: mean (G - V)^2 (the seed's sum, divided by the batch so learning rates do not scale with
 * it). With valueClip, PPO2's pessimistic clipped form max((G - V)^2, (G - V_clip)^2), where V_clip stays
 * within valueClip of the value that collected the data.
 */
export function valueLoss(values: tf.Tensor1D, returns: tf.Tensor1D, oldValues?: tf.Tensor1D, valueClip?: number): tf.Scalar {
  return tf.tidy(() => {
    const unclipped = tf.square(tf.sub(returns, values));
    if (valueClip === undefined || oldValues === undefined) return tf.mean(unclipped);
    if (!(valueClip > 0)) throw new Error(`valueClip must be > 0, got ${valueClip}`);
    const clippedValues = tf.add(oldValues, tf.clipByValue(tf.sub(values, oldValues), -valueClip, valueClip));
    const clipped = tf.square(tf.sub(returns, clippedValues));
    return tf.mean(tf.maximum(unclipped, clipped));
  }) as tf.Scalar;
}
