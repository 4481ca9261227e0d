import { describe, it, expect } from 'vitest';
import { runPool } from '../../app/runtime/pool.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('runPool', () => {
  it('never runs more than the limit at once, keeps result order and runs everything', async () => {
    let running = 0;
    let peak = 0;
    const durations = [3, 1, 2, 1, 1];
    const results = await runPool(durations, 2, async (ticks, i) => {
      peak = Math.max(peak, ++running);
      for (let t = 0; t < ticks; t++) await tick();
      running--;
      return i * 10;
    });
    expect(peak).toBe(2);
    expect(results).toEqual([0, 10, 20, 30, 40]);
  });

  it('starts nothing new once asked to stop', async () => {
    let started = 0;
    const results = await runPool(
      [1, 2, 3, 4],
      1,
      async (x) => (started++, x),
      () => started >= 2,
    );
    expect(results).toEqual([1, 2, null, null]);
  });

  it('rejects a limit below 1', async () => {
    await expect(runPool([1], 0, async (x) => x)).rejects.toThrow('pool limit must be at least 1');
  });
});
