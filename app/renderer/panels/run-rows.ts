import { latestReturn } from '../../runtime/metrics.ts';
import type { RunConfig } from '../../runtime/run-config.ts';
import type { LiveRun, RunPhase } from '../training/live-run.ts';

/** The runs list's rows as text, apart from the DOM (runs-list.ts draws them): order, state, figures, search, rename. */

/** What a row reads of a run. */
export type ListedRun = Pick<LiveRun, 'phase' | 'envSteps' | 'records' | 'detail'> & {
  readonly stored: { readonly name: string; readonly config: Pick<RunConfig, 'createdAt' | 'robot' | 'algorithm'> };
};

const PHASE_LABELS: Readonly<Record<RunPhase, string>> = {
  queued: 'queued',
  starting: 'starting',
  training: 'training',
  paused: 'paused',
  finished: 'finished',
  stopped: 'stopped',
  failed: 'failed',
  saving: 'saving',
  elsewhere: 'training elsewhere',
};

export function phaseLabel(phase: RunPhase): string {
  return PHASE_LABELS[phase];
}

/** Steps in few characters: 950, 12.3k, 1.25M (the unit chosen after rounding: 999,999 is 1.00M, not 1000.0k). */
export function compactSteps(steps: number): string {
  if (steps >= 999_950) return `${(steps / 1e6).toFixed(2)}M`;
  if (steps >= 1e3) return `${(steps / 1e3).toFixed(1)}k`;
  return String(steps);
}

/** Newest first (by creation time, which the name's stamp only approximates), then by name. */
export function newestFirst<Run extends ListedRun>(runs: Iterable<Run>): Run[] {
  return [...runs].sort((a, b) => b.stored.config.createdAt.localeCompare(a.stored.config.createdAt) || a.stored.name.localeCompare(b.stored.name));
}

/** The row's figures: steps so far and, once an episode ended, the last training return. */
export function runFigures(run: ListedRun): string {
  const ret = latestReturn(run.records);
  return `${compactSteps(run.envSteps)} steps${ret === null ? '' : ` · ${ret.toFixed(1)}`}`;
}

/** The row's tooltip: the full name, and what went wrong or where it trains when there is something to say. */
export function runTooltip(run: ListedRun): string {
  return run.detail ? `${run.stored.name}: ${run.detail}` : run.stored.name;
}

/** What the search box matches a run by: its name, robot and algorithm. */
export function searchText(run: ListedRun): string {
  const { name, config } = run.stored;
  return `${name} ${config.robot} ${config.algorithm}`.toLowerCase();
}

/** Whether a row whose searchText is `text` stays shown for the search `query` (case-insensitive; empty shows all). */
export function matchesSearch(text: string, query: string): boolean {
  const wanted = query.trim().toLowerCase();
  return wanted === '' || text.includes(wanted);
}

/** The name a rename asks for, or null when it asks for nothing (left empty or unchanged): the field just closes. */
export function renameTarget(current: string, typed: string): string | null {
  const name = typed.trim();
  return name === '' || name === current ? null : name;
}
