import { latestReturn } from '../../runtime/metrics.ts';
import { lastEvaluation } from '../../runtime/report.ts';
import type { RunConfig } from '../../runtime/run-config.ts';
import type { LiveRun } from '../training/live-run.ts';
import type { ControlState } from './run-controls.ts';

/**
 * What the selected run's state means for the buttons, the summary line under the charts and the 3D view, apart
 * from the DOM (main.ts and run-watch.ts apply it).
 */

/** What these read of a run. */
export type StatusRun = Pick<LiveRun, 'phase' | 'envSteps' | 'records' | 'stepsPerSecond'> & {
  readonly worker: unknown;
  readonly poseBoard: unknown;
  readonly stored: { readonly name: string; readonly config: Pick<RunConfig, 'totalSteps'> };
};

/**
 * The New run buttons for the selected run (null: none): Pause while it trains, Resume while paused, or when it
 * stopped or failed short of its budget; otherwise idle (a finished run has nothing to resume).
 */
export function controlState(run: StatusRun | null): ControlState {
  const phase = run?.phase;
  if (phase === 'training' || phase === 'starting') return 'training';
  if (phase === 'paused') return 'paused';
  const resumable = run !== null && (phase === 'stopped' || phase === 'failed') && run.envSteps < run.stored.config.totalSteps;
  return resumable ? 'resumable' : 'idle';
}

/** "45 s", "3 min 20 s", "2 h 5 min": seconds rounded up. */
export function formatDuration(seconds: number): string {
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${whole % 60} s`;
  return `${Math.floor(whole / 3600)} h ${Math.floor((whole % 3600) / 60)} min`;
}

/**
 * The line under the charts: env steps of the budget, env steps/s, time left (or the state), the last training
 * return (with exploration noise) and, once the run logged one, its last evaluation return (deterministic), each
 * labelled so the two are never mistaken for each other.
 */
export function summaryLine(run: StatusRun): string {
  const total = run.stored.config.totalSteps;
  const remaining = Math.max(0, total - run.envSteps);
  const eta = run.stepsPerSecond > 0 && run.phase === 'training' ? `ETA ${formatDuration(remaining / run.stepsPerSecond)}` : run.phase;
  const ret = latestReturn(run.records);
  const evaluation = lastEvaluation(run.records);
  const evaluated = evaluation
    ? ` · last evaluation return (deterministic) ${evaluation.value.toFixed(2)} at ${evaluation.envSteps.toLocaleString('en')} steps`
    : '';
  return `${run.envSteps.toLocaleString('en')} / ${total.toLocaleString('en')} env steps · ${Math.round(run.stepsPerSecond).toLocaleString('en')} env steps/s · ${eta} · last training return (with exploration noise) ${ret === null ? '—' : ret.toFixed(2)}${evaluated}`;
}

/**
 * What the 3D view shows for the selected run: its training robots while a worker trains it (or holds it paused),
 * nothing while it has no policy yet, saves or starts, or after the user stopped its playing (`suppressed`), and
 * otherwise its latest policy playing.
 */
export function viewFor(run: StatusRun, suppressed: string | null): 'training robots' | 'nothing' | 'latest policy' {
  if (run.worker && run.poseBoard && (run.phase === 'training' || run.phase === 'paused' || run.phase === 'starting')) return 'training robots';
  if (suppressed === run.stored.name || run.envSteps === 0 || run.phase === 'saving' || run.phase === 'starting') return 'nothing';
  return 'latest policy';
}
