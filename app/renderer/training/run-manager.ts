import type { MetricsRecord } from '../../../agents/contract.ts';
import type { PolicySnapshot } from '../../../agents/policy.ts';
import type { RunConfig } from '../../runtime/run-config.ts';
import type { RunStore } from '../storage/run-store.ts';
import type { FromTrainer, ToTrainer } from './protocol.ts';
import { restingPhase, type LiveRun } from './live-run.ts';
import { StoredRun } from './stored-run.ts';
import { policyFromCheckpoint } from './checkpoint-policy.ts';
import { readCheckpointMeta } from '../../runtime/checkpoint.ts';

export interface RunManagerEvents {
  /** A run was added, removed, or changed phase. */
  runsChanged(): void;
  /** New metrics for a run (a few times a second at most). */
  recordsAdded(run: LiveRun, records: readonly MetricsRecord[]): void;
  progress(run: LiveRun): void;
  error(message: string, advice: string): void;
}

/** Where tfjs-backend-wasm's .wasm files are served (copied there by the build). */
const WASM_PATH = new URL('./tfjs-wasm/', document.baseURI).href;

/** How many runs may train at once: one per core, so runs do not starve each other or the UI. */
export function maxConcurrentRuns(): number {
  return Math.max(1, (navigator.hardwareConcurrency || 2) - 1);
}

/**
 * Owns the runs of the app: loads them from the run store, trains them in Web Workers (several at once within
 * the machine's cores, the rest queued), persists what the workers report, and routes pause/resume/stop.
 */
export class RunManager {
  readonly runs = new Map<string, LiveRun>();
  private nextRequest = 1;
  private readonly pendingPolicies = new Map<number, { resolve: (snapshot: PolicySnapshot) => void; reject: (error: Error) => void }>();

  constructor(
    readonly store: RunStore,
    private readonly events: RunManagerEvents,
  ) {}

  async loadSaved(): Promise<void> {
    const elsewhere = new Set(await this.store.lockedElsewhere());
    for (const run of this.runs.values()) {
      if (run.phase === 'elsewhere' && !elsewhere.has(run.stored.name)) run.phase = restingPhase(run.envSteps, run.stored.config.totalSteps);
      else if (!run.worker && (run.phase === 'finished' || run.phase === 'stopped') && elsewhere.has(run.stored.name)) run.phase = 'elsewhere';
    }
    for (const name of await this.store.listRuns()) {
      if (this.runs.has(name)) continue;
      try {
        const stored = await StoredRun.open(this.store, name);
        const records = await stored.readMetrics();
        const envSteps = records.length > 0 ? records[records.length - 1].envSteps : 0;
        const phase = elsewhere.has(name) ? 'elsewhere' : restingPhase(envSteps, stored.config.totalSteps);
        this.runs.set(name, { stored, phase, detail: '', records, envSteps, stepsPerSecond: 0, poseBoard: null, numEnvs: 0, worker: null });
      } catch (error) {
        this.events.error(
          `Run '${name}' could not be opened: ${error instanceof Error ? error.message : String(error)}`,
          'It was left untouched; fix or delete its folder.',
        );
      }
    }
    this.events.runsChanged();
  }

  private activeCount(): number {
    let active = 0;
    for (const run of this.runs.values()) if (run.worker && (run.phase === 'starting' || run.phase === 'training')) active++;
    return active;
  }

  async create(name: string, config: RunConfig): Promise<LiveRun> {
    const stored = await StoredRun.create(this.store, name, config);
    const run: LiveRun = {
      stored,
      phase: 'queued',
      detail: '',
      records: [],
      envSteps: 0,
      stepsPerSecond: 0,
      poseBoard: null,
      numEnvs: 0,
      worker: null,
    };
    this.runs.set(name, run);
    this.events.runsChanged();
    await this.launchQueued();
    return run;
  }

  /** Continues a saved or stopped run from its latest checkpoint (raising its step budget if asked). */
  async resumeSaved(name: string, totalSteps?: number): Promise<void> {
    const run = this.require(name);
    if (run.worker) throw new Error(`run '${name}' is already running`);
    if (totalSteps !== undefined) await run.stored.setTotalSteps(totalSteps);
    run.phase = 'queued';
    this.events.runsChanged();
    await this.launchQueued();
  }

  /** A queued run's place in the queue (1: starts next), or null when it is not queued. */
  queuePosition(name: string): number | null {
    let position = 0;
    for (const run of this.runs.values()) {
      if (run.phase !== 'queued') continue;
      position++;
      if (run.stored.name === name) return position;
    }
    return null;
  }

  private async launchQueued(): Promise<void> {
    for (const run of this.runs.values()) {
      if (run.phase !== 'queued' || this.activeCount() >= maxConcurrentRuns()) continue;
      await this.launch(run);
    }
  }

  private async launch(run: LiveRun): Promise<void> {
    try {
      await this.store.lock(run.stored.name);
    } catch (error) {
      run.phase = 'elsewhere';
      run.detail = error instanceof Error ? error.message : String(error);
      this.events.error(
        `Run '${run.stored.name}' cannot be trained here: ${run.detail}`,
        'Stop it where it trains (sinew train or resume, or another tab), then resume it here.',
      );
      this.events.runsChanged();
      return;
    }
    const config = run.stored.config;
    const checkpoint = run.records.length > 0 || run.envSteps > 0 ? await run.stored.latestCheckpoint() : null;
    if (checkpoint) {
      const resumedAt = readCheckpointMeta(checkpoint, 'checkpoint').envSteps;
      run.records = await run.stored.truncateMetricsAfter(resumedAt, run.records);
      run.envSteps = resumedAt;
    }
    const worker = new Worker(new URL('./trainer.worker.ts', import.meta.url), { type: 'module', name: `trainer ${run.stored.name}` });
    run.worker = worker;
    run.phase = 'starting';
    worker.onmessage = (event: MessageEvent<FromTrainer>) => void this.handle(run, event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.fail(run, event.message || 'the trainer worker crashed');
    };
    const message: ToTrainer = { type: 'start', config, checkpoint, wasmPath: WASM_PATH };
    worker.postMessage(message);
    this.events.runsChanged();
  }

  private async handle(run: LiveRun, message: FromTrainer): Promise<void> {
    switch (message.type) {
      case 'phase':
        run.phase = message.phase;
        run.detail = message.detail ?? '';
        if (message.phase === 'failed') this.fail(run, message.detail ?? 'unknown error');
        if (message.phase === 'finished' || message.phase === 'stopped') {
          run.worker?.terminate();
          run.worker = null;
          // Shown as stopped only once its last metrics and checkpoint are on disk.
          run.phase = 'saving';
          this.events.runsChanged();
          await run.stored.flush().catch((error: unknown) => this.storageError(run, error));
          await this.store.unlock(run.stored.name).catch(() => undefined);
          run.phase = message.phase;
          await this.launchQueued();
        }
        this.events.runsChanged();
        break;
      case 'ready':
        run.numEnvs = message.numEnvs;
        run.poseBoard = message.poses;
        this.events.runsChanged();
        break;
      case 'records':
        run.records.push(...message.records);
        this.events.recordsAdded(run, message.records);
        await run.stored.appendMetrics(message.records).catch((error: unknown) => this.storageError(run, error));
        break;
      case 'progress':
        run.envSteps = message.envSteps;
        run.stepsPerSecond = message.stepsPerSecond;
        this.events.progress(run);
        break;
      case 'checkpoint':
        await run.stored.saveCheckpoint(message.bytes).catch((error: unknown) => this.storageError(run, error));
        break;
      case 'policy': {
        const pending = this.pendingPolicies.get(message.requestId);
        this.pendingPolicies.delete(message.requestId);
        if (message.snapshot) pending?.resolve(message.snapshot);
        else pending?.reject(new Error(message.error ?? 'export failed'));
        break;
      }
    }
  }

  private fail(run: LiveRun, detail: string): void {
    if (run.phase === 'failed' && !run.worker) return;
    run.phase = 'failed';
    run.detail = detail;
    run.worker?.terminate();
    run.worker = null;
    void run.stored.flush().finally(() => this.store.unlock(run.stored.name).catch(() => undefined));
    this.events.error(
      `Run '${run.stored.name}' failed: ${detail}`,
      'Its last checkpoint is kept: change the settings and resume, or start a new run.',
    );
    this.events.runsChanged();
    void this.launchQueued();
  }

  private storageError(run: LiveRun, error: unknown): void {
    this.events.error(
      `Could not save run '${run.stored.name}': ${error instanceof Error ? error.message : String(error)}`,
      'Free some disk space; training continues and the next save retries.',
    );
  }

  private require(name: string): LiveRun {
    const run = this.runs.get(name);
    if (!run) throw new Error(`no run named '${name}'`);
    return run;
  }

  pause(name: string): void {
    this.require(name).worker?.postMessage({ type: 'pause' } satisfies ToTrainer);
  }

  resume(name: string): void {
    this.require(name).worker?.postMessage({ type: 'resume' } satisfies ToTrainer);
  }

  stop(name: string): void {
    const run = this.require(name);
    if (run.phase === 'queued') {
      run.phase = 'stopped';
      this.events.runsChanged();
      return;
    }
    run.worker?.postMessage({ type: 'stop' } satisfies ToTrainer);
  }

  /** The policy of a run: live from its worker while it trains, else rebuilt from its latest checkpoint. */
  async exportPolicy(name: string): Promise<PolicySnapshot> {
    const run = this.require(name);
    if (!run.worker) {
      const checkpoint = (await run.stored.latestCheckpoint()) ?? (await run.stored.bestCheckpoint());
      if (!checkpoint) throw new Error(`run '${name}' has no checkpoint yet: train it a little first`);
      return policyFromCheckpoint(name, run.stored.config, checkpoint, WASM_PATH);
    }
    const requestId = this.nextRequest++;
    const answer = new Promise<PolicySnapshot>((resolve, reject) => this.pendingPolicies.set(requestId, { resolve, reject }));
    run.worker.postMessage({ type: 'export', requestId } satisfies ToTrainer);
    return answer;
  }

  /** Renames a run that is not training: its files move to a folder of the new name (config, metrics, checkpoints, exports). */
  async rename(name: string, newName: string): Promise<void> {
    const run = this.require(name);
    if (run.worker) throw new Error(`run '${name}' is training: stop it before renaming`);
    if (this.runs.has(newName)) throw new Error(`a run named '${newName}' already exists`);
    const stored = await StoredRun.rename(this.store, name, newName);
    this.runs.delete(name);
    this.runs.set(newName, { ...run, stored });
    this.events.runsChanged();
  }

  async delete(name: string): Promise<void> {
    const run = this.require(name);
    run.worker?.terminate();
    await this.store.deleteRun(name);
    await this.store.unlock(name).catch(() => undefined);
    this.runs.delete(name);
    this.events.runsChanged();
  }
}
