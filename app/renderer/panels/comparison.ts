import type { AlgorithmSummary, MeanStd } from '../../runtime/report.ts';

/**
 * The comparison's numbers as text, apart from the DOM (compare-view.ts draws them): the table's order and cells,
 * and the two CSV exports. The summaries themselves come from app/runtime/report.ts, as in `sinew report`.
 */

/** The comparison of one robot's runs (returns of different robots are not comparable, so never pooled). */
export interface RobotComparison {
  readonly robot: string;
  readonly threshold: number | null;
  /** Groups of runs: one per algorithm (mean ± std over seeds), or one per run, named by the run. */
  readonly groups: AlgorithmSummary[];
}

export type SortKey = 'algorithm' | 'final' | 'best' | 'evaluation' | 'reached' | 'speed';

/** "mean ± std" with `digits` decimals, or a dash when there is nothing to show. */
export const pm = (stats: MeanStd | null, digits = 1): string => (stats ? `${stats.mean.toFixed(digits)} ± ${stats.std.toFixed(digits)}` : '—');

/** A CSV cell: quoted when it holds a comma, a quote or a line break; empty for a missing value. */
export const csvCell = (value: string | number | null | undefined): string =>
  value === null || value === undefined ? '' : /[",\n]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : String(value);

/**
 * The table's evaluation cell: the mean ± std over seeds of each run's last evaluation return (deterministic), with
 * "(n/m)" when only n of the group's m runs logged one, as `sinew report` writes it.
 */
export function evaluationCell(group: AlgorithmSummary, digits = 2): string {
  const stats = group.lastEvalReturn;
  if (!stats) return '—';
  return `${pm(stats, digits)}${stats.n < group.runs.length ? ` (${stats.n}/${group.runs.length})` : ''}`;
}

/** The table's rows in the order of a column: names A-Z, returns and speed highest first, steps to the threshold fewest first. */
export function sortedGroups(groups: readonly AlgorithmSummary[], key: SortKey): AlgorithmSummary[] {
  const value: Record<SortKey, (group: AlgorithmSummary) => number | string> = {
    algorithm: (group) => group.algorithm,
    final: (group) => group.finalReturn?.mean ?? -Infinity,
    best: (group) => group.bestReturn?.mean ?? -Infinity,
    evaluation: (group) => group.lastEvalReturn?.mean ?? -Infinity,
    reached: (group) => group.reachedEnvSteps?.mean ?? Infinity,
    speed: (group) => group.stepsPerSecond?.mean ?? 0,
  };
  return [...groups].sort((a, b) => {
    const [x, y] = [value[key](a), value[key](b)];
    if (typeof x === 'string' || typeof y === 'string') return String(x).localeCompare(String(y));
    return key === 'reached' ? x - y : y - x;
  });
}

/**
 * Every run's smoothed training-return curve, one row per point (tidy: ready for pandas or a spreadsheet).
 * When the groups are runs rather than algorithms, `algorithmOf` names each run's algorithm (null: the group's name is it).
 */
export function curvesCsv(comparisons: readonly RobotComparison[], algorithmOf: ((run: string) => string) | null): string {
  const lines = ['robot,algorithm,run,seed,env_steps,wall_time_s,training_return_smoothed'];
  for (const { robot, groups } of comparisons) {
    for (const group of groups) {
      for (const run of group.runs) {
        const algorithm = algorithmOf ? algorithmOf(run.name) : group.algorithm;
        for (const point of run.curve)
          lines.push([robot, algorithm, run.name, run.seed, point.envSteps, point.wallTime, point.value].map(csvCell).join(','));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The table of every robot, one row per group. */
export function tableCsv(comparisons: readonly RobotComparison[]): string {
  const lines = [
    'robot,group,runs,final_training_return_mean,final_training_return_std,best_training_return_mean,best_training_return_std,last_eval_return_mean,last_eval_return_std,runs_evaluated,threshold,steps_to_threshold_mean,runs_reaching_threshold,steps_per_s_mean',
  ];
  const cell = (stats: MeanStd | null, key: 'mean' | 'std') => (stats ? stats[key] : null);
  for (const { robot, threshold, groups } of comparisons) {
    for (const group of groups) {
      const row = [
        robot,
        group.algorithm,
        group.runs.length,
        cell(group.finalReturn, 'mean'),
        cell(group.finalReturn, 'std'),
        cell(group.bestReturn, 'mean'),
        cell(group.bestReturn, 'std'),
        cell(group.lastEvalReturn, 'mean'),
        cell(group.lastEvalReturn, 'std'),
        group.lastEvalReturn?.n ?? 0,
        threshold,
        cell(group.reachedEnvSteps, 'mean'),
        group.reachedEnvSteps?.n ?? 0,
        cell(group.stepsPerSecond, 'mean'),
      ];
      lines.push(row.map(csvCell).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
