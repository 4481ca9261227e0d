import { snapshotSize, unpackSnapshot, type StateLayout } from './env-common.ts';
import type { EnvRunner, SliceRunner } from './env-runner.ts';

/**
 * Work sharing between the threads of a WorkerVecEnv. A fixed split of the envs makes every step wait for the
 * slowest thread, and on these virtual machines a thread's speed wanders from step to step (the other core's
 * load, interrupts, collection): the lockstep lost a tenth to a fifth of two threads' throughput. So every thread
 * holds all N envs, and each step they are dealt out in home slices that a thread steps from the front while a
 * thread that is done steals from the back of another's slice. An env that changes threads is restored from its
 * snapshot, which its last stepper packs into shared memory after every step: restores are exact, so env i's
 * trajectory does not depend on which thread stepped it when.
 *
 * The board is an Int32Array over shared memory: one packed deque per thread (front in the low 16 bits, end in
 * the high 16 bits), each on a cache line of its own so that threads taking from their own deques do not pass a
 * line back and forth, then per env the thread that stepped it last (-1: none yet, so every thread's copy, built
 * from the same seed, is current). Envs are taken in chunks of a quarter of what a deque has left (at least one),
 * so a thread pays a few atomic operations per step, and the last envs still go one at a time.
 */
export class WorkBoard {
  /** Largest number of envs a 16-bit deque index can deal. */
  static readonly MAX_ENVS = 0xffff;
  /** Int32s from one deque to the next: 64 bytes, a cache line. */
  private static readonly STRIDE = 16;
  private readonly deques: Int32Array;
  readonly owner: Int32Array;

  static bytes(threads: number, numEnvs: number): number {
    return (threads * WorkBoard.STRIDE + numEnvs) * 4;
  }

  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly threads: number,
    readonly numEnvs: number,
  ) {
    if (numEnvs > WorkBoard.MAX_ENVS) throw new Error(`work sharing deals at most ${WorkBoard.MAX_ENVS} envs, got ${numEnvs}`);
    this.deques = new Int32Array(buffer, 0, threads * WorkBoard.STRIDE);
    this.owner = new Int32Array(buffer, threads * WorkBoard.STRIDE * 4, numEnvs);
  }

  /** A new board: no env stepped yet. */
  static create(threads: number, numEnvs: number): WorkBoard {
    const board = new WorkBoard(new SharedArrayBuffer(WorkBoard.bytes(threads, numEnvs)), threads, numEnvs);
    board.owner.fill(-1);
    return board;
  }

  /** Deals the envs out in contiguous home slices (the host does, before it starts a command). */
  deal(): void {
    const { threads, numEnvs } = this;
    let start = 0;
    for (let t = 0; t < threads; t++) {
      const end = start + Math.floor(numEnvs / threads) + (t < numEnvs % threads ? 1 : 0);
      Atomics.store(this.deques, t * WorkBoard.STRIDE, start | (end << 16));
      start = end;
    }
  }

  /**
   * The next envs for thread `me`, [first, first + count) packed as first | count << 16: from the front of its own
   * slice, else from the back of another's; 0 when none is left.
   */
  claim(me: number): number {
    const own = this.take(me, true);
    if (own !== 0) return own;
    for (let offset = 1; offset < this.threads; offset++) {
      const stolen = this.take((me + offset) % this.threads, false);
      if (stolen !== 0) return stolen;
    }
    return 0;
  }

  private take(thread: number, fromFront: boolean): number {
    const deques = this.deques;
    const index = thread * WorkBoard.STRIDE;
    for (;;) {
      const word = Atomics.load(deques, index);
      const front = word & 0xffff;
      const end = word >>> 16;
      if (front >= end) return 0;
      const count = Math.max(1, (end - front) >> 2);
      const next = fromFront ? (front + count) | (end << 16) : front | ((end - count) << 16);
      if (Atomics.compareExchange(deques, index, word, next) === word) return (fromFront ? front : end - count) | (count << 16);
    }
  }
}

/**
 * One thread's side of work sharing: the same commands as an EnvRunner slice (reset, step, saveState,
 * loadState, dispose), over all N envs, taking them from the board. Thread 0 is the host.
 */
export class SharedWorkRunner implements SliceRunner {
  private readonly size: number;

  constructor(
    private readonly runner: EnvRunner,
    private readonly board: WorkBoard,
    private readonly me: number,
    private readonly states: Float64Array,
    private readonly layout: StateLayout,
  ) {
    if (!runner.steppedAlone) throw new Error('work sharing needs envs that step alone (not in a shared physics scene)');
    this.size = snapshotSize(layout);
  }

  reset(seed: number): void {
    this.each((k) => this.runner.resetEnv(k, seed));
  }

  step(actions: Float32Array): void {
    this.each((k) => this.runner.stepEnv(k, actions));
  }

  /** Nothing to do: after every command the shared snapshots hold every env's state. */
  saveState(): void {}

  /** The host restores every env from the shared snapshots (written by the caller) and writes its pose. */
  loadState(): void {
    if (this.me !== 0) return;
    for (let k = 0; k < this.board.numEnvs; k++) this.restore(k);
    this.runner.writeAllPoses();
  }

  dispose(): void {
    this.runner.dispose();
  }

  private each(work: (k: number) => void): void {
    const { board, me, states, size, runner } = this;
    const owner = board.owner;
    for (let claim = board.claim(me); claim !== 0; claim = board.claim(me)) {
      const first = claim & 0xffff;
      const end = first + (claim >>> 16);
      for (let k = first; k < end; k++) {
        if (owner[k] !== me && owner[k] !== -1) this.restore(k);
        work(k);
        runner.env(k).packState(states, k * size);
        owner[k] = me;
      }
    }
  }

  private restore(k: number): void {
    this.runner.env(k).restore(unpackSnapshot(this.states, k * this.size, this.layout));
    this.board.owner[k] = this.me;
  }
}
