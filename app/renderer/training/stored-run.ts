import type { MetricsRecord } from '../../../agents/contract.ts';
import { readCheckpointMeta } from '../../runtime/checkpoint.ts';
import { BEST_CHECKPOINT, checkpointsToDrop, isNewBest, stepCheckpointName, stepCheckpoints } from '../../runtime/checkpoint-files.ts';
import { metricsLine, parseMetrics, repairedMetricsText } from '../../runtime/metrics.ts';
import { checkRunConfig, type RunConfig } from '../../runtime/run-config.ts';
import { eventFileName, fileVersionEvent, metricsEvent } from '../../runtime/tensorboard.ts';
import { readText, writeText, type RunStore } from '../storage/run-store.ts';

const encoder = new TextEncoder();

/**
 * A run folder as the app sees it, in the same layout the command line writes (app/runtime/run-folder.node.ts):
 * config.json, metrics.jsonl, events.out.tfevents.*, checkpoints/step-<12 digits>.ckpt and best.ckpt.
 * Runs made by either side open in the other.
 */
export class StoredRun {
  private eventsFile: string | null = null;
  private stepCheckpoints: string[] = [];
  private bestReturn: number | null = null;
  /** Writes of one run happen one at a time, in order (OPFS refuses overlapping writables on one file). */
  private queue: Promise<unknown> = Promise.resolve();
  private pendingRecords: MetricsRecord[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** False until metrics.jsonl's tail has been checked since the run was opened, and again after a failed append. */
  private metricsTailChecked = false;

  private constructor(
    readonly store: RunStore,
    readonly name: string,
    public config: RunConfig,
  ) {}

  static async create(store: RunStore, name: string, config: RunConfig): Promise<StoredRun> {
    if ((await store.read(`${name}/config.json`)) !== null) throw new Error(`a run named '${name}' already exists`);
    await writeText(store, `${name}/config.json`, `${JSON.stringify(config, null, 2)}\n`);
    return new StoredRun(store, name, config);
  }

  static async open(store: RunStore, name: string): Promise<StoredRun> {
    const run = await StoredRun.load(store, name);
    run.stepCheckpoints = stepCheckpoints(await store.listFiles(`${name}/checkpoints`)).map((file) => `${name}/checkpoints/${file}`);
    return run;
  }

  /**
   * Moves the run `name` (not training) to a folder named `newName`: config, metrics, event file, checkpoints and
   * exports are copied there before the old folder is deleted, so a failure midway loses nothing.
   */
  static async rename(store: RunStore, name: string, newName: string): Promise<StoredRun> {
    if ((await store.read(`${newName}/config.json`)) !== null) throw new Error(`a run named '${newName}' already exists`);
    for (const folder of ['', '/checkpoints', '/exports']) {
      for (const file of await store.listFiles(`${name}${folder}`)) {
        const data = await store.read(`${name}${folder}/${file}`);
        if (data) await store.write(`${newName}${folder}/${file}`, data);
      }
    }
    await store.deleteRun(name);
    return StoredRun.open(store, newName);
  }

  private static async load(store: RunStore, name: string): Promise<StoredRun> {
    const text = await readText(store, `${name}/config.json`);
    if (text === null) throw new Error(`${name} is not a run folder (no config.json)`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`${name}/config.json is not valid JSON`);
    }
    return new StoredRun(store, name, checkRunConfig(parsed, `${name}/config.json`));
  }

  async readMetrics(): Promise<MetricsRecord[]> {
    const text = await readText(this.store, `${this.name}/metrics.jsonl`);
    return text === null ? [] : parseMetrics(text, `${this.name}/metrics.jsonl`);
  }

  private serial<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Queues records for metrics.jsonl and the events file; they are written in batches (every two seconds, and
   * on flush) because each OPFS append rewrites the file through a swap file.
   */
  appendMetrics(records: readonly MetricsRecord[]): Promise<void> {
    this.pendingRecords.push(...records);
    this.flushTimer ??= setTimeout(() => void this.flush(), 2000);
    return Promise.resolve();
  }

  /** Writes queued records and waits for every write of this run to finish (before "stopped" is shown). */
  flush(): Promise<unknown> {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const records = this.pendingRecords.splice(0);
    if (records.length > 0) void this.serial(() => this.appendMetricsNow(records));
    return this.queue;
  }

  private async appendMetricsNow(records: readonly MetricsRecord[]): Promise<void> {
    if (records.length === 0) return;
    const path = `${this.name}/metrics.jsonl`;
    if (!this.metricsTailChecked) {
      // A write cut off mid-line (a full disk, a closed tab) must not have the next record glued onto it.
      const text = await readText(this.store, path);
      const repaired = text === null ? null : repairedMetricsText(text);
      if (repaired !== null) await writeText(this.store, path, repaired);
      this.metricsTailChecked = true;
    }
    try {
      await this.store.append(path, encoder.encode(records.map(metricsLine).join('')));
    } catch (error) {
      this.metricsTailChecked = false;
      throw error;
    }
    const now = Date.now() / 1000;
    if (this.eventsFile === null) {
      this.eventsFile = `${this.name}/${eventFileName(now, 'sinew-app')}`;
      await this.store.append(this.eventsFile, fileVersionEvent(now));
    }
    const events = records.map((record) => metricsEvent(record, now));
    const total = events.reduce((sum, event) => sum + event.length, 0);
    const joined = new Uint8Array(total);
    let offset = 0;
    for (const event of events) {
      joined.set(event, offset);
      offset += event.length;
    }
    await this.store.append(this.eventsFile, joined);
  }

  /** Writes a periodic checkpoint (and best.ckpt when its return is the best so far), keeping the last few. */
  saveCheckpoint(bytes: Uint8Array): Promise<void> {
    // Metrics first, so a resume from this checkpoint finds every record up to it.
    void this.flush();
    return this.serial(() => this.saveCheckpointNow(bytes));
  }

  private async saveCheckpointNow(bytes: Uint8Array): Promise<void> {
    const meta = readCheckpointMeta(bytes, 'new checkpoint');
    const file = `${this.name}/checkpoints/${stepCheckpointName(meta.envSteps)}`;
    await this.store.write(file, bytes);
    if (!this.stepCheckpoints.includes(file)) this.stepCheckpoints.push(file);
    if (isNewBest(meta.meanReturn, this.bestReturn)) {
      await this.store.write(`${this.name}/checkpoints/${BEST_CHECKPOINT}`, bytes);
      this.bestReturn = meta.meanReturn;
    }
    for (const old of checkpointsToDrop(this.stepCheckpoints, this.config.keepCheckpoints)) {
      this.stepCheckpoints.shift();
      await this.store.remove(old);
    }
  }

  /** The newest periodic checkpoint (what a resume continues from), or null when there is none. */
  async latestCheckpoint(): Promise<Uint8Array | null> {
    const names = stepCheckpoints(await this.store.listFiles(`${this.name}/checkpoints`));
    const newest = names[names.length - 1];
    return newest === undefined ? null : this.store.read(`${this.name}/checkpoints/${newest}`);
  }

  /** The checkpoint of the best mean return so far, or null when there is none. */
  bestCheckpoint(): Promise<Uint8Array | null> {
    return this.store.read(`${this.name}/checkpoints/${BEST_CHECKPOINT}`);
  }

  /** Drops records logged after a checkpoint being resumed from, so the resumed run does not log them twice. */
  truncateMetricsAfter(envSteps: number, records: readonly MetricsRecord[]): Promise<MetricsRecord[]> {
    return this.serial(async () => {
      const kept = records.filter((record) => record.envSteps <= envSteps);
      if (kept.length !== records.length) await writeText(this.store, `${this.name}/metrics.jsonl`, kept.map(metricsLine).join(''));
      return kept;
    });
  }

  setTotalSteps(totalSteps: number): Promise<void> {
    this.config = { ...this.config, totalSteps };
    return this.serial(() => writeText(this.store, `${this.name}/config.json`, `${JSON.stringify(this.config, null, 2)}\n`));
  }
}
