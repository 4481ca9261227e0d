import { describe, it, expect } from 'vitest';
import { band, meanStd, reportMarkdown, smoothedCurve, solvedThreshold, summariseAlgorithms, summariseRun } from '../../app/runtime/report.ts';
import { SERIES_COLOURS, learningCurvesSvg, niceTicks, tickLabel } from '../../app/runtime/report-svg.ts';
import type { MetricsRecord } from '../../agents/contract.ts';

const rec = (envSteps: number, ret: number): MetricsRecord => ({ envSteps, wallTime: envSteps / 100, episode_return: ret });

describe('report numbers', () => {
  it('mean and sample std', () => {
    // values 1, 2, 3, 6: mean 3; squared deviations 4 + 1 + 0 + 9 = 14; 14 / 3 -> std 2.1602.
    const stats = meanStd([1, 2, 3, 6]);
    expect(stats?.mean).toBe(3);
    expect(stats?.std).toBeCloseTo(Math.sqrt(14 / 3), 12);
    expect(meanStd([5])).toEqual({ mean: 5, std: 0, n: 1 });
    expect(meanStd([])).toBeNull();
  });

  it('smooths returns over a window, skipping records without one', () => {
    const curve = smoothedCurve([rec(1, 1), { envSteps: 2, wallTime: 0 }, rec(3, 3), rec(4, 8)], 2);
    expect(curve.map((p) => p.value)).toEqual([1, 2, 5.5]);
    expect(curve.map((p) => p.envSteps)).toEqual([1, 3, 4]);
  });

  it('summarises a run: final over the last 10% of steps, best, first time over the threshold, speed', () => {
    // Returns 0, 10, ..., 90 at steps 100..1000; smoothed over 5: 0, 5, 10, 15, 20, 30, 40, 50, 60, 70.
    const records = Array.from({ length: 10 }, (_, i) => rec(100 * (i + 1), 10 * i));
    const run = summariseRun({ name: 'r', robot: 'reacher', algorithm: 'a', seed: 1, records }, 30);
    // Last 10% of 1000 steps: points at steps >= 900: 60 and 70 -> 65.
    expect(run.finalReturn).toBe(65);
    expect(run.bestReturn).toBe(70);
    expect(run.reached).toEqual({ envSteps: 600, wallTime: 6 });
    expect(run.stepsPerSecond).toBe(100);
    expect(summariseRun({ name: 'r', robot: 'reacher', algorithm: 'a', seed: 1, records }, 1000).reached).toBeNull();
  });

  it('aggregates seeds per algorithm and bands curves on the shortest run', () => {
    const a = summariseRun({ name: 'a1', robot: 'r', algorithm: 'a', seed: 1, records: [rec(0, 0), rec(100, 0), rec(200, 0)] }, null);
    const b = summariseRun({ name: 'a2', robot: 'r', algorithm: 'a', seed: 2, records: [rec(0, 2), rec(100, 2)] }, null);
    const [group] = summariseAlgorithms([a, b]);
    expect(group.finalReturn).toEqual({ mean: 1, std: Math.SQRT2, n: 2 });
    const curves = band([a, b], 'envSteps', 3);
    expect(curves.x).toEqual([0, 50, 100]);
    expect(curves.mean).toEqual([1, 1, 1]);
    expect(curves.std.every((s) => Math.abs(s - Math.SQRT2) < 1e-12)).toBe(true);
    const markdown = reportMarkdown('r', [group], 5, 'curves.png');
    expect(markdown).toContain('| a | 2 | 1.0 ± 1.4 | 1.0 ± 1.4 | — | not reached (0/2) | — | 100 |');
    expect(reportMarkdown('r', [group], null, 'curves.png')).toContain('| a | 2 | 1.0 ± 1.4 | 1.0 ± 1.4 | — | 100 |');
    expect(markdown).toContain('![learning curves](curves.png)');
  });
});

describe("the report's evaluation return (deterministic) beside the training return", () => {
  const evaluation = (envSteps: number, value: number): MetricsRecord => ({
    envSteps,
    wallTime: envSteps / 100,
    eval_return: value,
    eval_return_std: 1,
  });

  it("reads each run's last evaluation, pools it over the seeds that logged one, and labels both returns", () => {
    // Seed 1 evaluated at 100 (-20) and 200 (-10, its last); seed 2 at 200 (-6); seed 3 never.
    const one = summariseRun(
      { name: 's1', robot: 'r', algorithm: 'a', seed: 1, records: [rec(100, -30), evaluation(100, -20), rec(200, -25), evaluation(200, -10)] },
      null,
    );
    const two = summariseRun({ name: 's2', robot: 'r', algorithm: 'a', seed: 2, records: [rec(200, -28), evaluation(200, -6)] }, null);
    const three = summariseRun({ name: 's3', robot: 'r', algorithm: 'a', seed: 3, records: [rec(200, -40)] }, null);
    expect([one, two, three].map((run) => run.lastEvaluation)).toEqual([{ value: -10, envSteps: 200 }, { value: -6, envSteps: 200 }, null]);
    const [group] = summariseAlgorithms([one, two, three]);
    // -10 and -6: mean -8, sample std sqrt(8) = 2.83.
    expect(group.lastEvalReturn?.mean).toBe(-8);
    expect(group.lastEvalReturn?.std).toBeCloseTo(Math.sqrt(8), 12);
    const markdown = reportMarkdown('r', [group], null, 'curves.png');
    expect(markdown).toContain(
      '| algorithm | seeds | final training return | best training return | last evaluation return (deterministic) | env steps/s |',
    );
    // Training: s1 smooths -30, -25 to -27.5 (its last point, final and best), s2 -28, s3 -40: mean -31.83, sample std
    // sqrt((4.33² + 3.83² + 8.17²) / 2) = 7.08.
    expect(markdown).toContain('| a | 3 | -31.8 ± 7.1 | -31.8 ± 7.1 | -8.0 ± 2.8 (2/3) | 100 |');
    expect(markdown).toContain('| s1 | 1 | 200 | 2.0 | -27.5 | -27.5 | -10.0 at 200 | 100 |');
    expect(markdown).toContain('| s3 | 3 | 200 | 2.0 | -40.0 | -40.0 | — | 100 |');
    expect(markdown).toMatch(
      /with exploration noise.*The evaluation return is the deterministic one \(no exploration noise\), what `sinew play` measures/,
    );
  });
});

describe('solved threshold', () => {
  it("is the robot's reward threshold in sim/'s registry (Gymnasium's), null for an unknown robot", () => {
    expect(solvedThreshold('reacher')).toBe(-3.75);
    expect(solvedThreshold('hopper')).toBe(3800);
    expect(solvedThreshold('no-such-robot')).toBeNull();
  });
});

describe('report svg', () => {
  it('picks round ticks and short labels', () => {
    expect(niceTicks(0, 1_000_000)).toEqual([0, 200_000, 400_000, 600_000, 800_000, 1_000_000]);
    expect(niceTicks(-52, -1)).toEqual([-50, -40, -30, -20, -10]);
    expect([tickLabel(250_000), tickLabel(1_500_000), tickLabel(-12.345)]).toEqual(['250k', '1.5M', '-12.3']);
  });

  it('draws a band polygon and a mean line per series, with escaped labels', () => {
    const b = { x: [0, 1], mean: [0, 1], std: [0.5, 0.5] };
    const svg = learningCurvesSvg('t <1>', [{ label: 'a&b', byEnvSteps: b, byWallTime: b }]);
    expect(svg.match(/<polygon/g)?.length).toBe(2);
    expect(svg.match(/<polyline/g)?.length).toBe(2);
    expect(svg).toContain('t &lt;1&gt;');
    expect(svg).toContain('a&amp;b');
  });

  it("draws the series in the app's colours, in the app's order, the second one dashed", () => {
    const b = { x: [0, 1], mean: [0, 1], std: [0, 0] };
    const svg = learningCurvesSvg('t', [
      { label: 'ppo', byEnvSteps: b, byWallTime: b },
      { label: 'td3', byEnvSteps: b, byWallTime: b },
    ]);
    // The comparison view and the chart strip draw their first two series in these colours (SERIES_COLOURS).
    const lines = [...svg.matchAll(/<polyline[^>]*stroke="(#[0-9a-f]{6})"[^>]*>/g)];
    expect(lines.map((match) => match[1])).toEqual(['#d4581c', '#2870c2', '#d4581c', '#2870c2']);
    expect(lines.map((match) => match[0].includes('stroke-dasharray="7 4"'))).toEqual([false, true, false, true]);
  });

  it('has series colours of at least 3:1 contrast against white (WCAG for graphics)', () => {
    const luminance = (hex: string) => {
      const [r, g, b] = [1, 3, 5]
        .map((at) => parseInt(hex.slice(at, at + 2), 16) / 255)
        .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    for (const colour of SERIES_COLOURS) expect((1 + 0.05) / (luminance(colour) + 0.05), colour).toBeGreaterThanOrEqual(3);
  });
});
