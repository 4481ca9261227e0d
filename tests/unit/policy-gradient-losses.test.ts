import { beforeAll, describe, expect, it } from 'vitest';
import { initTf, tf } from '../../agents/shared/tf.ts';
import { clippedSurrogateLoss, klPenaltyLoss, policyGradientLoss, valueLoss } from '../oracles/policy-gradient-losses.ts';
import { probabilityRatio } from '../../agents/shared/distributions.ts';
import { adaptKlBeta } from '../../agents/on-policy/ppo.ts';

beforeAll(async () => {
  await initTf({ backend: 'cpu' });
});

function values(t: tf.Tensor): number[] {
  return [...(t.dataSync() as Float32Array)];
}

describe('policyGradientLoss', () => {
  it('is -mean(log pi * advantage) with gradient -advantage / n', () => {
    // logp = [-1, -2], A = [2, 3]: mean(logp A) = (-2 - 6) / 2 = -4 -> loss 4; d/dlogp = [-2/2, -3/2]
    const advantages = tf.tensor1d([2, 3]);
    const logProbs = tf.tensor1d([-1, -2]);
    expect(policyGradientLoss(logProbs, advantages).dataSync()[0]).toBeCloseTo(4, 6);
    const gradient = tf.grad((lp: tf.Tensor) => policyGradientLoss(lp as tf.Tensor1D, advantages))(logProbs);
    expect(values(gradient)).toEqual([-1, -1.5]);
  });
});

describe('clippedSurrogateLoss', () => {
  // eps = 0.2; ratio and advantage chosen to hit every branch of min(r A, clip(r) A):
  //  r=1.5, A= 2: min(3, 2.4)   = 2.4  clipped   -> no gradient
  //  r=0.5, A= 2: min(1, 1.6)   = 1    unclipped -> gradient (outside the range, but pessimistic branch)
  //  r=0.5, A=-2: min(-1, -1.6) = -1.6 clipped   -> no gradient
  //  r=1.5, A=-2: min(-3, -2.4) = -3   unclipped -> gradient
  //  r=1.1, A= 1: inside the range     = 1.1     -> gradient
  // mean = (2.4 + 1 - 1.6 - 3 + 1.1) / 5 = -0.02, so the loss is 0.02.
  const ratios = [1.5, 0.5, 0.5, 1.5, 1.1];

  function lossFromLogProbs(logProbs: tf.Tensor): tf.Scalar {
    const advantages = tf.tensor1d([2, 2, -2, -2, 1]);
    const oldLogProbs = tf.zeros([5]) as tf.Tensor1D;
    return clippedSurrogateLoss(probabilityRatio(logProbs as tf.Tensor1D, oldLogProbs), advantages, 0.2);
  }

  it('takes the pessimistic minimum of the clipped and unclipped terms', () => {
    expect(lossFromLogProbs(tf.tensor1d(ratios.map(Math.log))).dataSync()[0]).toBeCloseTo(0.02, 6);
  });

  it('passes gradient only where the unclipped term is the minimum', () => {
    // d(-r A / n)/d log pi = -r A / n: [0, -0.5*2/5, 0, 1.5*2/5, -1.1/5]
    const gradient = values(tf.grad(lossFromLogProbs)(tf.tensor1d(ratios.map(Math.log))));
    const expected = [0, -0.2, 0, 0.6, -0.22];
    gradient.forEach((g, i) => expect(g).toBeCloseTo(expected[i], 6));
  });

  it('rejects a clip range outside (0, 1)', () => {
    expect(() => clippedSurrogateLoss(tf.ones([1]) as tf.Tensor1D, tf.ones([1]) as tf.Tensor1D, 1.5)).toThrow(/clipRange/);
  });
});

describe('klPenaltyLoss and the beta rule', () => {
  it('is -(mean(r A) - beta mean(KL))', () => {
    // r = [1, 2], A = [1, -1]: mean(r A) = -0.5; KL = [0.1, 0.3] -> 0.2; beta 2 -> objective -0.9
    const loss = klPenaltyLoss(tf.tensor1d([1, 2]), tf.tensor1d([1, -1]), tf.tensor1d([0.1, 0.3]), 2);
    expect(loss.dataSync()[0]).toBeCloseTo(0.9, 6);
  });

  it('halves beta below delta / 1.5, doubles it above 1.5 delta, keeps it between', () => {
    // delta = 0.01: thresholds 0.00667 and 0.015
    expect(adaptKlBeta(1, 0.005, 0.01)).toBe(0.5);
    expect(adaptKlBeta(1, 0.02, 0.01)).toBe(2);
    expect(adaptKlBeta(1, 0.01, 0.01)).toBe(1);
    expect(adaptKlBeta(1, 0.015, 0.01)).toBe(1);
    expect(adaptKlBeta(1, 0.007, 0.01)).toBe(1);
    expect(() => adaptKlBeta(1, 0.01, 0)).toThrow(/klTarget/);
  });
});

describe('valueLoss', () => {
  it('is the mean squared error without clipping', () => {
    // (2 - 2)^2 = 0, (0 - 0.5)^2 = 0.25 -> 0.125
    expect(valueLoss(tf.tensor1d([2, 0.5]), tf.tensor1d([2, 0])).dataSync()[0]).toBeCloseTo(0.125, 6);
  });

  it('takes the larger of the clipped and unclipped errors with value clipping', () => {
    // old V = [1.5, 2.5], clip 0.2: V_clip = [1.7, 2.3]; errors: max(0, 0.09) = 0.09, max(0.25, 5.29) = 5.29
    const loss = valueLoss(tf.tensor1d([2, 0.5]), tf.tensor1d([2, 0]), tf.tensor1d([1.5, 2.5]), 0.2);
    expect(loss.dataSync()[0]).toBeCloseTo((0.09 + 5.29) / 2, 5);
  });
});
