import { describe, it, expect } from 'vitest';
import { formatDuration, progressBar, progressText, ProgressReporter } from '../../app/runtime/progress.node.ts';

describe('progress', () => {
  it('formats durations, bars and the figures line', () => {
    expect([formatDuration(59.4), formatDuration(228), formatDuration(7380), formatDuration(Number.NaN)]).toEqual(['59s', '3m48s', '2h03m', '--']);
    expect(progressBar(0.5, 10)).toBe('[#####-----]  50.0%');
    // 987,655 steps left at 4,321 steps/s = 228.6 s = 3m49s.
    expect(progressText({ envSteps: 12_345, totalSteps: 1_000_000, stepsPerSecond: 4321, latestReturn: -12.34 })).toBe(
      '12,345/1,000,000 steps  4,321 steps/s  ETA 3m49s  return -12.3',
    );
  });

  it('writes plain lines off a terminal, at most one per interval, and a final one', () => {
    const out: string[] = [];
    let t = 0;
    const reporter = new ProgressReporter({ isTTY: false, write: (s: string) => out.push(s) }, 1000, 0, 10, () => t);
    t = 1;
    reporter.update(100, null); // first line
    t = 5;
    reporter.update(200, null); // within 10 s: skipped
    t = 20;
    reporter.finish(1000, -3);
    expect(out).toEqual(['[1s] 100/1,000 steps  100 steps/s  ETA 9s  return --\n', '[20s] 1,000/1,000 steps  50 steps/s  ETA 0s  return -3.0\n']);
  });

  it('redraws one line on a terminal and clears it before a message', () => {
    const out: string[] = [];
    let t = 0;
    const reporter = new ProgressReporter({ isTTY: true, columns: 200, write: (s: string) => out.push(s) }, 100, 0, 10, () => t);
    t = 1;
    reporter.update(50, 1);
    reporter.log('hello');
    expect(out[0].startsWith('\r\x1b[2K[############------------]  50.0% 50/100 steps')).toBe(true);
    expect(out.slice(1)).toEqual(['\r\x1b[2K', 'hello\n']);
  });

  it('treats a terminal reporting 0 columns as 120 wide', () => {
    const out: string[] = [];
    const reporter = new ProgressReporter({ isTTY: true, columns: 0, write: (s: string) => out.push(s) }, 100, 0, 10, () => 1);
    reporter.update(50, 1, true);
    expect(out[0]).toContain('return 1.0');
  });
});

describe('progress lines off a terminal at the end', () => {
  it('does not repeat a line that already shows the final step count', () => {
    const out: string[] = [];
    const reporter = new ProgressReporter({ isTTY: false, write: (s: string) => out.push(s) }, 100, 0, 10, () => 1);
    reporter.update(100, -1);
    reporter.finish(100, -1);
    expect(out.length).toBe(1);
  });
});
