import { describe, expect, it } from 'vitest';
import { RunningNormaliser } from '../../agents/shared/normaliser.ts';
import { loadNormalisers, saveNormalisers } from '../../agents/on-policy/state.ts';

describe('saveNormalisers / loadNormalisers', () => {
  it('round-trips named statistics and skips absent normalisers', () => {
    const obs = new RunningNormaliser(2);
    obs.update([1, 2, 3, 6], 2); // mean [2, 4], variance [1, 4]
    const arrays: Record<string, Float64Array> = {};
    saveNormalisers(
      [
        ['obs', obs],
        ['returns', null],
      ],
      arrays,
    );
    expect(Object.keys(arrays).sort()).toEqual(['obs.count', 'obs.mean', 'obs.variance']);
    expect([...arrays['obs.mean']]).toEqual([2, 4]);
    expect([...arrays['obs.variance']]).toEqual([1, 4]);
    const restored = new RunningNormaliser(2);
    loadNormalisers([['obs', restored]], arrays);
    expect(restored.getState()).toEqual(obs.getState());
    expect(() => loadNormalisers([['returns', new RunningNormaliser(1)]], arrays)).toThrow(/lacks the returns statistics/);
  });
});
