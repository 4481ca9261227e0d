import { robotInfo } from './registry.ts';
import type { VecEnvState } from './env.ts';
import { snapshotSize } from './env-common.ts';
import { allocateVecMemory, viewVecMemory, type VecLayout } from './vec-buffers.ts';
import type { SimVecEnv, VecEnvOptions } from './vec-env.ts';
import { restoreVecBuffers, vecEnvState, vecLayout, VecEnvViews } from './vec-env.ts';
import { COMMAND, CONTROL, CONTROL_INTS, ERROR_BYTES, STATUS, readError, type WorkerInit, type WorkerReply } from './worker-protocol.ts';

/** A started worker as the host sees it; adapters wrap Node's worker_threads or the browser's Worker. */
export interface WorkerPort {
  postMessage(message: WorkerInit): void;
  onMessage(listener: (reply: WorkerReply) => void): void;
  onError(listener: (error: Error) => void): void;
  terminate(): unknown;
}

/** Starts one env worker (running sim/env-worker.ts's runEnvWorker). */
export type WorkerFactory = () => WorkerPort;

interface HostedWorker {
  readonly port: WorkerPort;
  readonly control: Int32Array;
  readonly error: Uint16Array;
  readonly first: number;
  readonly count: number;
}

/** Node's worker_threads adapter, loaded only in Node (the browser passes sim/worker-host.web.ts's factory). */
async function defaultWorkerFactory(): Promise<WorkerFactory> {
  const versions = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions;
  if (typeof versions?.node !== 'string') {
    throw new Error('createVecEnv: pass workerFactory (webWorkerFactory from sim/worker-host.web.ts) to use worker threads here');
  }
  const adapter = './worker-host.node.ts';
  const module = (await import(/* @vite-ignore */ adapter)) as { nodeWorkerFactory: WorkerFactory };
  return module.nodeWorkerFactory;
}

/**
 * N envs spread over K worker threads: every array lives in a SharedArrayBuffer that the workers read
 * (actions) and write (everything else) in place; step() is one Atomics handshake per worker. Env i gets the
 * same seed, and so the same trajectory, as in the in-thread VecEnv.
 */
export class WorkerVecEnv extends VecEnvViews implements SimVecEnv {
  readonly workers: number;
  private steps = 0;
  private closed = false;
  private busy = false;
  /** Rejects when any worker dies, so no command waits forever on it. */
  private readonly died: Promise<never>;

  private constructor(
    robot: string,
    layout: VecLayout,
    memory: ReturnType<typeof allocateVecMemory>,
    private readonly hosted: HostedWorker[],
    private readonly states: Float64Array,
  ) {
    super(robot, layout, viewVecMemory(layout, memory));
    this.workers = hosted.length;
    this.died = new Promise<never>((_, reject) => {
      hosted.forEach((worker, w) => worker.port.onError((error) => reject(new Error(`env worker ${w} died: ${error.message}`))));
    });
    this.died.catch(() => undefined); // observed by command(); never an unhandled rejection
  }

  static async create(options: VecEnvOptions & { workers: number }): Promise<WorkerVecEnv> {
    if (typeof SharedArrayBuffer === 'undefined') throw new Error('worker VecEnv needs SharedArrayBuffer (cross-origin isolation in browsers)');
    const layout = vecLayout(options.robot, options.numEnvs);
    const workers = Math.min(options.workers, layout.numEnvs);
    const factory = options.workerFactory ?? (await defaultWorkerFactory());
    const memory = allocateVecMemory(layout, true);
    const info = robotInfo(options.robot);
    const statesBuffer = new SharedArrayBuffer(layout.numEnvs * snapshotSize(info.nq, info.nv) * 8);
    const seed = options.seed ?? 0;
    const hosted: HostedWorker[] = [];
    const started: Promise<void>[] = [];
    let first = 0;
    for (let w = 0; w < workers; w++) {
      const count = Math.floor(layout.numEnvs / workers) + (w < layout.numEnvs % workers ? 1 : 0);
      const controlBuffer = new SharedArrayBuffer(CONTROL_INTS * 4);
      const errorBuffer = new SharedArrayBuffer(ERROR_BYTES);
      const port = factory();
      const worker: HostedWorker = { port, control: new Int32Array(controlBuffer), error: new Uint16Array(errorBuffer), first, count };
      hosted.push(worker);
      started.push(
        new Promise<void>((resolve, reject) => {
          port.onMessage((reply) => (reply.type === 'ready' ? resolve() : reject(new Error(`env worker ${w}: ${reply.message}`))));
          port.onError((error) => reject(new Error(`env worker ${w}: ${error.message}`)));
        }),
      );
      port.postMessage({ type: 'init', robot: options.robot, first, count, seed, maxEpisodeSteps: options.maxEpisodeSteps, layout, memory, control: controlBuffer, error: errorBuffer, states: statesBuffer });
      first += count;
    }
    try {
      await Promise.all(started);
    } catch (error) {
      for (const worker of hosted) worker.port.terminate();
      throw error;
    }
    return new WorkerVecEnv(options.robot, layout, memory, hosted, new Float64Array(statesBuffer));
  }

  get stepCount(): number {
    return this.steps;
  }

  async reset(seed: number): Promise<void> {
    await this.command(COMMAND.RESET, seed);
  }

  async step(): Promise<void> {
    await this.command(COMMAND.STEP, 0);
    this.steps++;
  }

  async saveState(): Promise<VecEnvState> {
    await this.command(COMMAND.SAVE, 0);
    return vecEnvState(this, this.states);
  }

  async loadState(state: VecEnvState): Promise<void> {
    this.states.set(restoreVecBuffers(this, state));
    await this.command(COMMAND.LOAD, 0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.command(COMMAND.CLOSE, 0);
    this.closed = true;
    await Promise.all(this.hosted.map((worker) => worker.port.terminate()));
  }

  /** Sends one command to every worker and resolves when all have answered; throws the first worker error. */
  private async command(command: number, arg: number): Promise<void> {
    if (this.closed) throw new Error('VecEnv is closed');
    if (this.busy) throw new Error('VecEnv: a step or reset is already in flight; await it first');
    this.busy = true;
    try {
      const waits: Promise<void>[] = [];
      for (const worker of this.hosted) {
        const control = worker.control;
        control[CONTROL.COMMAND] = command;
        control[CONTROL.ARG] = arg;
        const seq = Atomics.add(control, CONTROL.SEQ, 1) + 1;
        Atomics.notify(control, CONTROL.SEQ);
        waits.push(waitFor(control, seq));
      }
      await Promise.race([Promise.all(waits), this.died]);
      for (const worker of this.hosted) {
        if (worker.control[CONTROL.STATUS] === STATUS.ERROR) throw new Error(readError(worker.error, worker.control));
      }
    } finally {
      this.busy = false;
    }
  }
}

/** Atomics.waitAsync (ES2024; in Node >= 16 and Chromium) typed for our ES2022 lib. */
const waitAsync = (Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

/** Resolves once control[DONE] reaches seq, without blocking this thread. */
async function waitFor(control: Int32Array, seq: number): Promise<void> {
  for (;;) {
    const done = Atomics.load(control, CONTROL.DONE);
    if (done === seq) return;
    const waiting = waitAsync(control, CONTROL.DONE, done);
    if (waiting.async) await waiting.value;
  }
}
