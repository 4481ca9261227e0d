import type { PolicySnapshot } from './policy.ts';
import type { AlgorithmConfig } from './shared/config.ts';
import type { A3cWorkerFactory } from './on-policy/a3c-protocol.ts';
import type { LearnerThreadFactory } from './off-policy/learner-protocol.ts';
import type { VecEnv } from '../sim/env.ts';
import type { PhysicsName } from '../sim/physics.ts';

/**
 * The contract between the learning core (agents/) and whoever drives training: the CLI, the app's workers,
 * benchmarks and tests. Every algorithm, on- or off-policy, is an AlgorithmEntry (registry.ts lists them) whose
 * createTrainer returns a Trainer. Algorithms import this file, and registry.ts imports the algorithms.
 */

export type { AlgorithmConfig, ConfigValue } from './shared/config.ts';

/** One logged line of metrics.jsonl: env steps and wall time always, the rest when the algorithm has them. */
export interface MetricsRecord {
  /** Environment steps taken so far (all parallel environments counted). */
  readonly envSteps: number;
  /** Seconds of training wall time so far (excluding time spent paused or stopped). */
  readonly wallTime: number;
  /** episode_return, episode_length, critic_loss, actor_loss, entropy, kl, alpha, q_mean, steps_per_s, ... */
  readonly [metric: string]: number;
}

/** Everything needed to continue a run exactly: JSON-able scalars plus named typed arrays. */
export interface TrainerState {
  readonly json: unknown;
  readonly arrays: Readonly<Record<string, Float32Array | Float64Array | Int32Array | Uint8Array>>;
}

export interface EvaluationResult {
  readonly returns: readonly number[];
  readonly lengths: readonly number[];
  readonly meanReturn: number;
  readonly stdReturn: number;
}

export interface Trainer {
  readonly robot: string;
  readonly algorithm: string;
  readonly envSteps: number;
  /**
   * One iteration: a rollout and its update (on-policy) or a chunk of environment steps with their
   * updates (off-policy). Returns the metrics records produced during it (possibly none).
   */
  iterate(): Promise<MetricsRecord[]>;
  /** Deterministic episodes (no exploration noise) on separate evaluation environments. */
  evaluate(episodes: number): Promise<EvaluationResult>;
  getState(): Promise<TrainerState>;
  setState(state: TrainerState): Promise<void>;
  exportPolicy(): PolicySnapshot;
  dispose(): Promise<void>;
}

export type AlgorithmKind = 'on-policy' | 'off-policy';

/** Builds the vector environment a trainer learns on (sim/'s createVecEnv, or a test fixture). */
export type VecEnvFactory = (options: { robot: string; numEnvs: number; workers: number; seed: number; physics?: PhysicsName }) => Promise<VecEnv>;

export interface CreateTrainerOptions {
  readonly robot: string;
  /** A complete config, as returned by validate() or resolveConfig(). */
  readonly config: AlgorithmConfig;
  /** Seeds the networks, exploration and environments. */
  readonly seed: number;
  /** Environment worker threads (0: in this thread). */
  readonly workers?: number;
  /** The robots' physics (sim/'s createEnv); default the robot's (sim/physics.ts defaultPhysics). */
  readonly physics?: PhysicsName;
  /** Where environments come from; the robots of sim/ when absent. */
  readonly makeVecEnv?: VecEnvFactory;
  /**
   * A3C only: how its actor-learner threads start. Default: Node worker threads under Node (on-policy/a3c.node.ts),
   * in this thread elsewhere or when makeVecEnv is given; the app passes Web Workers (on-policy/a3c.web.ts).
   */
  readonly a3cWorkers?: A3cWorkerFactory;
  /**
   * DDPG, TD3, SAC only, when their config's learnerThread is on: how the learner's thread starts. Default: a Node
   * worker thread under Node (off-policy/learner-thread.node.ts), none (the learner in this thread) elsewhere or
   * when makeVecEnv is given; the app passes a Web Worker (off-policy/learner-thread.web.ts).
   */
  readonly learnerThread?: LearnerThreadFactory;
}

/** What the CLI, the app and benchmarks need to know about an algorithm. */
export interface AlgorithmEntry {
  readonly kind: AlgorithmKind;
  /** One line for help texts. */
  readonly summary: string;
  readonly defaultConfig: AlgorithmConfig;
  /** Robot name -> overrides of the defaults (assets/presets/<algo>.json). */
  readonly presets: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Field -> one-line documentation. */
  readonly fieldDocs: Readonly<Record<string, string>>;
  /** The complete config (defaults overridden by `config`), or an Error naming the offending field. */
  validate(config: Readonly<Record<string, unknown>>): AlgorithmConfig;
  createTrainer(options: CreateTrainerOptions): Promise<Trainer>;
}
