import { describe, expect, it } from 'vitest';
import { RolloutBuffer } from '../../agents/shared/rollout-buffer.ts';

function policy(values: number[]) {
  return { actions: [0.1, 0.2], logProbs: [-1, -2], values, means: [0, 0], logStds: [-0.5, -0.5] };
}

/** Two steps of two environments (obs size 1, action size 1); env 1 is truncated on step 0. */
function filled(): RolloutBuffer {
  const buffer = new RolloutBuffer({ numSteps: 2, numEnvs: 2, observationSize: 1, actionSize: 1 });
  buffer.add([10, 20], policy([1, 2]), { rewards: [1, 2], terminated: [0, 0], truncated: [0, 1] });
  buffer.setTruncationValue(1, 4);
  buffer.add([11, 21], policy([3, 5]), { rewards: [3, 4], terminated: [1, 0], truncated: [0, 0] });
  return buffer;
}

describe('RolloutBuffer', () => {
  it('stores steps time-major: row t * numEnvs + e', () => {
    const buffer = filled();
    expect(buffer.full).toBe(true);
    expect([...buffer.observations]).toEqual([10, 20, 11, 21]);
    expect([...buffer.values]).toEqual([1, 2, 3, 5]);
    expect([...buffer.terminated]).toEqual([0, 0, 1, 0]);
    expect([...buffer.truncationValues]).toEqual([0, 4, 0, 0]);
  });

  it('computes n-step returns and G - V with the terminal, truncation and cut rules', () => {
    const buffer = filled();
    buffer.computeNStep([100, 6], 0.5);
    // env 0: step 1 terminal -> G = 3; step 0 -> 1 + 0.5*3 = 2.5
    // env 1: step 1 cut -> 4 + 0.5*6 = 7; step 0 truncated -> 2 + 0.5*4 = 4
    expect([...buffer.returns]).toEqual([2.5, 4, 3, 7]);
    expect([...buffer.advantages]).toEqual([1.5, 2, 0, 2]);
  });

  it('computes GAE through the shared estimator', () => {
    const buffer = filled();
    buffer.computeGae([100, 6], 0.5, 0.5);
    // env 0: A1 = 3 - 3 = 0; A0 = (1 + 0.5*3 - 1) + 0.25*0 = 1.5
    // env 1: A1 = 4 + 3 - 5 = 2; A0 = 2 + 0.5*4 - 2 = 2 (truncated: nothing flows back)
    expect([...buffer.advantages]).toEqual([1.5, 2, 0, 2]);
    expect([...buffer.returns]).toEqual([2.5, 4, 3, 7]);
  });

  it('refuses to overfill, to compute early and to take mis-sized rows', () => {
    const buffer = filled();
    expect(() => buffer.add([0, 0], policy([0, 0]), { rewards: [0, 0], terminated: [0, 0], truncated: [0, 0] })).toThrow(/full/);
    buffer.clear();
    expect(() => buffer.computeGae([0, 0], 0.9, 0.9)).toThrow(/holds 0 of 2 steps/);
    expect(() => buffer.add([0], policy([0, 0]), { rewards: [0, 0], terminated: [0, 0], truncated: [0, 0] })).toThrow(
      /observations holds 1 entries, expected 2/,
    );
    expect(() => new RolloutBuffer({ numSteps: 0, numEnvs: 1, observationSize: 1, actionSize: 1 })).toThrow(/numSteps/);
  });

  it('only accepts a truncation value for a truncated environment', () => {
    const buffer = new RolloutBuffer({ numSteps: 1, numEnvs: 2, observationSize: 1, actionSize: 1 });
    buffer.add([0, 0], policy([0, 0]), { rewards: [0, 0], terminated: [0, 0], truncated: [0, 1] });
    expect(() => buffer.setTruncationValue(0, 1)).toThrow(/was not truncated/);
  });
});

describe('RolloutBuffer.gather', () => {
  it('copies the chosen rows of every field into a minibatch', () => {
    const buffer = filled();
    buffer.computeNStep([100, 6], 0.5);
    const batch = buffer.gather(Int32Array.from([3, 0]));
    expect(batch.size).toBe(2);
    expect([...batch.observations]).toEqual([21, 10]);
    expect([...batch.values]).toEqual([5, 1]);
    expect([...batch.returns]).toEqual([7, 2.5]);
    expect([...batch.advantages]).toEqual([2, 1.5]);
    expect([...buffer.all().observations]).toEqual([10, 20, 11, 21]);
    expect(() => buffer.gather(Int32Array.from([4]))).toThrow(/row 4 outside/);
  });
});
