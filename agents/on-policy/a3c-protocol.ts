import type { PhysicsName } from '../../sim/physics.ts';
import type { NormaliserState } from '../shared/normaliser.ts';
import type { A3cConfig } from './a3c-config.ts';

/**
 * The messages between A3C's global network (a3c.ts) and its actor-learners (a3c-worker.ts), and the port that
 * carries them: in this thread, Node worker threads (a3c.node.ts) or Web Workers (a3c.web.ts).
 */

export type ToWorker =
  | {
      readonly type: 'init';
      readonly index: number;
      readonly robot: string;
      readonly config: A3cConfig;
      readonly seed: number;
      readonly physics?: PhysicsName;
    }
  | {
      readonly type: 'parameters';
      /** How many gradients the global network had applied when these parameters were sent. */
      readonly version: number;
      readonly parameters: Float32Array;
      readonly obsStatistics: NormaliserState | null;
      readonly returnStatistics: NormaliserState | null;
    }
  | { readonly type: 'stop' };

export interface EpisodeSummary {
  readonly ret: number;
  readonly len: number;
}

export type FromWorker =
  | { readonly type: 'ready'; readonly index: number; readonly observationSize: number; readonly actionSize: number }
  | {
      readonly type: 'gradient';
      readonly index: number;
      /** The version of the parameters this gradient was computed at (staleness = applied since then). */
      readonly version: number;
      readonly gradient: Float32Array;
      readonly steps: number;
      readonly episodes: readonly EpisodeSummary[];
      readonly obsStatistics: NormaliserState | null;
      readonly returnStatistics: NormaliserState | null;
      readonly metrics: Readonly<Record<string, number>>;
    }
  | { readonly type: 'error'; readonly index: number; readonly message: string };

/** A message channel to one worker: the injected seam between the A3C core and the platform's threads. */
export interface A3cWorkerPort {
  post(message: ToWorker): void;
  onMessage(handler: (message: FromWorker) => void): void;
  terminate(): Promise<void>;
}

export type A3cWorkerFactory = (index: number) => A3cWorkerPort;

/** What the page's A3C workers receive: a one-time setup, then the core's messages (a3c-worker.ts). */
export type ToWebA3cWorker = { readonly type: 'setup'; readonly wasmPath: string } | ToWorker;

/** A 'ready' reply from a web actor-learner: its environments' pose board is in shared memory. */
export type WebA3cReady = Extract<FromWorker, { type: 'ready' }> & { readonly poses: Float32Array; readonly numEnvs: number };

/** What the page's A3C workers send: the core's replies, 'ready' with the pose board, and 'stopped' last. */
export type FromWebA3cWorker = FromWorker | WebA3cReady | { readonly type: 'stopped' };
