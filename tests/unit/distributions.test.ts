import { describe, it, expect, beforeAll } from 'vitest';
import { initTf, tf } from '../../agents/shared/tf.ts';
import {
  gaussianEntropy,
  gaussianKl,
  gaussianLogProb,
  sampleSquashedGaussian,
  squashedGaussianLogProb,
  squashedGaussianSample,
  tanhLogDetJacobian,
} from '../../agents/shared/distributions.ts';

beforeAll(async () => {
  await initTf();
});

/** The normal density itself, then its log: an independent route to the log-prob. */
function normalDensity(x: number, mean: number, std: number): number {
  return Math.exp(-((x - mean) ** 2) / (2 * std * std)) / (std * Math.sqrt(2 * Math.PI));
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('diagonal Gaussian', () => {
  it('log-prob is the log of the product of the densities', () => {
    const mean = tf.tensor2d([0, 1, -1, 0.5], [2, 2]);
    const logStd = tf.tensor1d([0, Math.log(2)]); // shared across the batch
    const x = tf.tensor2d([1, 2, 0, 0], [2, 2]);
    const expected = [Math.log(normalDensity(1, 0, 1) * normalDensity(2, 1, 2)), Math.log(normalDensity(0, -1, 1) * normalDensity(0, 0.5, 2))];
    const got = values(gaussianLogProb(mean, logStd, x));
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it('entropy is sum of 0.5 log(2 pi e sigma^2)', () => {
    const sigmas = [0.5, 3];
    const expected = sigmas.reduce((sum, s) => sum + 0.5 * Math.log(2 * Math.PI * Math.E * s * s), 0);
    expect(values(gaussianEntropy(tf.tensor1d(sigmas.map(Math.log))))[0]).toBeCloseTo(expected, 5);
  });

  it('KL matches the closed form 0.5 (sp^2/sq^2 + (mq - mp)^2/sq^2 - 1 + ln(sq^2/sp^2)) and is 0 for equal laws', () => {
    const [mp, sp, mq, sq] = [0.3, 0.7, -0.4, 1.6];
    const oneDim = 0.5 * ((sp * sp) / (sq * sq) + (mq - mp) ** 2 / (sq * sq) - 1 + Math.log((sq * sq) / (sp * sp)));
    const kl = gaussianKl(tf.tensor2d([[mp, 0]]), tf.tensor2d([[Math.log(sp), 0]]), tf.tensor2d([[mq, 0]]), tf.tensor2d([[Math.log(sq), 0]]));
    expect(values(kl)[0]).toBeCloseTo(oneDim, 5);
    const same = gaussianKl(tf.tensor2d([[1, 2]]), tf.tensor2d([[0.1, -0.3]]), tf.tensor2d([[1, 2]]), tf.tensor2d([[0.1, -0.3]]));
    expect(values(same)[0]).toBeCloseTo(0, 6);
  });
});

describe('tanh-squashed Gaussian', () => {
  it('log(1 - tanh^2) is exact, including where tanh saturates', () => {
    const u = [-3, -0.2, 0, 1.5, 30];
    const got = values(tanhLogDetJacobian(tf.tensor1d(u)));
    // For |u| = 30, 1 - tanh^2 = 4 e^{-60} / (1 + e^{-60})^2, i.e. log = log 4 - 60.
    const expected = [...u.slice(0, 4).map((v) => Math.log(1 - Math.tanh(v) ** 2)), Math.log(4) - 60];
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
  });

  it('log-prob is the change of variables log p_u(atanh a) - log(1 - a^2)', () => {
    const [mean, std, u] = [0.2, 0.6, 0.9];
    const a = Math.tanh(u);
    const expected = Math.log(normalDensity(Math.atanh(a), mean, std)) - Math.log(1 - a * a);
    const got = values(squashedGaussianLogProb(tf.tensor2d([[mean]]), tf.tensor2d([[Math.log(std)]]), tf.tensor2d([[u]])));
    expect(got[0]).toBeCloseTo(expected, 4);
  });

  it('its density integrates to 1 over (-1, 1)', () => {
    const n = 4000;
    const a = Array.from({ length: n }, (_, i) => -1 + (2 * (i + 0.5)) / n);
    const u = tf.tensor2d(a.map(Math.atanh), [n, 1]);
    const logProb = squashedGaussianLogProb(tf.fill([n, 1], 0.3), tf.fill([n, 1], Math.log(0.8)), u);
    const integral = values(logProb).reduce((sum, lp) => sum + Math.exp(lp) * (2 / n), 0);
    expect(integral).toBeCloseTo(1, 3);
  });

  it('samples tanh(mean + std * noise) with the matching log-prob', () => {
    const mean = tf.tensor2d([[0.5, -1]]);
    const logStd = tf.tensor2d([[Math.log(0.5), 0]]);
    const noise = tf.tensor2d([[2, -0.5]]);
    const { action, logProb } = squashedGaussianSample(mean, logStd, noise);
    const u = [0.5 + 0.5 * 2, -1 - 0.5];
    values(action).forEach((v, i) => expect(v).toBeCloseTo(Math.tanh(u[i]), 6));
    const expected =
      Math.log(normalDensity(u[0], 0.5, 0.5)) -
      Math.log(1 - Math.tanh(u[0]) ** 2) +
      Math.log(normalDensity(u[1], -1, 1)) -
      Math.log(1 - Math.tanh(u[1]) ** 2);
    expect(values(logProb)[0]).toBeCloseTo(expected, 4);
  });
});

describe('host-side tanh-Gaussian with a squashed log std (SAC)', () => {
  it('gives tanh(mean + std noise) and the change-of-variables log-prob', () => {
    const range = { min: -5, max: 2 };
    // One row, two action dims: raw = [means | raw log stds].
    const raw = new Float32Array([0.3, -1.2, 0.4, -0.8]);
    const noise = new Float32Array([0.7, -1.5]);
    const sample = sampleSquashedGaussian(raw, noise, 1, 2, range);
    let expected = 0;
    for (let j = 0; j < 2; j++) {
      const logStd = -5 + 3.5 * (Math.tanh(raw[2 + j]) + 1);
      const u = raw[j] + Math.exp(logStd) * noise[j];
      expect(sample.actions[j]).toBeCloseTo(Math.tanh(u), 6);
      expected += Math.log(normalDensity(u, raw[j], Math.exp(logStd))) - Math.log(1 - Math.tanh(u) ** 2);
    }
    expect(sample.logProbs[0]).toBeCloseTo(expected, 4);
  });

  it('agrees with the tensor squashedGaussianLogProb on a batch', () => {
    const n = 5;
    const raw = Float32Array.from({ length: n * 6 }, (_, i) => Math.sin(i) * 1.5);
    const noise = Float32Array.from({ length: n * 3 }, (_, i) => Math.cos(3 * i));
    const sample = sampleSquashedGaussian(raw, noise, n, 3, { min: -5, max: 2 });
    const reference = tf.tidy(() => {
      const r = tf.tensor2d(raw, [n, 6]);
      const mean = tf.slice(r, [0, 0], [n, 3]);
      const logStd = tf.add(-5, tf.mul(3.5, tf.add(tf.tanh(tf.slice(r, [0, 3], [n, 3])), 1)));
      const u = tf.add(mean, tf.mul(tf.exp(logStd), tf.tensor2d(noise, [n, 3])));
      return Array.from(squashedGaussianLogProb(mean, logStd, u).dataSync());
    });
    sample.logProbs.forEach((lp, b) => expect(lp).toBeCloseTo(reference[b], 3));
  });
});
