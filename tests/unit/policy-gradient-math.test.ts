import { beforeAll, describe, expect, it } from 'vitest';
import { initTf, tf } from '../../agents/shared/tf.ts';
import { gaussianEntropy, gaussianKl, gaussianLogProb, probabilityRatio } from '../../agents/shared/distributions.ts';
import { clippedSurrogateLoss, klPenaltyLoss, policyGradientLoss, valueLoss } from '../oracles/policy-gradient-losses.ts';
import { gaussianPolicyLoss, valueLossGradient, type GaussianBatch, type PolicyObjective } from '../../agents/shared/policy-gradient-math.ts';
import { Rng } from '../../sim/rng.ts';

beforeAll(async () => {
  await initTf({ backend: 'cpu' });
});

const n = 6;
const d = 2;

function randomBatch(seed: number): GaussianBatch {
  const rng = new Rng(seed);
  const draw = (count: number, scale: number) => Float32Array.from({ length: count }, () => scale * rng.normal());
  const means = draw(n * d, 0.5);
  const logStd = Float32Array.of(-0.3, 0.2);
  const actions = Float32Array.from(means, (m, k) => m + Math.exp(logStd[k % d]) * rng.normal());
  // Old log-probabilities off by up to +-0.6 so that ratios land inside and outside a 0.2 clip range.
  const current = tf.tidy(() => gaussianLogProb(tf.tensor2d(means, [n, d]), tf.tensor1d(logStd), tf.tensor2d(actions, [n, d])).dataSync());
  const oldLogProbs = Float32Array.from(current, (v) => v + rng.uniformRange(-0.6, 0.6));
  return {
    size: n,
    actionSize: d,
    means,
    logStd,
    actions,
    oldLogProbs,
    oldMeans: draw(n * d, 0.5),
    oldLogStds: draw(n * d, 0.3),
    advantages: draw(n, 1),
  };
}

/** The same loss as a tensor function of (means, logStd), differentiated by tfjs. */
function autodiff(batch: GaussianBatch, objective: PolicyObjective, entropyCoef: number) {
  const meansVar = tf.tensor2d(batch.means, [n, d]);
  const logStdVar = tf.tensor1d(batch.logStd);
  const loss = (means: tf.Tensor, logStd: tf.Tensor) => {
    const logProbs = gaussianLogProb(means, logStd, tf.tensor2d(batch.actions, [n, d]));
    const advantages = tf.tensor1d(batch.advantages);
    const ratio = probabilityRatio(logProbs, tf.tensor1d(batch.oldLogProbs));
    const kl = gaussianKl(tf.tensor2d(batch.oldMeans, [n, d]), tf.tensor2d(batch.oldLogStds, [n, d]), means, logStd);
    const policy =
      objective.kind === 'pg'
        ? policyGradientLoss(logProbs, advantages)
        : objective.kind === 'clip'
          ? clippedSurrogateLoss(ratio, advantages, objective.clipRange)
          : klPenaltyLoss(ratio, advantages, kl, objective.beta);
    return tf.sub(policy, tf.mul(entropyCoef, gaussianEntropy(logStd))) as tf.Scalar;
  };
  const { value, grads } = tf.valueAndGrads(loss)([meansVar, logStdVar]);
  return {
    loss: value.dataSync()[0] + entropyCoef * gaussianEntropy(logStdVar).dataSync()[0],
    meanGrad: grads[0].dataSync(),
    logStdGrad: grads[1].dataSync(),
  };
}

describe('gaussianPolicyLoss', () => {
  const objectives: PolicyObjective[] = [{ kind: 'pg' }, { kind: 'clip', clipRange: 0.2 }, { kind: 'kl', beta: 0.7 }];
  for (const objective of objectives) {
    it(`matches tfjs autodiff of the tensor loss (${objective.kind})`, () => {
      for (const seed of [1, 2, 3]) {
        const batch = randomBatch(seed);
        const meanGradient = new Float32Array(n * d);
        const logStdGradient = new Float32Array(d);
        const result = gaussianPolicyLoss(batch, objective, 0.01, meanGradient, logStdGradient);
        const reference = autodiff(batch, objective, 0.01);
        expect(result.policyLoss).toBeCloseTo(reference.loss, 5);
        meanGradient.forEach((g, k) => expect(g).toBeCloseTo(reference.meanGrad[k], 5));
        logStdGradient.forEach((g, j) => expect(g).toBeCloseTo(reference.logStdGrad[j], 5));
      }
    });
  }

  it('reports the closed-form entropy, the exact KL and the clipped share', () => {
    const batch = randomBatch(4);
    const result = gaussianPolicyLoss(batch, { kind: 'clip', clipRange: 0.2 }, 0, new Float32Array(n * d), new Float32Array(d));
    // H = sum_j (s_j + 0.5 + 0.5 log 2 pi) = (-0.3 + 0.2) + 2 * 1.4189385
    expect(result.entropy).toBeCloseTo(-0.1 + 2 * 1.4189385, 5);
    const kl = tf.tidy(
      () =>
        tf
          .mean(
            gaussianKl(
              tf.tensor2d(batch.oldMeans, [n, d]),
              tf.tensor2d(batch.oldLogStds, [n, d]),
              tf.tensor2d(batch.means, [n, d]),
              tf.tensor1d(batch.logStd),
            ),
          )
          .dataSync()[0],
    );
    expect(result.kl).toBeCloseTo(kl, 5);
    expect(result.clipFraction).toBeGreaterThan(0);
    expect(result.clipFraction).toBeLessThan(1);
  });
});

describe('valueLossGradient', () => {
  it('matches tfjs autodiff with and without value clipping', () => {
    const values = Float32Array.of(2, 0.5, 1, -1);
    const returns = Float32Array.of(2, 0, 0.5, 1);
    const oldValues = Float32Array.of(1.5, 2.5, 1.05, -1.5);
    for (const clip of [0, 0.2]) {
      const gradient = new Float32Array(4);
      const loss = valueLossGradient(values, returns, oldValues, clip, 0.5, gradient);
      const f = (v: tf.Tensor) =>
        tf.mul(0.5, valueLoss(v as tf.Tensor1D, tf.tensor1d(returns), tf.tensor1d(oldValues), clip > 0 ? clip : undefined)) as tf.Scalar;
      const { value, grad } = tf.valueAndGrad(f)(tf.tensor1d(values));
      expect(0.5 * loss).toBeCloseTo(value.dataSync()[0], 6);
      gradient.forEach((g, i) => expect(g).toBeCloseTo(grad.dataSync()[i], 6));
    }
    // Worked by hand without clipping: mean((0, 0.25, 0.25, 4)) = 1.125
    expect(valueLossGradient(values, returns, oldValues, 0, 1, new Float32Array(4))).toBeCloseTo(1.125, 6);
  });
});
