import { beforeAll, describe, expect, it } from 'vitest';
import { initTf, tf } from '../../agents/shared/tf.ts';
import { backtrackingLineSearch, trpoEntry, validateTrpoConfig } from '../../agents/on-policy/trpo.ts';
import { makePointReachVecEnv } from '../fixtures/point-reach.ts';

beforeAll(async () => {
  await initTf();
});

describe('backtrackingLineSearch', () => {
  it('rejects steps that break the KL bound and takes the first that keeps it and improves', () => {
    // KL grows as the square of the step fraction: 0.04 f^2 with delta = 0.01 -> f must be <= 0.5.
    // Fractions tried with ratio 0.5: 1 (KL 0.04), 0.5 (KL 0.01: accepted).
    const tried: number[] = [];
    const result = backtrackingLineSearch(
      (f) => {
        tried.push(f);
        return { kl: 0.04 * f * f, improvement: f };
      },
      0.01,
      0.5,
      10,
    );
    expect(tried).toEqual([1, 0.5]);
    expect(result).toEqual({ accepted: true, fraction: 0.5, backtracks: 1, kl: 0.01, improvement: 0.5 });
  });

  it('also rejects steps that do not improve the surrogate', () => {
    // improvement = f - 0.3 (negative for f <= 0.3), KL always 0: 1 accepted at once with ratio 0.8;
    // with improvement 0.3 - f only small steps improve: 1, 0.8, 0.64, 0.512, 0.4096, 0.32768 fail, 0.262144 wins
    const result = backtrackingLineSearch((f) => ({ kl: 0, improvement: 0.3 - f }), 0.01, 0.8, 10);
    expect(result.accepted).toBe(true);
    expect(result.backtracks).toBe(6);
    expect(result.fraction).toBeCloseTo(0.262144, 12);
  });

  it('gives up with fraction 0 when no step qualifies', () => {
    const result = backtrackingLineSearch(() => ({ kl: 1, improvement: 1 }), 0.01, 0.5, 3);
    expect(result.accepted).toBe(false);
    expect(result.fraction).toBe(0);
    expect(result.backtracks).toBe(3);
  });
});

describe('trpo', () => {
  it('validates its config and presets', () => {
    expect(validateTrpoConfig({}).maxKl).toBe(0.01);
    expect(() => validateTrpoConfig({ backtrackRatio: 1.5 })).toThrow(/backtrackRatio must be <= 1/);
    for (const preset of Object.values(trpoEntry.presets)) expect(() => trpoEntry.validate(preset)).not.toThrow();
  });

  it('keeps every accepted update inside the trust region, learns on point-reach, leaks no tensors', async () => {
    const t = await trpoEntry.createTrainer({
      robot: 'point-reach',
      config: trpoEntry.validate({ numEnvs: 4, numSteps: 128, hiddenSizes: [32, 32], maxKl: 0.02, criticEpochs: 5, criticMinibatchSize: 64 }),
      seed: 5,
      makeVecEnv: makePointReachVecEnv,
    });
    const before = await t.evaluate(20);
    await t.iterate();
    const tensors = tf.memory().numTensors;
    let accepted = 0;
    for (let i = 0; i < 30; i++) {
      const [record] = await t.iterate();
      expect(record.kl).toBeLessThanOrEqual(0.02);
      accepted += record.line_search_accepted;
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(accepted).toBeGreaterThan(20);
    const after = await t.evaluate(20);
    expect(after.meanReturn).toBeGreaterThan(before.meanReturn + 3);
    await t.dispose();
  }, 60_000);
});
