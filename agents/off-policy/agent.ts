import type { Rng } from '../../sim/rng.ts';
import type { DenseLayerSnapshot } from '../policy.ts';
import type { FieldRule } from '../shared/config.ts';
import type { TransitionBatch } from '../shared/replay-buffer.ts';

/**
 * What DDPG, TD3 and SAC share: the agent interface the off-policy training loop drives, the config fields of
 * that loop (each algorithm's config extends OffPolicyConfig), and the critics' Bellman targets.
 */

export interface AgentState {
  readonly json: unknown;
  readonly arrays: Readonly<Record<string, Float32Array | Float64Array>>;
}

/** What an off-policy algorithm provides to the loop. Observations it sees are already normalised. */
export interface OffPolicyAgent {
  /** Actions in [-1, 1] for `rows` observations; `explore` adds the algorithm's exploration. */
  act(obs: Float32Array, rows: number, explore: boolean, rng: Rng, out: Float32Array): void;
  /** One gradient step; losses and statistics when `wantMetrics`. */
  update(batch: TransitionBatch, rng: Rng, wantMetrics: boolean): Record<string, number> | null;
  /** Parallel environment `env` starts a new episode (resets correlated noise). */
  resetNoise(env: number): void;
  actorLayers(): DenseLayerSnapshot[];
  /** The online actor's parameters (flat; a view, copy it to keep it): what a learner publishes. */
  actorParameters(): Float32Array;
  /** Acts from now on with these actor parameters (the acting thread's copy follows the learner's). */
  setActorParameters(params: Float32Array): void;
  getState(): AgentState;
  setState(state: AgentState): void;
  dispose(): void;
}

/** The fields every off-policy config shares (CleanRL names in brackets where they differ). */
export type OffPolicyConfig = {
  numEnvs: number;
  bufferSize: number;
  learningStarts: number;
  batchSize: number;
  gamma: number;
  tau: number;
  hiddenSizes: readonly number[];
  updatesPerStep: number;
  stepsPerIteration: number;
  normaliseObservations: boolean;
  learnerThread: boolean;
  productHelper: boolean;
};

/** CleanRL's values of the shared fields (learningStarts is TD3's and DDPG's; SAC's is 5000). */
export const offPolicyDefaults: OffPolicyConfig = {
  numEnvs: 1,
  bufferSize: 1_000_000,
  learningStarts: 25_000,
  batchSize: 256,
  gamma: 0.99,
  tau: 0.005,
  hiddenSizes: [256, 256],
  updatesPerStep: 1,
  stepsPerIteration: 1000,
  normaliseObservations: false,
  learnerThread: true,
  productHelper: true,
};

export const offPolicyFieldDocs: Record<keyof OffPolicyConfig, string> = {
  numEnvs: 'parallel training environments',
  bufferSize: 'replay buffer capacity in transitions',
  learningStarts: 'environment steps of uniform random actions before learning starts',
  batchSize: 'transitions per gradient step',
  gamma: 'discount factor',
  tau: 'target network smoothing coefficient (1: hard copy)',
  hiddenSizes: 'hidden layer sizes of the actor and the critics',
  updatesPerStep: 'gradient steps per environment step, all environments counted (may be fractional)',
  stepsPerIteration: 'environment steps per iterate() call, i.e. per metrics record',
  normaliseObservations: 'normalise observations with running statistics (saved with the policy)',
  learnerThread: 'take the gradient steps in a second thread while this one steps the robots (same results either way)',
  productHelper: 'with learnerThread: the learner hands half of each large matrix product to a third thread (same results either way)',
};

export const offPolicyRules: Partial<Record<keyof OffPolicyConfig, FieldRule>> = {
  numEnvs: { min: 1, integer: true },
  bufferSize: { min: 1, integer: true },
  learningStarts: { min: 0, integer: true },
  batchSize: { min: 1, integer: true },
  gamma: { min: 0, max: 1 },
  tau: { min: 0, max: 1 },
  hiddenSizes: { min: 1, integer: true },
  updatesPerStep: { min: 0, exclusiveMin: true },
  stepsPerIteration: { min: 1, integer: true },
};

/** y = r + gamma (1 - d) min over the target critics (one or two) of Q'(s', a'). */
export function criticTargets(
  rewards: Float32Array,
  terminated: Float32Array,
  gamma: number,
  nextQs: readonly Float32Array[],
  out: Float32Array,
): void {
  for (let b = 0; b < rewards.length; b++) {
    let q = nextQs[0][b];
    for (let k = 1; k < nextQs.length; k++) q = Math.min(q, nextQs[k][b]);
    out[b] = rewards[b] + gamma * (1 - terminated[b]) * q;
  }
}
