import { describe, expect, it } from 'vitest';
import { generalisedAdvantages, normaliseAdvantages, nStepReturns, type RolloutSignals } from '../../agents/shared/advantage.ts';

// One environment, four steps, gamma = 0.5: small enough to work out by hand (worked values in comments).
const rewards = [1, 2, 3, 4];
const values = [0.5, 1, 1.5, 2];
const lastValues = [8];

function episode(flags: { terminatedAt?: number; truncatedAt?: number; truncationValue?: number }): RolloutSignals {
  const terminated = [0, 0, 0, 0];
  const truncated = [0, 0, 0, 0];
  const truncationValues = [0, 0, 0, 0];
  if (flags.terminatedAt !== undefined) terminated[flags.terminatedAt] = 1;
  if (flags.truncatedAt !== undefined) {
    truncated[flags.truncatedAt] = 1;
    truncationValues[flags.truncatedAt] = flags.truncationValue ?? 0;
  }
  return { numSteps: 4, numEnvs: 1, rewards, values, terminated, truncated, truncationValues, lastValues };
}

function returnsOf(signals: RolloutSignals, gamma: number): number[] {
  return [...nStepReturns(signals, gamma, new Float32Array(signals.numSteps * signals.numEnvs))];
}

function gaeOf(signals: RolloutSignals, gamma: number, lambda: number): { advantages: number[]; returns: number[] } {
  const size = signals.numSteps * signals.numEnvs;
  const advantages = new Float32Array(size);
  const returns = new Float32Array(size);
  generalisedAdvantages(signals, gamma, lambda, advantages, returns);
  return { advantages: [...advantages], returns: [...returns] };
}

describe('nStepReturns', () => {
  it('bootstraps from V(s_T) at the cut: G = r + gamma G backwards', () => {
    // G3 = 4 + 0.5*8 = 8; G2 = 3 + 4 = 7; G1 = 2 + 3.5 = 5.5; G0 = 1 + 2.75 = 3.75
    expect(returnsOf(episode({}), 0.5)).toEqual([3.75, 5.5, 7, 8]);
  });

  it('uses zero after a terminal state and nothing flows back across it', () => {
    // G1 = 2 + 0.5*0 = 2; G0 = 1 + 0.5*2 = 2; the next episode (steps 2, 3) is unchanged
    expect(returnsOf(episode({ terminatedAt: 1 }), 0.5)).toEqual([2, 2, 7, 8]);
  });

  it('bootstraps from the final observation at a truncation', () => {
    // G1 = 2 + 0.5*6 = 5; G0 = 1 + 0.5*5 = 3.5
    expect(returnsOf(episode({ truncatedAt: 1, truncationValue: 6 }), 0.5)).toEqual([3.5, 5, 7, 8]);
  });

  it('treats a truncation on the last step with the final observation, not lastValues', () => {
    // G3 = 4 + 0.5*10 = 9; G2 = 3 + 4.5 = 7.5; G1 = 2 + 3.75 = 5.75; G0 = 1 + 2.875 = 3.875
    expect(returnsOf(episode({ truncatedAt: 3, truncationValue: 10 }), 0.5)).toEqual([3.875, 5.75, 7.5, 9]);
  });

  it('keeps environments apart in the time-major layout', () => {
    // env 0: rewards 1, 1 then V=4 -> G1 = 1 + 0.5*4 = 3, G0 = 1 + 1.5 = 2.5
    // env 1: rewards 2 (terminal), 0 then V=2 -> G1 = 0 + 1 = 1, G0 = 2
    const signals: RolloutSignals = {
      numSteps: 2,
      numEnvs: 2,
      rewards: [1, 2, 1, 0],
      values: [0, 0, 0, 0],
      terminated: [0, 1, 0, 0],
      truncated: [0, 0, 0, 0],
      truncationValues: [0, 0, 0, 0],
      lastValues: [4, 2],
    };
    expect(returnsOf(signals, 0.5)).toEqual([2.5, 2, 3, 1]);
  });

  it('rejects short arrays and bad discounts with clear errors', () => {
    expect(() => returnsOf({ ...episode({}), rewards: [1, 2] }, 0.5)).toThrow(/rewards holds 2 entries/);
    expect(() => returnsOf(episode({}), 1.5)).toThrow(/gamma must be in \[0, 1\]/);
  });
});

describe('generalisedAdvantages', () => {
  it('sums discounted TD errors with gamma*lambda', () => {
    // gamma = lambda = 0.5: deltas 1, 1.75, 2.5, 6; A3 = 6; A2 = 2.5 + 0.25*6 = 4;
    // A1 = 1.75 + 0.25*4 = 2.75; A0 = 1 + 0.25*2.75 = 1.6875; returns = A + V
    const { advantages, returns } = gaeOf(episode({}), 0.5, 0.5);
    expect(advantages).toEqual([1.6875, 2.75, 4, 6]);
    expect(returns).toEqual([2.1875, 3.75, 5.5, 8]);
  });

  it('stops at a terminal state with a zero next value', () => {
    // delta1 = 2 + 0 - 1 = 1, A1 = 1; A0 = (1 + 0.5*1 - 0.5) + 0.25*1 = 1.25
    expect(gaeOf(episode({ terminatedAt: 1 }), 0.5, 0.5).advantages).toEqual([1.25, 1, 4, 6]);
  });

  it('bootstraps a truncated step from the final observation and stops there', () => {
    // delta1 = 2 + 0.5*6 - 1 = 4, A1 = 4; A0 = 1 + 0.25*4 = 2
    expect(gaeOf(episode({ truncatedAt: 1, truncationValue: 6 }), 0.5, 0.5).advantages).toEqual([2, 4, 4, 6]);
  });

  it('equals the n-step advantages G - V at lambda = 1 and the TD errors at lambda = 0', () => {
    for (const flags of [{}, { terminatedAt: 2 }, { truncatedAt: 0, truncationValue: -3 }]) {
      const signals = episode(flags);
      const nStep = returnsOf(signals, 0.9);
      const gae = gaeOf(signals, 0.9, 1);
      gae.advantages.forEach((a, t) => expect(a).toBeCloseTo(nStep[t] - values[t], 5));
      gae.returns.forEach((g, t) => expect(g).toBeCloseTo(nStep[t], 5));
    }
    // lambda = 0, gamma = 0.5, no boundaries: deltas 1, 1.75, 2.5, 6 (worked above)
    expect(gaeOf(episode({}), 0.5, 0).advantages).toEqual([1, 1.75, 2.5, 6]);
  });
});

describe('normaliseAdvantages', () => {
  it('centres and scales by the population standard deviation', () => {
    // mean 2.5, std sqrt(1.25) = 1.118034: (1 - 2.5)/1.118034 = -1.341641, (2 - 2.5)/1.118034 = -0.447214
    const a = new Float32Array([1, 2, 3, 4]);
    normaliseAdvantages(a);
    const expected = [-1.341641, -0.447214, 0.447214, 1.341641];
    a.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it('works on a sub-range only and leaves a constant range at zero', () => {
    const a = new Float32Array([9, 5, 5, 9]);
    normaliseAdvantages(a, 1e-8, 1, 2);
    expect([...a]).toEqual([9, 0, 0, 9]);
    expect(() => normaliseAdvantages(a, 1e-8, 3, 2)).toThrow(/outside an array of 4/);
  });
});
