import { describe, expect, it } from 'vitest';
import { createPolicyEvaluator } from '../../agents/export/evaluator.ts';
import { PolicyFormatError } from '../../agents/export/snapshot-check.ts';
import type { PolicySnapshot } from '../../agents/policy.ts';

/** A 2-2-1 policy small enough to evaluate by hand. */
function handPolicy(outputSquash: 'tanh' | 'clip', lastBias = -0.2): PolicySnapshot {
  return {
    robot: 'reacher',
    algorithm: 'ppo',
    observationSize: 2,
    actionSize: 1,
    outputSquash,
    envSteps: 5,
    // variance + epsilon = (4, 1): scales 1/2 and 1; clip at 1.5.
    obsNormaliser: { mean: Float32Array.of(1, 0), variance: Float32Array.of(3, 0), epsilon: 1, clip: 1.5 },
    layers: [
      { inputSize: 2, outputSize: 2, kernel: Float32Array.of(1, -1, 2, 0.5), bias: Float32Array.of(0, -1), activation: 'relu' },
      { inputSize: 2, outputSize: 1, kernel: Float32Array.of(0.1, 5), bias: Float32Array.of(lastBias), activation: 'linear' },
    ],
  };
}

describe('reference policy evaluator', () => {
  it('normalises, clips, runs the layers and squashes (worked by hand)', () => {
    // obs (1, 2) -> normalised (0, 2) -> clipped (0, 1.5) -> layer 1: (3, -0.25) -> relu (3, 0) -> 0.3 - 0.2 = 0.1.
    expect(createPolicyEvaluator(handPolicy('tanh')).act([1, 2])[0]).toBeCloseTo(Math.tanh(0.1), 7);
    expect(createPolicyEvaluator(handPolicy('clip')).act([1, 2])[0]).toBeCloseTo(0.1, 7);
    // With bias +2 the raw output is 2.3: clip gives 1, tanh gives tanh(2.3).
    expect(createPolicyEvaluator(handPolicy('clip', 2)).act([1, 2])[0]).toBe(1);
    expect(createPolicyEvaluator(handPolicy('tanh', 2)).act([1, 2])[0]).toBeCloseTo(Math.tanh(2.3), 7);
  });

  it('evaluates a batch like one observation at a time', () => {
    const evaluator = createPolicyEvaluator(handPolicy('tanh'));
    const batch = evaluator.actBatch([1, 2, -3, 0.5, 7, -7], 3);
    expect(Array.from(batch)).toEqual([...evaluator.act([1, 2]), ...evaluator.act([-3, 0.5]), ...evaluator.act([7, -7])]);
  });

  it('refuses observations of the wrong size', () => {
    expect(() => createPolicyEvaluator(handPolicy('tanh')).act([1, 2, 3])).toThrow(/observation has 3 values, the policy expects 2/);
    expect(() => createPolicyEvaluator(handPolicy('tanh')).actBatch([1, 2, 3], 2)).toThrow(PolicyFormatError);
  });

  it.each<[string, (p: PolicySnapshot) => PolicySnapshot, RegExp]>([
    [
      'layers that do not chain',
      (p) => ({ ...p, layers: [p.layers[0], { ...p.layers[1], inputSize: 3, kernel: new Float32Array(3) }] }),
      /layer 1 takes 3 inputs but receives 2/,
    ],
    ['a NaN bias', (p) => ({ ...p, layers: [p.layers[0], { ...p.layers[1], bias: Float32Array.of(Number.NaN) }] }), /layer 1 bias\[0\] is NaN/],
    ['a negative variance', (p) => ({ ...p, obsNormaliser: { ...p.obsNormaliser!, variance: Float32Array.of(-2, 1) } }), /variance\[0\]/],
    ['a wrong action size', (p) => ({ ...p, actionSize: 2 }), /last layer gives 1 outputs, actionSize is 2/],
    ['an unknown squash', (p) => ({ ...p, outputSquash: 'sigmoid' as 'tanh' }), /outputSquash must be/],
    ['an empty robot name', (p) => ({ ...p, robot: '' }), /robot must be a non-empty string/],
  ])('refuses a snapshot with %s', (_label, mutate, message) => {
    expect(() => createPolicyEvaluator(mutate(handPolicy('tanh')))).toThrow(message);
  });
});
