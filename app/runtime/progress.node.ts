/**
 * Training progress for people: a redrawn bar on a terminal, plain periodic log lines elsewhere (CI logs,
 * files), so a log never fills with carriage returns.
 */

export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export interface ProgressFigures {
  readonly envSteps: number;
  readonly totalSteps: number;
  readonly stepsPerSecond: number;
  /** Latest mean episode return, null before the first finished episode. */
  readonly latestReturn: number | null;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** "12,345/1,000,000 steps  4,321 steps/s  ETA 3m48s  return -12.3" */
export function progressText(figures: ProgressFigures): string {
  const { envSteps, totalSteps, stepsPerSecond, latestReturn } = figures;
  const eta = stepsPerSecond > 0 ? Math.max(0, totalSteps - envSteps) / stepsPerSecond : Number.NaN;
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const ret = latestReturn === null ? 'return --' : `return ${latestReturn.toFixed(1)}`;
  return `${fmt(envSteps)}/${fmt(totalSteps)} steps  ${fmt(stepsPerSecond)} steps/s  ETA ${formatDuration(eta)}  ${ret}`;
}

export function progressBar(fraction: number, width: number): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(clamped * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(clamped * 100).toFixed(1).padStart(5)}%`;
}

export class ProgressReporter {
  private readonly startSteps: number;
  private readonly startTime: number;
  private lastDraw = -Infinity;
  private drawn = false;
  private lastLoggedSteps = -1;

  constructor(
    private readonly stream: ProgressStream,
    private readonly totalSteps: number,
    startSteps: number,
    /** Seconds between plain log lines when not on a terminal. */
    private readonly logEverySeconds = 10,
    private readonly now: () => number = () => performance.now() / 1000,
  ) {
    this.startSteps = startSteps;
    this.startTime = now();
  }

  update(envSteps: number, latestReturn: number | null, force = false): void {
    const t = this.now();
    const interval = this.stream.isTTY ? 0.1 : this.logEverySeconds;
    if (!force && t - this.lastDraw < interval) return;
    this.lastDraw = t;
    const elapsed = t - this.startTime;
    const stepsPerSecond = elapsed > 0 ? (envSteps - this.startSteps) / elapsed : 0;
    const text = progressText({ envSteps, totalSteps: this.totalSteps, stepsPerSecond, latestReturn });
    if (this.stream.isTTY) {
      const bar = progressBar(envSteps / this.totalSteps, 24);
      // Some pseudo-terminals report 0 columns: treat that as unknown.
      const line = `${bar} ${text}`.slice(0, Math.max(20, (this.stream.columns || 120) - 1));
      this.stream.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else {
      this.stream.write(`[${formatDuration(elapsed)}] ${text}\n`);
      this.lastLoggedSteps = envSteps;
    }
  }

  /** A message that must not be overwritten by the bar. */
  log(message: string): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.stream.write(`${message}\n`);
    this.drawn = false;
  }

  finish(envSteps: number, latestReturn: number | null): void {
    if (this.stream.isTTY || envSteps !== this.lastLoggedSteps) this.update(envSteps, latestReturn, true);
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
