import type { LiveRun } from '../training/live-run.ts';

/** The captions of the 3D view (run-watch.ts): plain text from a run's state, kept apart from the DOM so they are tested. */

/** What a caption reads of a run. */
export type CaptionedRun = Pick<LiveRun, 'phase' | 'envSteps' | 'numEnvs' | 'detail'> & {
  readonly stored: { readonly name: string; readonly config: Pick<LiveRun['stored']['config'], 'robot' | 'totalSteps'> };
};

const steps = (value: number): string => value.toLocaleString('en');
const ordinal = (n: number): string =>
  `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`;

/**
 * What the caption says about a run's state, true in every state (the view below it shows the rest); `slots` is how
 * many runs train at once on this machine.
 */
export function stateCaption(run: CaptionedRun, queuePosition: number | null, slots: number): string {
  const { name, config } = run.stored;
  const at = `${steps(run.envSteps)} of ${steps(config.totalSteps)} steps`;
  switch (run.phase) {
    case 'starting':
      return `${name} is starting: building its ${config.robot} robots and networks.`;
    case 'training':
      return `${name}: ${run.numEnvs} ${config.robot} robots training, acting with exploration noise. Click one to follow it (F), Escape returns to the grid.`;
    case 'paused':
      return `${name} is paused at ${at}: press Resume (or Space) to go on.`;
    case 'queued': {
      const place = queuePosition === null ? '' : `, ${ordinal(queuePosition)} in line`;
      return `${name} is queued${place}: it starts when a training run ends (${slots} run${slots === 1 ? '' : 's'} train at once on this machine).`;
    }
    case 'saving':
      return `${name} is saving its last metrics and checkpoint.`;
    case 'finished':
      return `${name} finished its ${steps(config.totalSteps)} steps.`;
    case 'stopped':
      return `${name} stopped at ${at}: press Resume to continue it.`;
    case 'elsewhere':
      return `${name} is training elsewhere (sinew train or resume, or another tab), at ${at} when last read: stop it there to resume it here.`;
    case 'failed':
      return `${name} failed: ${run.detail || 'unknown error'}. Its last checkpoint is kept: press Resume to retry.`;
  }
}

/**
 * The line about a policy playing in the view: the run's latest (label null) or one chosen in the Policies view, and
 * the mean return of the episodes it finished so far.
 */
export function playingCaption(playing: { readonly label: string | null; readonly ready: boolean; readonly returns: readonly number[] }): string {
  const { label, ready, returns } = playing;
  const mean = returns.reduce((sum, value) => sum + value, 0) / Math.max(1, returns.length);
  const score =
    returns.length > 0
      ? `: evaluation return (deterministic) ${mean.toFixed(2)}, mean of ${returns.length} episode${returns.length === 1 ? '' : 's'}`
      : '';
  return `${label === null ? 'Its latest policy plays here' : `Playing ${label}`} without exploration noise${ready ? '' : ' (loading)'}${score}.`;
}
