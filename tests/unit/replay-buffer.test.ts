import { describe, it, expect } from 'vitest';
import { ReplayBuffer, allocateBatch } from '../../agents/shared/replay-buffer.ts';
import { Rng } from '../../sim/rng.ts';

/** Transition k: obs [k, -k], action [10k], reward 100k, next obs [k + 0.5, 0], terminated when k is odd. */
function addTransition(buffer: ReplayBuffer, k: number): void {
  buffer.add([k, -k], [10 * k], 100 * k, [k + 0.5, 0], k % 2 === 1);
}

describe('ReplayBuffer', () => {
  it('wraps around, overwriting the oldest transitions', () => {
    const buffer = new ReplayBuffer(3, 2, 1);
    for (let k = 0; k < 5; k++) addTransition(buffer, k);
    expect(buffer.size).toBe(3);
    // Slots after 5 adds into 3: slot 0 <- 3, slot 1 <- 4, slot 2 <- 2; next write goes to slot 2.
    const { json, arrays } = buffer.getState();
    expect(json).toEqual({ capacity: 3, position: 2, size: 3 });
    expect(Array.from(arrays.rewards)).toEqual([300, 400, 200]);
    expect(Array.from(arrays.terminated)).toEqual([1, 0, 0]);
    expect(Array.from(arrays.nextObs)).toEqual([3.5, 0, 4.5, 0, 2.5, 0]);
  });

  it('samples whole transitions, consistent across its arrays, from what it holds', () => {
    const buffer = new ReplayBuffer(4, 2, 1);
    for (let k = 0; k < 6; k++) addTransition(buffer, k);
    const batch = allocateBatch(64, 2, 1);
    buffer.sample(new Rng(1), batch);
    const seen = new Set<number>();
    for (let b = 0; b < 64; b++) {
      const k = batch.obs[2 * b];
      seen.add(k);
      expect(batch.obs[2 * b + 1]).toBe(-k);
      expect(batch.actions[b]).toBe(10 * k);
      expect(Array.from(batch.obsActions.subarray(3 * b, 3 * b + 3))).toEqual([k, -k, 10 * k]);
      expect(batch.rewards[b]).toBe(100 * k);
      expect(batch.nextObs[2 * b]).toBe(k + 0.5);
      expect(batch.terminated[b]).toBe(k % 2);
    }
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });

  it('restores its state, including the write position', () => {
    const a = new ReplayBuffer(3, 2, 1);
    for (let k = 0; k < 4; k++) addTransition(a, k);
    const b = new ReplayBuffer(3, 2, 1);
    b.setState(a.getState());
    addTransition(a, 9);
    addTransition(b, 9);
    expect(b.getState()).toEqual(a.getState());
    expect(() => new ReplayBuffer(4, 2, 1).setState(a.getState())).toThrow(/capacity 3 != 4/);
    expect(() => new ReplayBuffer(0, 2, 1)).toThrow(/capacity must be a positive integer/);
    expect(() => new ReplayBuffer(2, 2, 1).sample(new Rng(1), allocateBatch(1, 2, 1))).toThrow(/empty/);
  });
});
