import { describe, it, expect } from 'vitest';
import { RunningNormaliser } from '../../agents/shared/normaliser.ts';

const rows = [
  [1, 10],
  [2, 20],
  [4, 0],
  [-3, 5],
  [0.5, 7],
];

/** Mean and population variance of one column, the textbook way. */
function columnStats(column: number): { mean: number; variance: number } {
  const xs = rows.map((r) => r[column]);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, variance: xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length };
}

describe('RunningNormaliser', () => {
  it('batches folded in one by one give the statistics of all the data', () => {
    const normaliser = new RunningNormaliser(2);
    normaliser.update(rows.slice(0, 2).flat(), 2);
    normaliser.update(rows.slice(2, 3).flat(), 1);
    normaliser.update(rows.slice(3).flat(), 2);
    const { mean, variance } = normaliser.getState();
    for (const column of [0, 1]) {
      expect(mean[column]).toBeCloseTo(columnStats(column).mean, 12);
      expect(variance[column]).toBeCloseTo(columnStats(column).variance, 12);
    }
    expect(normaliser.samples).toBe(5);
  });

  it('merging two normalisers equals one that saw everything', () => {
    const a = new RunningNormaliser(2);
    const b = new RunningNormaliser(2);
    const all = new RunningNormaliser(2);
    a.update(rows.slice(0, 3).flat(), 3);
    b.update(rows.slice(3).flat(), 2);
    all.update(rows.flat(), 5);
    a.merge(b.getState());
    const merged = a.getState();
    const reference = all.getState();
    for (const column of [0, 1]) {
      expect(merged.mean[column]).toBeCloseTo(reference.mean[column], 12);
      expect(merged.variance[column]).toBeCloseTo(reference.variance[column], 12);
    }
  });

  it('normalises with epsilon and clips', () => {
    const normaliser = new RunningNormaliser(1, { epsilon: 0, clip: 2 });
    normaliser.update([1, 3], 2); // mean 2, variance 1
    expect(Array.from(normaliser.normalise([2.5, 100, -100], 3))).toEqual([0.5, 2, -2]);
    const fresh = new RunningNormaliser(1);
    expect(fresh.normalise([0.25], 1)[0]).toBeCloseTo(0.25 / Math.sqrt(1 + 1e-8), 7);
  });

  it('restores its state exactly and snapshots in float32', () => {
    const a = new RunningNormaliser(2);
    a.update(rows.flat(), 5);
    const b = new RunningNormaliser(2);
    b.setState(a.getState());
    expect(b.getState()).toEqual(a.getState());
    expect(b.snapshot().mean).toEqual(Float32Array.from(a.getState().mean));
    expect(() => b.setState({ mean: new Float64Array(3), variance: new Float64Array(3), count: 1 })).toThrow(/expected 2/);
    expect(() => new RunningNormaliser(0)).toThrow(/positive integer/);
    expect(() => a.update([1], 1)).toThrow(/need 2 values/);
  });
});
