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
  /**
   * The run's last periodic evaluation (training-loop.ts: deterministic actions, no exploration noise, the mean of
   * its episodes) and when it was taken; null when the run logged none.
   */
  readonly lastEvaluation: { readonly value: number; readonly envSteps: number } | null;
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
  /** Over the runs that logged an evaluation. */
  readonly lastEvalReturn: MeanStd | null;
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

/** The last record that carries an evaluation return, as value and env steps; null when there is none. */
export function lastEvaluation(records: readonly MetricsRecord[]): RunSummary['lastEvaluation'] {
  for (let i = records.length - 1; i >= 0; i--) {
    const value = records[i].eval_return;
    if (Number.isFinite(value)) return { value, envSteps: records[i].envSteps };
  }
  return null;
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
    lastEvaluation: lastEvaluation(run.records),
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
      lastEvalReturn: meanStd(finite(mine.map((run) => run.lastEvaluation?.value ?? null))),
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
    `Training returns are those of the episodes played while learning, with exploration noise: means of the last ${SMOOTHING} episodes; "final" averages that over the last 10% of each run's env steps. The evaluation return is the deterministic one (no exploration noise), what \`sinew play\` measures: the mean over the episodes of each run's last periodic evaluation (\`--eval-every\`), — for runs that logged none. ± is the sample standard deviation over seeds.`,
    '',
    threshold === null
      ? `| ${groupedBy} | seeds | final training return | best training return | last evaluation return (deterministic) | env steps/s |`
      : `| ${groupedBy} | seeds | final training return | best training return | last evaluation return (deterministic) | time to ${threshold} (env steps) | time to ${threshold} (wall) | env steps/s |`,
    threshold === null ? '|---|---|---|---|---|---|' : '|---|---|---|---|---|---|---|---|',
  ];
  for (const group of groups) {
    const reached = group.reachedEnvSteps;
    const reachedText = reached
      ? `${steps(reached.mean)} ± ${steps(reached.std)} (${reached.n}/${group.runs.length})`
      : `not reached (0/${group.runs.length})`;
    const wall = group.reachedWallTime ? `${fixed(group.reachedWallTime.mean)} ± ${fixed(group.reachedWallTime.std)} s` : '—';
    const sps = group.stepsPerSecond ? steps(group.stepsPerSecond.mean) : '—';
    const timing = threshold === null ? '' : ` ${reachedText} | ${wall} |`;
    const evaluated = group.lastEvalReturn
      ? `${pm(group.lastEvalReturn)}${group.lastEvalReturn.n < group.runs.length ? ` (${group.lastEvalReturn.n}/${group.runs.length})` : ''}`
      : '—';
    lines.push(`| ${group.algorithm} | ${group.runs.length} | ${pm(group.finalReturn)} | ${pm(group.bestReturn)} | ${evaluated} |${timing} ${sps} |`);
  }
  lines.push(
    '',
    `![learning curves](${image})`,
    '',
    '## Runs',
    '',
    '| run | seed | env steps | wall time (s) | final training return | best training return | last evaluation return (deterministic) | env steps/s |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const run of groups.flatMap((group) => group.runs)) {
    const ret = (v: number | null) => (v === null ? '—' : fixed(v));
    const evaluated = run.lastEvaluation ? `${fixed(run.lastEvaluation.value)} at ${steps(run.lastEvaluation.envSteps)}` : '—';
    lines.push(
      `| ${run.name} | ${run.seed} | ${steps(run.envSteps)} | ${fixed(run.wallTime)} | ${ret(run.finalReturn)} | ${ret(run.bestReturn)} | ${evaluated} | ${steps(run.stepsPerSecond)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
