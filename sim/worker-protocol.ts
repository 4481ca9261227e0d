/**
 * The handshake between a WorkerVecEnv and its env workers: one Int32Array control block per worker over a
 * SharedArrayBuffer. The host writes the command and its argument, bumps SEQ and notifies; the worker runs it,
 * writes STATUS (and an error text on failure), sets DONE = SEQ and notifies back.
 */
import type { EnvSliceOptions } from './env-slice.ts';
import type { VecLayout, VecMemory } from './vec-buffers.ts';

export const CONTROL = { SEQ: 0, DONE: 1, COMMAND: 2, ARG: 3, STATUS: 4, ERROR_LENGTH: 5 } as const;
export const CONTROL_INTS = 8;
export const ERROR_BYTES = 2048;
export const COMMAND = { RESET: 1, STEP: 2, CLOSE: 3, SAVE: 4, LOAD: 5 } as const;
export const STATUS = { OK: 0, ERROR: 1 } as const;

/** The one postMessage a worker receives: its slice of envs (createEnvSlice's options) and the shared memory. */
export interface WorkerInit extends EnvSliceOptions {
  readonly type: 'init';
  readonly layout: VecLayout;
  readonly memory: VecMemory;
  readonly control: SharedArrayBuffer;
  readonly error: SharedArrayBuffer;
  /** Packed env snapshots (env-common.ts packSnapshot), for SAVE and LOAD (and, sharing work, every step). */
  readonly states: SharedArrayBuffer;
  /** This worker's scene board (scene-board.ts): the saved Rapier worlds it writes on SAVE and reads on LOAD. */
  readonly scenes: SharedArrayBuffer;
  /** Work sharing (work-sharing.ts): the board, this worker's thread index (the host is 0) and the thread count; null: a fixed slice. */
  readonly work: { readonly board: SharedArrayBuffer; readonly thread: number; readonly threads: number } | null;
}

/** Replies by postMessage (only around start-up; stepping goes through the control block). */
export type WorkerReply = { readonly type: 'ready' } | { readonly type: 'failed'; readonly message: string };

/** Error text as UTF-16 code units in shared memory (TextEncoder is not in every worker's core library). */
export function writeError(error: Uint16Array, control: Int32Array, message: string): void {
  const length = Math.min(message.length, error.length);
  for (let i = 0; i < length; i++) error[i] = message.charCodeAt(i);
  control[CONTROL.ERROR_LENGTH] = length;
}

export function readError(error: Uint16Array, control: Int32Array): string {
  let text = '';
  for (let i = 0; i < control[CONTROL.ERROR_LENGTH]; i++) text += String.fromCharCode(error[i]);
  return text;
}

/** A started worker as the host sees it; adapters wrap Node's worker_threads or the browser's Worker. */
export interface WorkerPort {
  postMessage(message: WorkerInit): void;
  onMessage(listener: (reply: WorkerReply) => void): void;
  onError(listener: (error: Error) => void): void;
  terminate(): unknown;
}

/** Starts one env worker (running sim/env-worker.ts's runEnvWorker). */
export type WorkerFactory = () => WorkerPort;
