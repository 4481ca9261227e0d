import { nowMs } from './clock.ts';
import type { VecEnvState } from './env.ts';
import { snapshotSize, type SnapshotEnv } from './env-common.ts';
import { EnvRunner, type SliceRunner } from './env-runner.ts';
import { createEnvSlice } from './env-slice.ts';
import type { PhysicsName } from './physics.ts';
import { resolvePhysics, robotInfo, stateLayout } from './registry.ts';
import { allocateVecMemory, viewVecMemory, type VecLayout } from './vec-buffers.ts';
import { checkActions, restoreVecBuffers, vecEnvState, vecLayout, VecEnvViews, type SimVecEnv, type VecEnvOptions } from './vec-env-views.ts';
import { SharedWorkRunner, WorkBoard } from './work-sharing.ts';
import { createSceneBoard, readSceneBoard, writeSceneBoard } from './scene-board.ts';
import { COMMAND, CONTROL, CONTROL_INTS, ERROR_BYTES, STATUS, readError, type WorkerFactory, type WorkerPort } from './worker-protocol.ts';

interface HostedWorker {
  readonly port: WorkerPort;
  /** Its scene board (scene-board.ts). */
  readonly scenes: SharedArrayBuffer;
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
 * N envs stepped by K threads: the calling thread steps the first slice itself and K - 1 worker threads step the
 * rest. Every array lives in a SharedArrayBuffer that the workers read (actions) and write (everything else) in
 * place; step() is one Atomics handshake per worker. The caller works instead of waiting because on a 2-core
 * machine a third, mostly idle thread costs a sleep and a wake-up per step (measured: 1.5x with two workers and
 * an idle host, see sim bench). Env i gets the same seed, and so the same trajectory, as in the in-thread VecEnv.
 */
export class WorkerVecEnv extends VecEnvViews implements SimVecEnv {
  readonly workers: number;
  private steps = 0;
  private closed = false;
  private busy = false;
  /** This thread's share: its fixed slice (envs 0 .. ownEnvs.length - 1), or what it takes from the work board. */
  private readonly own: SliceRunner;
  /** Rejects when any worker dies, so no command waits forever on it. */
  private readonly died: Promise<never>;
  /** Where step() puts the actions for the workers to read (shared memory). */
  private readonly actionBoard: Float32Array;

  private constructor(
    robot: string,
    physics: PhysicsName | undefined,
    layout: VecLayout,
    memory: ReturnType<typeof allocateVecMemory>,
    private readonly hosted: HostedWorker[],
    private readonly states: Float64Array,
    ownEnvs: SnapshotEnv[],
    /** Work sharing between the threads (work-sharing.ts), or null for fixed slices. */
    private readonly board: WorkBoard | null,
  ) {
    const buffers = viewVecMemory(layout, memory);
    super(robot, physics, layout, buffers);
    this.actionBoard = buffers.actions;
    this.workers = hosted.length + 1;
    const slice = new EnvRunner(ownEnvs, 0, layout, viewVecMemory(layout, memory), this.rewardTermNames);
    this.own = board ? new SharedWorkRunner(slice, board, 0, states, this.stateLayout) : slice;
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
    const statesBuffer = new SharedArrayBuffer(layout.numEnvs * snapshotSize(stateLayout(options.robot, options.physics)) * 8);
    const seed = options.seed ?? 0;
    const sliceSize = (t: number) => Math.floor(layout.numEnvs / workers) + (t < layout.numEnvs % workers ? 1 : 0);
    const { physics, rapierWorlds, maxEpisodeSteps } = options;
    // Work sharing moves envs between threads through their snapshots, which restore MuJoCo
    // robots cheaply; a Rapier robot's snapshot needs its whole world, so Rapier robots keep fixed slices. It pays where
    // a step's cost varies with contacts (the Hopper); the Reacher's steps all cost the same ~1 us, so fixed
    // slices are balanced already and sharing's bookkeeping only slows them (sim bench, --work-sharing on,off).
    const variesWithContacts = info.hasContacts;
    const sharing =
      (options.workSharing ?? variesWithContacts) && resolvePhysics(info.name, physics) !== 'rapier' && layout.numEnvs <= WorkBoard.MAX_ENVS;
    const board = sharing ? WorkBoard.create(workers, layout.numEnvs) : null;
    const ownEnvs: SnapshotEnv[] = await createEnvSlice({
      robot: options.robot,
      first: 0,
      count: sharing ? layout.numEnvs : sliceSize(0),
      seed,
      maxEpisodeSteps,
      physics,
      rapierWorlds,
    });
    const hosted: HostedWorker[] = [];
    const started: Promise<void>[] = [];
    let first = ownEnvs.length;
    for (let w = 1; w < workers; w++) {
      const count = sliceSize(w);
      const work = board ? { board: board.buffer, thread: w, threads: workers } : null;
      const controlBuffer = new SharedArrayBuffer(CONTROL_INTS * 4);
      const errorBuffer = new SharedArrayBuffer(ERROR_BYTES);
      const port = factory();
      const scenes = createSceneBoard();
      const worker: HostedWorker = { port, scenes, control: new Int32Array(controlBuffer), error: new Uint16Array(errorBuffer), first, count };
      hosted.push(worker);
      started.push(
        new Promise<void>((resolve, reject) => {
          port.onMessage((reply) => (reply.type === 'ready' ? resolve() : reject(new Error(`env worker ${w}: ${reply.message}`))));
          port.onError((error) => reject(new Error(`env worker ${w}: ${error.message}`)));
        }),
      );
      const slice = board ? { first: 0, count: layout.numEnvs } : { first, count };
      port.postMessage({
        type: 'init',
        robot: options.robot,
        ...slice,
        seed,
        maxEpisodeSteps,
        physics,
        rapierWorlds,
        layout,
        memory,
        control: controlBuffer,
        error: errorBuffer,
        states: statesBuffer,
        scenes,
        work,
      });
      first += count;
    }
    try {
      await Promise.all(started);
    } catch (error) {
      for (const worker of hosted) worker.port.terminate();
      for (const env of ownEnvs) env.dispose();
      throw error;
    }
    const vec = new WorkerVecEnv(options.robot, physics, layout, memory, hosted, new Float64Array(statesBuffer), ownEnvs, board);
    // Fixed slices were reset by their threads as they started; shared work is dealt out from the first reset on.
    if (board) await vec.reset(seed);
    else vec.own.reset(seed);
    return vec;
  }

  get stepCount(): number {
    return this.steps;
  }

  async reset(seed: number): Promise<void> {
    await this.command(COMMAND.RESET, seed, () => this.own.reset(seed));
  }

  async step(actions: Float32Array): Promise<void> {
    checkActions(this, actions);
    if (actions !== this.actionBoard) this.actionBoard.set(actions);
    await this.command(COMMAND.STEP, 0, () => this.own.step(this.actionBoard));
    this.steps++;
  }

  async saveState(): Promise<VecEnvState> {
    const scenes = new Map<number, Uint8Array>();
    await this.command(COMMAND.SAVE, 0, () => this.own.saveState(this.states, this.stateLayout, scenes));
    for (const worker of this.hosted) for (const [id, bytes] of readSceneBoard(worker.scenes)) scenes.set(id, bytes);
    return vecEnvState(this, this.states, scenes);
  }

  /** Every thread gets every saved scene: it rebuilds those its envs' snapshots name (snapshot.ts in engines/rapier). */
  async loadState(state: VecEnvState): Promise<void> {
    const { states, scenes } = restoreVecBuffers(this, state, this.stateLayout, this.physics);
    this.states.set(states);
    for (const worker of this.hosted) writeSceneBoard(worker.scenes, scenes);
    await this.command(COMMAND.LOAD, 0, () => this.own.loadState(this.states, this.stateLayout, scenes));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.command(COMMAND.CLOSE, 0, () => this.own.dispose());
    this.closed = true;
    await Promise.all(this.hosted.map((worker) => worker.port.terminate()));
  }

  /**
   * Sends one command to every worker, does this thread's share (`ownShare`) meanwhile and resolves when all have
   * answered; throws this thread's error or else the first worker's, but only after every worker has answered.
   */
  private async command(command: number, arg: number, ownShare: () => void): Promise<void> {
    if (this.closed) throw new Error('VecEnv is closed');
    if (this.busy) throw new Error('VecEnv: a step or reset is already in flight; await it first');
    this.busy = true;
    try {
      // Deal the envs out before any worker starts, then start every worker before waiting on any: waitFor may
      // block this thread.
      this.board?.deal();
      const seqs = this.hosted.map(({ control }) => {
        control[CONTROL.COMMAND] = command;
        control[CONTROL.ARG] = arg;
        const seq = Atomics.add(control, CONTROL.SEQ, 1) + 1;
        Atomics.notify(control, CONTROL.SEQ);
        return seq;
      });
      let ownError: unknown = null;
      try {
        ownShare();
      } catch (error) {
        ownError = error;
      }
      const waits = this.hosted.map(({ control }, w) => waitFor(control, seqs[w]));
      await Promise.race([Promise.all(waits), this.died]);
      if (ownError !== null) throw ownError;
      for (const worker of this.hosted) {
        if (worker.control[CONTROL.STATUS] === STATUS.ERROR) throw new Error(readError(worker.error, worker.control));
      }
    } finally {
      this.busy = false;
    }
  }
}

/** Atomics.waitAsync (ES2024; in Node >= 16 and Chromium) typed for our ES2022 lib. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(array: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

/**
 * Whether this thread may block in Atomics.wait (Node threads and workers may; a browser page's main thread may
 * not). Blocking is the fast path: waitAsync wakes through the event loop, which costs about 0.1 ms a step.
 */
const canBlock = ((): boolean => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
})();

/** How long the host blocks before it yields to the event loop (which may carry a dead worker's error). */
const BLOCKING_WAIT_MS = 20;
/**
 * How long the host polls before it sleeps. Waking a sleeping thread costs ~0.1 ms on these virtual machines
 * (its core halts; the wake-up goes through the hypervisor), while the workers' slices usually end within a
 * fraction of that of the host's own: step latency with no physics, 113 us sleeping vs 6 us polling.
 */
const SPIN_MS = 1;

/** Resolves once control[DONE] reaches seq: blocks briefly where allowed, then waits without blocking. */
async function waitFor(control: Int32Array, seq: number): Promise<void> {
  if (canBlock) {
    const spinUntil = nowMs() + SPIN_MS;
    const deadline = nowMs() + BLOCKING_WAIT_MS;
    for (;;) {
      const done = Atomics.load(control, CONTROL.DONE);
      if (done === seq) return;
      const now = nowMs();
      const left = deadline - now;
      if (left <= 0) break;
      if (now < spinUntil) continue;
      Atomics.wait(control, CONTROL.DONE, done, left);
    }
  }
  for (;;) {
    const done = Atomics.load(control, CONTROL.DONE);
    if (done === seq) return;
    const waiting = waitAsync(control, CONTROL.DONE, done);
    if (waiting.async) await waiting.value;
  }
}
