import { describe, expect, it } from 'vitest';
import { onPolicyDefaults, onPolicyDocs, scheduledLearningRate } from '../../agents/on-policy/config.ts';

describe('on-policy config', () => {
  it('anneals the learning rate linearly over totalSteps, never below 1% of it', () => {
    const config = { ...onPolicyDefaults, learningRate: 1e-3, totalSteps: 1000 };
    expect(scheduledLearningRate(config, 0)).toBe(1e-3);
    expect(scheduledLearningRate(config, 250)).toBeCloseTo(7.5e-4, 12);
    expect(scheduledLearningRate(config, 5000)).toBeCloseTo(1e-5, 12);
    expect(scheduledLearningRate({ ...config, annealLearningRate: false }, 900)).toBe(1e-3);
  });

  it('documents every field', () => {
    expect(Object.keys(onPolicyDocs).sort()).toEqual(Object.keys(onPolicyDefaults).sort());
  });
});
