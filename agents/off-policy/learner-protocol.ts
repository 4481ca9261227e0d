import type { RngState } from '../../sim/rng.ts';
import type { NormaliserState } from '../shared/normaliser.ts';
import type { ReplayMemory } from '../shared/replay-buffer.ts';
import type { AgentState, OffPolicyConfig } from './agent.ts';

/**
 * What the acting thread and the learner (learner-core.ts) say to each other, in a worker thread or in the
 * same thread. The replay buffer and the published actor parameters live in shared memory; messages carry
 * only what happened since the last one.
 */

export interface LearnerSetup {
  /** 'td3', 'ddpg' or 'sac' (agent-makers.ts builds the agent from it). */
  readonly algorithm: string;
  readonly config: OffPolicyConfig;
  readonly obsSize: number;
  readonly actionSize: number;
  readonly seed: number;
  /** The replay buffer's arrays (SharedArrayBuffers when the learner runs in another thread). */
  readonly memory: ReplayMemory;
  /** Two slots of the online actor's parameters: message m's result goes to slot m % 2. */
  readonly actorSlots: Float32Array;
}

export interface LearnerState {
  readonly agent: AgentState;
  readonly rng: RngState;
}

export type ToLearner =
  | { readonly type: 'init'; readonly setup: LearnerSetup }
  /**
   * Message number `index`: the buffer now holds `transitions` transitions ever added; run `updates` gradient
   * steps (observations normalised with `normaliser` when given), then publish the actor into slot index % 2.
   */
  | {
      readonly type: 'step';
      readonly index: number;
      readonly transitions: number;
      readonly updates: number;
      readonly wantMetrics: boolean;
      readonly normaliser: NormaliserState | null;
    }
  | { readonly type: 'getState' }
  | { readonly type: 'setState'; readonly state: LearnerState }
  | { readonly type: 'stop' };

export type FromLearner =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly index: number; readonly metrics: Record<string, number> | null }
  | { readonly type: 'state'; readonly state: LearnerState }
  | { readonly type: 'stateSet' }
  | { readonly type: 'error'; readonly message: string }
  /** The thread ended (its last words; every later wait fails). */
  | { readonly type: 'exit'; readonly message: string };

/** One learner, wherever it runs. */
export interface LearnerPort {
  post(message: ToLearner): void;
  onMessage(handler: (message: FromLearner) => void): void;
  terminate(): Promise<void>;
}

/** Starts a learner: a Node worker thread (learner-thread.node.ts), a Web Worker (learner-thread.web.ts) or inline. */
export type LearnerThreadFactory = () => LearnerPort;

/** What the page's learner worker (learner-worker.web.ts) receives: a one-time setup, then the core's messages. */
export type ToWebLearner = { readonly type: 'setup'; readonly wasmPath: string } | ToLearner;
