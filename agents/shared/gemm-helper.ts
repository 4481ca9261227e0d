/**
 * A second thread for the learners' large matrix products (heap-gemm.ts). The learner thread and its helper share
 * one wasm memory; for a product of at least SPLIT_WORK multiply-adds the learner hands the helper the lower rows
 * (or, for products of fewer than 8 rows, the right-hand columns) and computes the rest itself. The cut falls on
 * gemm.wat's 4 x 8 blocks, so every value is computed by the same instructions in the same order as without the
 * helper: runs are bit for bit the same with it, without it, and before it has started (tested).
 *
 * Why: a TD3 update is about two thirds products, and the learner thread had the second core to itself only
 * while the acting thread (one environment, a policy forward pass a step) sat idle, which it does ~90% of the time.
 *
 * Handing over: the learner writes the job's 13 arguments into a shared Int32Array, bumps SEQ and notifies; the
 * helper spins on SEQ for a short while before sleeping (a wake-up from Atomics.wait costs tens of microseconds,
 * and the next product usually comes sooner), runs the job, and writes SEQ's value into DONE. The learner, done with
 * its part, spins on DONE, then sleeps on it with a timeout: a helper that died fails the update with a message
 * rather than hanging it.
 */

/** The parts of the WebAssembly API this file uses (not in ES2022's library, which is all agents/ may assume). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export type GemmModule = { readonly kind?: 'compiled gemm.wat' };
declare const WebAssembly: {
  Instance: new (module: GemmModule, imports: { env: { memory: WasmMemory } }) => { exports: unknown };
};

/** gemm.wat's product: see there for its 13 parameters. */
export type GemmFunction = (...args: GemmArgs) => void;
export type GemmArgs = [
  a: number,
  aRow: number,
  aStep: number,
  b: number,
  ldb: number,
  c: number,
  ldc: number,
  bias: number,
  m: number,
  k: number,
  n: number,
  relu: number,
  mask: number,
];

/** What a helper thread is started with: the learner's memory, the compiled module and the control words. */
export interface GemmHelperJob {
  readonly memory: WasmMemory;
  readonly module: GemmModule;
  readonly control: Int32Array;
}

/** A started helper thread (its platform's worker), to stop with the HeapSpace that started it. */
export interface GemmHelperThread {
  terminate(): void;
}

/** Starts a helper thread running serveGemm(job) (gemm-helper.node.ts, gemm-helper.web.ts). */
export type GemmHelperStarter = (job: GemmHelperJob) => GemmHelperThread;

const SEQ = 0;
const DONE = 1;
/** 1 once the helper has its instance; until then the learner does every product alone. */
const READY = 2;
const ARGS = 3;
export const CONTROL_WORDS = ARGS + 13;
/** SEQ's value that stops the helper. */
const STOP = -1;
/** DONE's value when the helper's part threw (its message is not carried: the learner reports the failure). */
const FAILED = -2;

/** Multiply-adds from which a product is split: below, the hand-over (~1-20 us) costs more than half the product. */
export const SPLIT_WORK = 1 << 20;
/** Atomics.load polls before sleeping: some tens of microseconds. */
const SPINS = 20_000;
/** How long the learner waits for the helper's part before the update fails. */
const HELPER_TIMEOUT_MS = 10_000;

/** The helper thread's loop: runs jobs until told to stop. */
export function serveGemm(job: GemmHelperJob): void {
  const { control } = job;
  const exports = new WebAssembly.Instance(job.module, { env: { memory: job.memory } }).exports as { gemm: GemmFunction };
  Atomics.store(control, READY, 1);
  let seen = Atomics.load(control, SEQ);
  for (;;) {
    let seq = Atomics.load(control, SEQ);
    for (let spin = 0; seq === seen && spin < SPINS; spin++) seq = Atomics.load(control, SEQ);
    if (seq === seen) {
      Atomics.wait(control, SEQ, seen);
      continue;
    }
    if (seq === STOP) return;
    seen = seq;
    try {
      exports.gemm(...(Array.from(control.subarray(ARGS, ARGS + 13)) as GemmArgs));
      Atomics.store(control, DONE, seq);
    } catch {
      Atomics.store(control, DONE, FAILED);
    }
    Atomics.notify(control, DONE);
  }
}

/** The learner's side: splits large products between this thread and the helper. */
export class GemmSplitter {
  private readonly control: Int32Array;
  private readonly thread: GemmHelperThread;
  private readonly timeoutMs: number;
  private seq = 0;

  constructor(memory: WasmMemory, module: GemmModule, start: GemmHelperStarter, options: { readonly timeoutMs?: number } = {}) {
    this.timeoutMs = options.timeoutMs ?? HELPER_TIMEOUT_MS;
    this.control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
    this.thread = start({ memory, module, control: this.control });
  }

  /** Whether the helper thread is up (until then this thread computes every product whole). */
  get ready(): boolean {
    return Atomics.load(this.control, READY) === 1;
  }

  /** gemm(...args), its rows or columns shared with the helper when the product is large and the helper is up. */
  run(gemm: GemmFunction, args: GemmArgs): void {
    const [a, aRow, aStep, b, ldb, c, ldc, bias, m, k, n, relu, mask] = args;
    if (m * k * n < SPLIT_WORK || !this.ready || (m < 8 && n < 16)) {
      gemm(...args);
      return;
    }
    if (m >= 8) {
      const rows = (m >> 3) << 2; // about half, on a 4-row block boundary
      const rowBytes = (index: number, stride: number) => index * stride * 4;
      this.hand([
        a + rowBytes(rows, aRow),
        aRow,
        aStep,
        b,
        ldb,
        c + rowBytes(rows, ldc),
        ldc,
        bias,
        m - rows,
        k,
        n,
        relu,
        mask && mask + rowBytes(rows, ldc),
      ]);
      gemm(a, aRow, aStep, b, ldb, c, ldc, bias, rows, k, n, relu, mask);
    } else {
      const columns = (n >> 4) << 3; // about half, on an 8-column block boundary
      const shift = columns * 4;
      this.hand([a, aRow, aStep, b + shift, ldb, c + shift, ldc, bias && bias + shift, m, k, n - columns, relu, mask && mask + shift]);
      gemm(a, aRow, aStep, b, ldb, c, ldc, bias, m, k, columns, relu, mask);
    }
    this.join();
  }

  /** Stops the helper thread. */
  dispose(): void {
    Atomics.store(this.control, SEQ, STOP);
    Atomics.notify(this.control, SEQ);
    this.thread.terminate();
  }

  private hand(args: GemmArgs): void {
    this.control.set(args, ARGS);
    this.seq = this.seq >= 0x3fffffff ? 1 : this.seq + 1;
    Atomics.store(this.control, SEQ, this.seq);
    Atomics.notify(this.control, SEQ);
  }

  private join(): void {
    const { control, seq } = this;
    let done = Atomics.load(control, DONE);
    for (let spin = 0; done !== seq && done !== FAILED && spin < SPINS; spin++) done = Atomics.load(control, DONE);
    const deadline = Date.now() + this.timeoutMs;
    while (done !== seq && done !== FAILED && Date.now() < deadline) {
      Atomics.wait(control, DONE, done, 100);
      done = Atomics.load(control, DONE);
    }
    if (done === FAILED) throw new Error("the learner's product helper thread failed on its part of a matrix product");
    if (done !== seq)
      throw new Error(`the learner's product helper thread did not answer within ${this.timeoutMs / 1000} s (it died or the machine stalled)`);
  }
}
