/**
 * The seed's on-policy losses (A2C/A3C's policy gradient, PPO's clipped surrogate and KL penalty, the critic's
 * optionally clipped squared error) with their gradients written out by hand, on plain arrays,
 * for a diagonal Gaussian with a state-independent log std. Why: a minibatch of 64 is far too small for
 * tfjs's tape to pay for itself (each tiny kernel costs more than its arithmetic), so the update runs
 * the networks through Mlp.forwardTrace/backward and everything between them here. The tests check every
 * gradient against tfjs's autodiff of tensor versions (tests/oracles/policy-gradient-losses.ts).
 *
 * With z = (a - mu) / sigma:  log pi = sum_j (-z_j^2 / 2 - s_j - log(2 pi) / 2),
 *   d log pi / d mu_j = z_j / sigma_j,   d log pi / d s_j = z_j^2 - 1,
 *   KL_j(old || new) = s_j - s_old_j + (sigma_old_j^2 + (mu_old_j - mu_j)^2) / (2 sigma_j^2) - 1/2,
 *   d KL / d mu_j = (mu_j - mu_old_j) / sigma_j^2,   d KL / d s_j = 1 - (sigma_old_j^2 + (mu_old_j - mu_j)^2) / sigma_j^2,
 *   H = sum_j (s_j + (1 + log(2 pi)) / 2),   d H / d s_j = 1.
 */

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

export interface GaussianBatch {
  readonly size: number;
  readonly actionSize: number;
  /** The current policy's means, [size * actionSize]. */
  readonly means: Float32Array;
  /** The current (state-independent) log std, [actionSize]. */
  readonly logStd: Float32Array;
  readonly actions: Float32Array;
  readonly oldLogProbs: Float32Array;
  /** The collecting policy's means and log stds (for the KL), [size * actionSize]. */
  readonly oldMeans: Float32Array;
  readonly oldLogStds: Float32Array;
  readonly advantages: Float32Array;
}

export type PolicyObjective =
  | { readonly kind: 'pg' } // -mean(log pi A): A2C / A3C
  | { readonly kind: 'clip'; readonly clipRange: number } // PPO's clipped surrogate
  | { readonly kind: 'kl'; readonly beta: number }; // PPO's KL penalty

export interface PolicyLossResult {
  /** The objective's loss term (without the entropy bonus). */
  readonly policyLoss: number;
  readonly entropy: number;
  /** Mean exact KL(pi_old || pi) over the batch. */
  readonly kl: number;
  /** CleanRL's estimator mean((r - 1) - log r). */
  readonly approxKl: number;
  /** Share of samples with |r - 1| > clipRange (0 for other objectives). */
  readonly clipFraction: number;
}

/**
 * loss = objective - entropyCoef H; writes d loss / d mu into meanGradient [size * actionSize] and
 * d loss / d s into logStdGradient [actionSize].
 */
export function gaussianPolicyLoss(
  batch: GaussianBatch,
  objective: PolicyObjective,
  entropyCoef: number,
  meanGradient: Float32Array,
  logStdGradient: Float32Array,
): PolicyLossResult {
  const { size: n, actionSize: d, means, logStd, actions, oldLogProbs, oldMeans, oldLogStds, advantages } = batch;
  let logStdSum = 0;
  for (let j = 0; j < d; j++) logStdSum += logStd[j];
  logStdGradient.fill(0);
  let objectiveSum = 0;
  let klSum = 0;
  let approxKlSum = 0;
  let clipped = 0;
  for (let i = 0; i < n; i++) {
    let squares = 0;
    let kl = 0;
    for (let j = 0; j < d; j++) {
      const k = i * d + j;
      const z = (actions[k] - means[k]) * Math.exp(-logStd[j]);
      squares += z * z;
      const meanGap = oldMeans[k] - means[k];
      kl += logStd[j] - oldLogStds[k] + (Math.exp(2 * oldLogStds[k]) + meanGap * meanGap) / (2 * Math.exp(2 * logStd[j])) - 0.5;
    }
    const logProb = -0.5 * squares - logStdSum - d * HALF_LOG_TWO_PI;
    const logRatio = logProb - oldLogProbs[i];
    const ratio = Math.exp(logRatio);
    const advantage = advantages[i];
    klSum += kl;
    approxKlSum += ratio - 1 - logRatio;
    // d loss / d log pi_i and d loss / d KL_i for this sample.
    let dLogProb: number;
    let dKl = 0;
    if (objective.kind === 'pg') {
      objectiveSum += logProb * advantage;
      dLogProb = -advantage / n;
    } else if (objective.kind === 'clip') {
      const eps = objective.clipRange;
      const unclipped = ratio * advantage;
      const clippedTerm = Math.min(Math.max(ratio, 1 - eps), 1 + eps) * advantage;
      objectiveSum += Math.min(unclipped, clippedTerm);
      if (Math.abs(ratio - 1) > eps) clipped++;
      // The minimum passes its gradient to the unclipped term on ties (as tf.minimum); the clipped one is flat
      // outside the range and equals the unclipped one inside it.
      const inside = ratio >= 1 - eps && ratio <= 1 + eps;
      dLogProb = unclipped <= clippedTerm || inside ? (-ratio * advantage) / n : 0;
    } else {
      objectiveSum += ratio * advantage - objective.beta * kl;
      dLogProb = (-ratio * advantage) / n;
      dKl = objective.beta / n;
    }
    for (let j = 0; j < d; j++) {
      const k = i * d + j;
      const inverseVariance = Math.exp(-2 * logStd[j]);
      const gap = actions[k] - means[k];
      const z = gap * Math.exp(-logStd[j]);
      const meanGap = means[k] - oldMeans[k];
      meanGradient[k] = dLogProb * z * Math.exp(-logStd[j]) + dKl * meanGap * inverseVariance;
      logStdGradient[j] += dLogProb * (z * z - 1) + dKl * (1 - (Math.exp(2 * oldLogStds[k]) + meanGap * meanGap) * inverseVariance);
    }
  }
  const entropy = logStdSum + d * (0.5 + HALF_LOG_TWO_PI);
  for (let j = 0; j < d; j++) logStdGradient[j] -= entropyCoef;
  return {
    policyLoss: -objectiveSum / n,
    entropy,
    kl: klSum / n,
    approxKl: approxKlSum / n,
    clipFraction: objective.kind === 'clip' ? clipped / n : 0,
  };
}

/**
 * valueCoef * mean((G - V)^2), or with valueClip > 0 PPO2's mean(max((G - V)^2, (G - V_clip)^2)) where
 * V_clip = V_old + clip(V - V_old, -valueClip, valueClip). Writes d loss / d V into `gradient`; returns the
 * mean (unweighted) loss.
 */
export function valueLossGradient(
  values: Float32Array,
  returns: Float32Array,
  oldValues: Float32Array,
  valueClip: number,
  valueCoef: number,
  gradient: Float32Array,
): number {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const error = values[i] - returns[i];
    const unclipped = error * error;
    if (valueClip > 0) {
      const delta = values[i] - oldValues[i];
      const clippedError = oldValues[i] + Math.min(Math.max(delta, -valueClip), valueClip) - returns[i];
      const clipped = clippedError * clippedError;
      // tf.maximum passes the gradient to its first argument on ties.
      if (unclipped >= clipped) {
        sum += unclipped;
        gradient[i] = (valueCoef * 2 * error) / n;
      } else {
        sum += clipped;
        gradient[i] = Math.abs(delta) < valueClip ? (valueCoef * 2 * clippedError) / n : 0;
      }
    } else {
      sum += unclipped;
      gradient[i] = (valueCoef * 2 * error) / n;
    }
  }
  return sum / n;
}
