import { nowMs } from './clock.ts';
import type { SnapshotEnv } from './env-common.ts';
import { EnvRunner, type SliceRunner } from './env-runner.ts';
import { SharedWorkRunner, WorkBoard } from './work-sharing.ts';
import { createEnvSlice } from './env-slice.ts';
import { robotInfo, stateLayout } from './registry.ts';
import { viewVecMemory } from './vec-buffers.ts';
import { readSceneBoard, writeSceneBoard } from './scene-board.ts';
import type { StateLayout } from './env-common.ts';
import { COMMAND, CONTROL, STATUS, writeError, type WorkerInit, type WorkerReply } from './worker-protocol.ts';

/** What an env worker needs from its platform (Node worker_threads or a Web Worker). */
export interface WorkerEndpoint {
  postMessage(message: WorkerReply): void;
  onMessage(listener: (message: WorkerInit) => void): void;
  /** Ends the worker after CLOSE. */
  exit(): void;
}

/**
 * The body of an env worker: on `init`, builds its slice of envs and replies `ready`; then blocks on the control
 * block (Atomics.wait: workers may block) and runs RESET / STEP / CLOSE commands until closed.
 */
export function runEnvWorker(endpoint: WorkerEndpoint): void {
  endpoint.onMessage((init) => {
    void start(init, endpoint);
  });
}

/**
 * How long a worker polls for the next command before it sleeps: see SPIN_MS in worker-vec-env.ts. The host's
 * policy usually acts within this; a slower update (off-policy learners) lets the worker sleep after it.
 */
const POLL_MS = 1;

async function start(init: WorkerInit, endpoint: WorkerEndpoint): Promise<void> {
  const control = new Int32Array(init.control);
  const states = new Float64Array(init.states);
  const layout = stateLayout(init.robot, init.physics);
  const error = new Uint16Array(init.error);
  let runner: SliceRunner;
  /** The host writes every step's actions here (shared memory) before it sends STEP. */
  let actions: Float32Array;
  try {
    const { work } = init;
    const envs: SnapshotEnv[] = await createEnvSlice(init);
    const buffers = viewVecMemory(init.layout, init.memory);
    actions = buffers.actions;
    const slice = new EnvRunner(envs, init.first, init.layout, buffers, robotInfo(init.robot).rewardTerms);
    if (work) {
      // The host deals the first reset out like every later command.
      runner = new SharedWorkRunner(slice, new WorkBoard(work.board, work.threads, init.layout.numEnvs), work.thread, states, layout);
    } else {
      runner = slice;
      runner.reset(init.seed);
    }
  } catch (failure) {
    endpoint.postMessage({ type: 'failed', message: failure instanceof Error ? failure.message : String(failure) });
    return;
  }
  // Read the sequence number before saying ready: the host may send its first command at once.
  let seen = Atomics.load(control, CONTROL.SEQ);
  endpoint.postMessage({ type: 'ready' });
  for (;;) {
    const pollUntil = nowMs() + POLL_MS;
    while (nowMs() < pollUntil && Atomics.load(control, CONTROL.SEQ) === seen) {
      // poll: the next command usually comes as soon as the host's policy has acted
    }
    // A wake-up is not a command: the host bumps SEQ, then notifies, and a host thread descheduled between the two
    // notifies after this worker has run the command and gone back to sleep. Run only what SEQ says is new (rerunning
    // a STEP stepped the slice's envs twice on a loaded machine).
    while (Atomics.load(control, CONTROL.SEQ) === seen) Atomics.wait(control, CONTROL.SEQ, seen);
    seen = Atomics.load(control, CONTROL.SEQ);
    const command = control[CONTROL.COMMAND];
    let status: number = STATUS.OK;
    try {
      if (command === COMMAND.STEP) runner.step(actions);
      else if (command === COMMAND.RESET) runner.reset(control[CONTROL.ARG]);
      else if (command === COMMAND.SAVE) save(runner, states, layout, init.scenes);
      else if (command === COMMAND.LOAD) runner.loadState(states, layout, readSceneBoard(init.scenes));
      else if (command === COMMAND.CLOSE) runner.dispose();
      else throw new Error(`unknown command ${command}`);
    } catch (failure) {
      status = STATUS.ERROR;
      writeError(error, control, failure instanceof Error ? failure.message : String(failure));
    }
    control[CONTROL.STATUS] = status;
    Atomics.store(control, CONTROL.DONE, seen);
    Atomics.notify(control, CONTROL.DONE);
    if (command === COMMAND.CLOSE) {
      endpoint.exit();
      return;
    }
  }
}

/** SAVE: the slice's snapshots into the shared states, its scenes onto its scene board. */
function save(runner: SliceRunner, states: Float64Array, layout: StateLayout, board: SharedArrayBuffer): void {
  const scenes = new Map<number, Uint8Array>();
  runner.saveState(states, layout, scenes);
  writeSceneBoard(board, scenes);
}
