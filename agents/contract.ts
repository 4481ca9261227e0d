import type { PolicySnapshot } from './policy.ts';

/**
 * The contract between the learning core (agents/) and whoever drives training: the CLI, the app's workers,
 * benchmarks and tests. Every algorithm, on- or off-policy, is driven through a Trainer.
 */

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
