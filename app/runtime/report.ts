import type { MetricsRecord } from '../../agents/contract.ts';
import { isRobotName, robotInfo } from '../../sim/registry.ts';

/**
 * The numbers of a comparison report, pure: per-run summaries, per-algorithm aggregates over seeds, and
 * mean +- std learning curves on a common x grid. Returns are smoothed over the last SMOOTHING records
 * before "best" and "time to threshold" are read off, so one lucky episode does not count as learning.
 */

export const SMOOTHING = 5;
/** Return at which a robot counts as solved for "time to threshold": sim/'s reward threshold (Gymnasium's); null for an unknown robot. */
export function solvedThreshold(robot: string): number | null {
  return isRobotName(robot) ? robotInfo(robot).rewardThreshold : null;
}

export interface RunInput {
  readonly name: string;
  readonly robot: string;
  readonly algorithm: string;
  readonly seed: number;
  readonly records: readonly MetricsRecord[];
}

export interface CurvePoint {
  readonly envSteps: number;
  readonly wallTime: number;
  /** Mean of the last SMOOTHING episode returns. */
  readonly value: number;
}

export interface RunSummary {
  readonly name: string;
  readonly algorithm: string;
  readonly seed: number;
  readonly envSteps: number;
  readonly wallTime: number;
  /** Mean smoothed return over the last 10% of env steps; null when no episode finished. */
  readonly finalReturn: number | null;
  readonly bestReturn: number | null;
  /** First point where the smoothed return reached the threshold. */
  readonly reached: { readonly envSteps: number; readonly wallTime: number } | null;
  readonly stepsPerSecond: number;
  readonly curve: readonly CurvePoint[];
}

export interface MeanStd {
  readonly mean: number;
  readonly std: number;
  readonly n: number;
}

export interface AlgorithmSummary {
  readonly algorithm: string;
  readonly runs: readonly RunSummary[];
  readonly finalReturn: MeanStd | null;
  readonly bestReturn: MeanStd | null;
  /** Over the runs that reached the threshold. */
  readonly reachedEnvSteps: MeanStd | null;
  readonly reachedWallTime: MeanStd | null;
  readonly stepsPerSecond: MeanStd | null;
}

/** Sample mean and standard deviation (n - 1; 0 for a single value). */
export function meanStd(values: readonly number[]): MeanStd | null {
  if (values.length === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance), n: values.length };
}

export function smoothedCurve(records: readonly MetricsRecord[], window = SMOOTHING): CurvePoint[] {
  const recent: number[] = [];
  const curve: CurvePoint[] = [];
  for (const record of records) {
    const value = record.episode_return;
    if (!Number.isFinite(value)) continue;
    recent.push(value);
    if (recent.length > window) recent.shift();
    curve.push({ envSteps: record.envSteps, wallTime: record.wallTime, value: recent.reduce((a, b) => a + b, 0) / recent.length });
  }
  return curve;
}

export function summariseRun(run: RunInput, threshold: number | null, smoothing = SMOOTHING): RunSummary {
  const last = run.records[run.records.length - 1];
  const envSteps = last?.envSteps ?? 0;
  const wallTime = last?.wallTime ?? 0;
  const curve = smoothedCurve(run.records, smoothing);
  const tail = curve.filter((point) => point.envSteps >= 0.9 * envSteps);
  const hit = threshold === null ? undefined : curve.find((point) => point.value >= threshold);
  return {
    name: run.name,
    algorithm: run.algorithm,
    seed: run.seed,
    envSteps,
    wallTime,
    finalReturn: tail.length > 0 ? tail.reduce((a, p) => a + p.value, 0) / tail.length : null,
    bestReturn: curve.length > 0 ? Math.max(...curve.map((point) => point.value)) : null,
    reached: hit ? { envSteps: hit.envSteps, wallTime: hit.wallTime } : null,
    stepsPerSecond: wallTime > 0 ? envSteps / wallTime : 0,
    curve,
  };
}

export function summariseAlgorithms(runs: readonly RunSummary[]): AlgorithmSummary[] {
  const names = [...new Set(runs.map((run) => run.algorithm))];
  return names.map((algorithm) => {
    const mine = runs.filter((run) => run.algorithm === algorithm);
    const finite = (values: (number | null)[]) => values.filter((v): v is number => v !== null && Number.isFinite(v));
    return {
      algorithm,
      runs: mine,
      finalReturn: meanStd(finite(mine.map((run) => run.finalReturn))),
      bestReturn: meanStd(finite(mine.map((run) => run.bestReturn))),
      reachedEnvSteps: meanStd(finite(mine.map((run) => run.reached?.envSteps ?? null))),
      reachedWallTime: meanStd(finite(mine.map((run) => run.reached?.wallTime ?? null))),
      stepsPerSecond: meanStd(finite(mine.map((run) => (run.stepsPerSecond > 0 ? run.stepsPerSecond : null)))),
    };
  });
}

export interface Band {
  readonly x: readonly number[];
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * Mean +- std over runs on `points` evenly spaced x values up to the shortest run (so every point averages
 * every seed); each run contributes its latest smoothed value at or before x.
 */
export function band(runs: readonly RunSummary[], axis: 'envSteps' | 'wallTime', points = 100): Band {
  const curves = runs.map((run) => run.curve).filter((curve) => curve.length > 0);
  if (curves.length === 0) return { x: [], mean: [], std: [] };
  const start = Math.max(...curves.map((curve) => curve[0][axis]));
  const end = Math.min(...curves.map((curve) => curve[curve.length - 1][axis]));
  const x: number[] = [];
  const mean: number[] = [];
  const std: number[] = [];
  const cursor = curves.map(() => 0);
  for (let i = 0; i < points; i++) {
    const at = points === 1 || end <= start ? end : start + ((end - start) * i) / (points - 1);
    const values = curves.map((curve, c) => {
      while (cursor[c] + 1 < curve.length && curve[cursor[c] + 1][axis] <= at) cursor[c]++;
      return curve[cursor[c]].value;
    });
    const stats = meanStd(values);
    if (!stats) continue;
    x.push(at);
    mean.push(stats.mean);
    std.push(stats.std);
  }
  return { x, mean, std };
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);
const pm = (stats: MeanStd | null, digits = 1) => (stats ? `${fixed(stats.mean, digits)} ± ${fixed(stats.std, digits)}` : '—');
const steps = (n: number) => Math.round(n).toLocaleString('en-US');

/** `groupedBy` names the first column: 'algorithm' (seeds pooled) or 'run' (each run its own row and curve). */
export function reportMarkdown(
  robot: string,
  groups: readonly AlgorithmSummary[],
  threshold: number | null,
  image: string,
  groupedBy = 'algorithm',
): string {
  const lines = [
    `# ${robot}: ${groups.map((g) => g.algorithm).join(' vs ')}`,
    '',
    `Returns are training returns (the episodes played while learning, with exploration noise), means of the last ${SMOOTHING} episodes; "final" averages that over the last 10% of each run's env steps; ± is the sample standard deviation over seeds. \`sinew play\` prints evaluation returns (deterministic actions, no noise), which differ from these.`,
    '',
    threshold === null
      ? `| ${groupedBy} | seeds | final training return | best training return | env steps/s |`
      : `| ${groupedBy} | seeds | final training return | best training return | time to ${threshold} (env steps) | time to ${threshold} (wall) | env steps/s |`,
    threshold === null ? '|---|---|---|---|---|' : '|---|---|---|---|---|---|---|',
  ];
  for (const group of groups) {
    const reached = group.reachedEnvSteps;
    const reachedText = reached
      ? `${steps(reached.mean)} ± ${steps(reached.std)} (${reached.n}/${group.runs.length})`
      : `not reached (0/${group.runs.length})`;
    const wall = group.reachedWallTime ? `${fixed(group.reachedWallTime.mean)} ± ${fixed(group.reachedWallTime.std)} s` : '—';
    const sps = group.stepsPerSecond ? steps(group.stepsPerSecond.mean) : '—';
    const timing = threshold === null ? '' : ` ${reachedText} | ${wall} |`;
    lines.push(`| ${group.algorithm} | ${group.runs.length} | ${pm(group.finalReturn)} | ${pm(group.bestReturn)} |${timing} ${sps} |`);
  }
  lines.push(
    '',
    `![learning curves](${image})`,
    '',
    '## Runs',
    '',
    '| run | seed | env steps | wall time (s) | final training return | best training return | env steps/s |',
    '|---|---|---|---|---|---|---|',
  );
  for (const run of groups.flatMap((group) => group.runs)) {
    const ret = (v: number | null) => (v === null ? '—' : fixed(v));
    lines.push(
      `| ${run.name} | ${run.seed} | ${steps(run.envSteps)} | ${fixed(run.wallTime)} | ${ret(run.finalReturn)} | ${ret(run.bestReturn)} | ${steps(run.stepsPerSecond)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
