import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join, resolve, sep } from 'node:path';
import { appendFileNoFollow, isTemporaryFile, refuseSymlink, writeFileAtomic } from './atomic.node.ts';
import { acquireLock, assertLockFree } from './lock.node.ts';
import { decodeCheckpoint, encodeCheckpoint, readCheckpointMeta } from './checkpoint.ts';
import type { CheckpointMeta } from './checkpoint.ts';
import { BEST_CHECKPOINT, checkpointsToDrop, isNewBest, stepCheckpointName, stepCheckpoints } from './checkpoint-files.ts';
import { metricsLine, parseMetrics, repairedMetricsText } from './metrics.ts';
import { checkRunConfig, runIdentity } from './run-config.ts';
import type { RunConfig } from './run-config.ts';
import { dropEventsAfter, eventFileName, fileVersionEvent, metricsEvent } from './tensorboard.ts';
import type { MetricsRecord, TrainerState } from '../../agents/contract.ts';

/**
 * A run on disk (README.md, "A run folder"; docs/ARCHITECTURE.md, the run flow):
 *   config.json  metrics.jsonl  events.out.tfevents.*  checkpoints/step-<envSteps>.ckpt, best.ckpt  exports/
 * Checkpoints are written atomically; the last `keepCheckpoints` periodic ones are kept, plus the one with
 * the best mean return so far (the rules: checkpoint-files.ts, shared with the app).
 */

/** How far past its budget a run's last iteration may take it (a whole rollout or stepsPerIteration). */
const MAX_OVERSHOOT = 2 ** 24;

export class RunFolder {
  private eventsPath: string | null = null;
  private bestReturn: number | null = null;
  /** False until metrics.jsonl's tail has been checked in this process, and again after a failed append. */
  private metricsTailChecked = false;

  private constructor(
    readonly path: string,
    private currentConfig: RunConfig,
    /** This process made the folder (so it may remove it again if nothing was trained into it). */
    private readonly createdHere = false,
  ) {
    const best = join(this.checkpointsDir, BEST_CHECKPOINT);
    if (existsSync(best)) {
      try {
        this.bestReturn = readCheckpointMeta(readFileSync(best), best).meanReturn;
      } catch {
        // A damaged best.ckpt is replaced by the next good checkpoint.
      }
    }
  }

  /** Makes a new run folder; refuses to touch an existing one. */
  static create(parentDir: string, config: RunConfig, name?: string): RunFolder {
    if (name !== undefined && (/[\\/]/.test(name) || name === '' || name === '.' || name === '..')) {
      throw new Error(`run name '${name}' must be a plain folder name (no slashes); use --out for the parent folder`);
    }
    const stamp = config.createdAt.replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const path = resolve(parentDir, name ?? `${config.robot}-${config.algorithm}-seed${config.seed}-${stamp}`);
    mkdirSync(resolve(parentDir), { recursive: true });
    try {
      // Exclusive: of two processes creating the same folder at once, exactly one succeeds here.
      mkdirSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`run folder ${path} already exists; pick another --name or --out`);
      throw error;
    }
    mkdirSync(join(path, 'checkpoints'));
    mkdirSync(join(path, 'exports'));
    writeFileAtomic(join(path, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
    return new RunFolder(path, config, true);
  }

  /**
   * Undoes create() when nothing was trained: removes what this process wrote (config.json and the two empty
   * folders) and then the folder, but only if it is empty by then. A folder this process did not create, or one
   * another process has written into (a lock, metrics, a checkpoint), is left alone.
   */
  discardIfUntrained(): void {
    if (!this.createdHere || !this.isEmpty() || existsSync(join(this.path, 'lock'))) return;
    try {
      for (const folder of [this.checkpointsDir, this.exportsDir]) rmdirSync(folder);
      rmSync(join(this.path, 'config.json'), { force: true });
      rmdirSync(this.path);
    } catch {
      // Something else is in it now: it stays.
    }
  }

  /** Opens an existing run after checking that this sinew can read it. */
  static open(path: string): RunFolder {
    const absolute = resolve(path);
    const configPath = join(absolute, 'config.json');
    if (!existsSync(absolute) || !statSync(absolute).isDirectory()) throw new Error(`no run folder at ${path}`);
    if (!existsSync(configPath)) throw new Error(`${path} is not a run folder (no config.json)`);
    refuseLinkedRunFiles(absolute);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(configPath, 'utf8'));
    } catch {
      throw new Error(`${configPath} is not valid JSON`);
    }
    return new RunFolder(absolute, checkRunConfig(parsed, configPath));
  }

  get config(): RunConfig {
    return this.currentConfig;
  }

  /** `resume --steps` raises the target; recorded so that a later plain resume aims for it too. */
  setTotalSteps(totalSteps: number): void {
    this.currentConfig = { ...this.currentConfig, totalSteps };
    writeFileAtomic(join(this.path, 'config.json'), `${JSON.stringify(this.currentConfig, null, 2)}\n`);
  }

  /**
   * Claims the run for this process (a `lock` file holding the pid) so that two processes never train the same
   * run at once; a lock left by a process that no longer exists is taken over. Returns the release function.
   */
  lock(): () => void {
    return acquireLock(this.path);
  }

  /** Throws when another live process holds the run's lock. */
  assertUnlocked(): void {
    assertLockFree(this.path);
  }

  get name(): string {
    return basename(this.path);
  }
  get metricsPath(): string {
    return join(this.path, 'metrics.jsonl');
  }
  get checkpointsDir(): string {
    return join(this.path, 'checkpoints');
  }
  get exportsDir(): string {
    return join(this.path, 'exports');
  }

  appendMetrics(records: readonly MetricsRecord[]): void {
    if (records.length === 0) return;
    if (!this.metricsTailChecked) this.repairMetricsTail();
    try {
      appendFileNoFollow(this.metricsPath, records.map(metricsLine).join(''));
    } catch (error) {
      // A full disk may have cut the line short: check the tail again before the next append.
      this.metricsTailChecked = false;
      throw error;
    }
    const now = Date.now() / 1000;
    if (this.eventsPath === null) {
      // One events file per training session: TensorBoard merges every file of the folder.
      this.eventsPath = join(this.path, eventFileName(now, hostname()));
      appendFileNoFollow(this.eventsPath, fileVersionEvent(now));
    }
    const events = records.map((record) => metricsEvent(record, now));
    appendFileNoFollow(this.eventsPath, Buffer.concat(events));
  }

  /** Cuts a torn last line of metrics.jsonl (a write cut off by a full disk or a kill) back to the last whole record. */
  private repairMetricsTail(): void {
    refuseSymlink(this.metricsPath);
    if (existsSync(this.metricsPath)) {
      const repaired = repairedMetricsText(readFileSync(this.metricsPath, 'utf8'));
      if (repaired !== null) writeFileAtomic(this.metricsPath, repaired);
    }
    this.metricsTailChecked = true;
  }

  /** True while nothing but config.json has been written. */
  isEmpty(): boolean {
    return !existsSync(this.metricsPath) && this.stepCheckpoints().length === 0;
  }

  readMetrics(): MetricsRecord[] {
    if (!existsSync(this.metricsPath)) return [];
    return parseMetrics(readFileSync(this.metricsPath, 'utf8'), this.metricsPath);
  }

  /**
   * Drops metrics lines and TensorBoard events logged after `envSteps` (the resumed checkpoint), so a resumed
   * run does not log them twice.
   */
  truncateMetricsAfter(envSteps: number): number {
    const records = this.readMetrics();
    const kept = records.filter((record) => record.envSteps <= envSteps);
    if (kept.length !== records.length) writeFileAtomic(this.metricsPath, kept.map(metricsLine).join(''));
    for (const name of readdirSync(this.path).filter((file) => file.startsWith('events.out.tfevents.') && !isTemporaryFile(file))) {
      const path = join(this.path, name);
      const bytes = readFileSync(path);
      const trimmed = dropEventsAfter(bytes, envSteps);
      if (trimmed.length !== bytes.length) writeFileAtomic(path, trimmed);
    }
    return records.length - kept.length;
  }

  saveCheckpoint(state: TrainerState, meta: CheckpointMeta): string {
    const bytes = encodeCheckpoint(state, meta);
    const path = join(this.checkpointsDir, stepCheckpointName(meta.envSteps));
    writeFileAtomic(path, bytes);
    if (isNewBest(meta.meanReturn, this.bestReturn)) {
      writeFileAtomic(join(this.checkpointsDir, BEST_CHECKPOINT), bytes);
      this.bestReturn = meta.meanReturn;
    }
    for (const old of checkpointsToDrop(this.stepCheckpoints(), this.config.keepCheckpoints)) {
      rmQuiet(old);
    }
    return path;
  }

  /** Periodic checkpoints, oldest first; temporary files of interrupted writes are ignored. */
  stepCheckpoints(): string[] {
    if (!existsSync(this.checkpointsDir)) return [];
    return stepCheckpoints(readdirSync(this.checkpointsDir).filter((name) => !isTemporaryFile(name))).map((name) => join(this.checkpointsDir, name));
  }

  /**
   * Resolves "latest" (default), "best", a step count or a file path to a checkpoint file.
   * Throws a clear error when there is none.
   */
  checkpointPath(which = 'latest'): string {
    if (which === 'latest') {
      const all = this.stepCheckpoints();
      if (all.length === 0) throw new Error(`${this.path} has no checkpoint yet (checkpoints/ is empty)`);
      return all[all.length - 1];
    }
    const candidate =
      which === 'best'
        ? join(this.checkpointsDir, BEST_CHECKPOINT)
        : /^\d+$/.test(which)
          ? join(this.checkpointsDir, stepCheckpointName(which))
          : resolve(which);
    if (!existsSync(candidate)) throw new Error(`checkpoint ${candidate} does not exist`);
    return candidate;
  }

  loadCheckpoint(which = 'latest'): { state: TrainerState; meta: CheckpointMeta; path: string } {
    const path = this.checkpointPath(which);
    let decoded: { state: TrainerState; meta: CheckpointMeta };
    try {
      decoded = decodeCheckpoint(readFileSync(path), path);
    } catch (error) {
      throw which === 'latest' ? new Error(`${(error as Error).message}; ${this.olderCheckpointsAdvice(path)}`) : error;
    }
    const { state, meta } = decoded;
    if (meta.robot !== this.config.robot || meta.algorithm !== this.config.algorithm) {
      throw new Error(`${path} holds ${meta.algorithm} on ${meta.robot}, but the run is ${this.config.algorithm} on ${this.config.robot}`);
    }
    const inside = resolve(path).startsWith(this.checkpointsDir + sep);
    if (meta.run !== undefined ? meta.run !== runIdentity(this.config) : !inside) {
      // Resuming from another run's checkpoint would drop this run's later metrics and mix two runs' histories.
      throw new Error(
        `${path} belongs to another run (${meta.run ?? 'unknown'}), not to ${this.path} (${runIdentity(this.config)}); resume that run instead`,
      );
    }
    if (meta.envSteps > this.config.totalSteps + MAX_OVERSHOOT) {
      throw new Error(`${path} is at ${meta.envSteps} env steps, beyond the run's budget of ${this.config.totalSteps}: it does not fit this run`);
    }
    return { state, meta, path };
  }

  /** What to do when the latest checkpoint cannot be read: the older ones that can, and the command. */
  private olderCheckpointsAdvice(broken: string): string {
    const readable: number[] = [];
    for (const path of this.stepCheckpoints()
      .filter((candidate) => candidate !== broken)
      .reverse()) {
      try {
        readable.push(readCheckpointMeta(readFileSync(path), path).envSteps);
      } catch {
        // damaged too
      }
    }
    if (readable.length === 0) return 'no older checkpoint of this run can be read either';
    return `older checkpoints that read fine: ${readable.map((steps) => `${steps} env steps`).join(', ')}; resume from one with: sinew resume ${this.path} --checkpoint ${readable[0]}`;
  }
}

/** Removing an old checkpoint is best effort: a failure must not stop training. */
function rmQuiet(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // left for the next prune
  }
}

/**
 * Refuses a run folder whose files are symbolic links: reading, appending or checkpointing through one would
 * touch a file outside the run folder.
 */
function refuseLinkedRunFiles(folder: string): void {
  const names = readdirSync(folder).filter((name) => !isTemporaryFile(name));
  const checkpoints = join(folder, 'checkpoints');
  refuseSymlink(checkpoints);
  const inside =
    existsSync(checkpoints) && lstatSync(checkpoints).isDirectory() ? readdirSync(checkpoints).map((name) => join('checkpoints', name)) : [];
  for (const name of [...names, ...inside]) refuseSymlink(join(folder, name));
}
