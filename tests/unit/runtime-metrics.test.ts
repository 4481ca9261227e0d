import { describe, it, expect } from 'vitest';
import { latestReturn, metricsLine, parseMetrics } from '../../app/runtime/metrics.ts';
import type { MetricsRecord } from '../../agents/contract.ts';

describe('metrics.jsonl', () => {
  it('writes one JSON object per line and reads it back', () => {
    const records: MetricsRecord[] = [
      { envSteps: 10, wallTime: 0.5, episode_return: -3 },
      { envSteps: 20, wallTime: 1 },
    ];
    const text = records.map(metricsLine).join('');
    expect(text).toBe('{"envSteps":10,"wallTime":0.5,"episode_return":-3}\n{"envSteps":20,"wallTime":1}\n');
    expect(parseMetrics(text)).toEqual(records);
  });

  it('drops a partial last line (a kill mid-append) but refuses damage elsewhere', () => {
    expect(parseMetrics('{"envSteps":1,"wallTime":0}\n{"envSteps":2,"wal').length).toBe(1);
    expect(() => parseMetrics('{"envSteps":1,"wallTime":0}\nxx\n{"envSteps":2,"wallTime":0}\n', 'm.jsonl')).toThrow(
      'm.jsonl: line 2 is not a metrics record',
    );
    expect(() => parseMetrics('{"wallTime":0}\n{"envSteps":2,"wallTime":0}\n')).toThrow('line 1 is not a metrics record');
  });

  it('finds the latest finite episode return', () => {
    expect(
      latestReturn([
        { envSteps: 1, wallTime: 0, episode_return: -5 },
        { envSteps: 2, wallTime: 0 },
      ]),
    ).toBe(-5);
    expect(latestReturn([{ envSteps: 1, wallTime: 0, episode_return: Number.NaN }])).toBeNull();
  });
});
