import { tf } from './tf.ts';

/**
 * Diagonal Gaussian policies as tensor functions (differentiable, batched over the leading axis).
 * `logStd` may be per sample [n, d] or shared [d] (state-independent, as in PPO/TRPO); it broadcasts.
 * Every result sums over the action dimensions and has shape [n].
 */

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** log N(x; mean, exp(logStd)^2), summed over action dimensions. */
export function gaussianLogProb(mean: tf.Tensor, logStd: tf.Tensor, x: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const z = tf.div(tf.sub(x, mean), tf.exp(logStd));
    const perDim = tf.sub(tf.neg(tf.add(tf.mul(0.5, tf.square(z)), logStd)), HALF_LOG_TWO_PI);
    return tf.sum(perDim, -1) as tf.Tensor1D;
  });
}

/** Differential entropy: sum over dimensions of logStd + 0.5 log(2 pi e). */
export function gaussianEntropy(logStd: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sum(tf.add(logStd, 0.5 + HALF_LOG_TWO_PI), -1));
}

/** KL(p || q) between diagonal Gaussians: log(sq/sp) + (sp^2 + (mp - mq)^2) / (2 sq^2) - 1/2, summed. */
export function gaussianKl(meanP: tf.Tensor, logStdP: tf.Tensor, meanQ: tf.Tensor, logStdQ: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const varianceP = tf.exp(tf.mul(2, logStdP));
    const varianceQ = tf.exp(tf.mul(2, logStdQ));
    const numerator = tf.add(varianceP, tf.square(tf.sub(meanP, meanQ)));
    const perDim = tf.sub(tf.add(tf.sub(logStdQ, logStdP), tf.div(numerator, tf.mul(2, varianceQ))), 0.5);
    return tf.sum(perDim, -1) as tf.Tensor1D;
  });
}

/**
 * log(1 - tanh(u)^2) written as 2 (log 2 - u - softplus(-2u)): exact, and finite where tanh(u) rounds to +-1
 * (the usual log(1 - a^2 + 1e-6) is biased and saturates).
 */
export function tanhLogDetJacobian(u: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(2, tf.sub(tf.sub(Math.LN2, u), tf.softplus(tf.mul(-2, u)))));
}

/** log-density of a = tanh(u), u ~ N(mean, std^2), given the pre-squash sample u (change of variables). */
export function squashedGaussianLogProb(mean: tf.Tensor, logStd: tf.Tensor, u: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.sub(gaussianLogProb(mean, logStd, u), tf.sum(tanhLogDetJacobian(u), -1)) as tf.Tensor1D);
}

export interface SquashedSample {
  /** tanh(mean + std * noise), in (-1, 1). */
  readonly action: tf.Tensor2D;
  /** Its log-density, tanh correction included: [n]. */
  readonly logProb: tf.Tensor1D;
}

/**
 * Reparameterised sample of a tanh-squashed Gaussian (SAC's actor): gradients flow to mean and logStd
 * through u = mean + exp(logStd) * noise. `noise` is standard normal, drawn by the caller from a seeded Rng.
 */
export function squashedGaussianSample(mean: tf.Tensor2D, logStd: tf.Tensor2D, noise: tf.Tensor2D): SquashedSample {
  return tf.tidy(() => {
    const u = tf.add(mean, tf.mul(tf.exp(logStd), noise)) as tf.Tensor2D;
    return { action: tf.tanh(u), logProb: squashedGaussianLogProb(mean, logStd, u) };
  });
}

/** A batch of squashed-Gaussian samples on the host, with what the actor's backward pass needs. */
export interface SquashedSamples {
  readonly actions: Float32Array; // a = tanh(u), [n * A]
  readonly logProbs: Float32Array; // log pi(a|s), tanh correction included, [n]
  readonly std: Float32Array; // [n * A]
  readonly squashedRaw: Float32Array; // tanh(raw log std), [n * A]
}

/**
 * Host-side (plain JavaScript) sampling of a tanh-squashed Gaussian whose log std is itself squashed into a
 * range, as SAC's actor (CleanRL) outputs it: log std = min + (max - min) (tanh(raw) + 1) / 2.
 * a = tanh(mean + std * noise) and log pi(a) = sum(-noise^2 / 2 - log std - log(2 pi) / 2 - log(1 - a^2)), with
 * log(1 - tanh(u)^2) = 2 (log 2 - u - softplus(-2u)) (exact where tanh(u) rounds to +-1).
 * `raw` is the actor output [n, 2A]: means, then raw log stds.
 */
export function sampleSquashedGaussian(
  raw: Float32Array,
  noise: Float32Array,
  n: number,
  actionSize: number,
  logStdRange: { readonly min: number; readonly max: number },
): SquashedSamples {
  const A = actionSize;
  const out: SquashedSamples = {
    actions: new Float32Array(n * A),
    logProbs: new Float32Array(n),
    std: new Float32Array(n * A),
    squashedRaw: new Float32Array(n * A),
  };
  for (let b = 0; b < n; b++) {
    let logProb = 0;
    for (let j = 0; j < A; j++) {
      const i = b * A + j;
      const t = Math.tanh(raw[b * 2 * A + A + j]);
      const logStd = logStdRange.min + 0.5 * (logStdRange.max - logStdRange.min) * (t + 1);
      const std = Math.exp(logStd);
      const u = raw[b * 2 * A + j] + std * noise[i];
      const softplus = Math.max(-2 * u, 0) + Math.log1p(Math.exp(-Math.abs(2 * u)));
      logProb += -0.5 * noise[i] * noise[i] - logStd - HALF_LOG_TWO_PI - 2 * (Math.LN2 - u - softplus);
      out.actions[i] = Math.tanh(u);
      out.std[i] = std;
      out.squashedRaw[i] = t;
    }
    out.logProbs[b] = logProb;
  }
  return out;
}

/** r = pi_new(a|s) / pi_old(a|s) from log-probabilities. */
export function probabilityRatio(newLogProbs: tf.Tensor1D, oldLogProbs: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => tf.exp(tf.sub(newLogProbs, oldLogProbs))) as tf.Tensor1D;
}
