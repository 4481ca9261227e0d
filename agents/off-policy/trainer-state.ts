import { Rng, type RngState } from '../../sim/rng.ts';
import type { VecEnv } from '../../sim/env.ts';
import type { TrainerState } from '../contract.ts';
import type { ReplayBuffer, ReplayBufferState } from '../shared/replay-buffer.ts';
import type { RunningNormaliser } from '../shared/normaliser.ts';
import type { OffPolicyAgent } from './agent.ts';
import type { LearnerLink } from './learner-link.ts';
import { LEARNER_SEED_OFFSET } from './learner-core.ts';
import type { LearnerState } from './learner-protocol.ts';

/**
 * An off-policy run's checkpoint (trainer.ts): the acting side (counters, random stream, environments,
 * buffer, normaliser, exploration noise) and the learner's (agent, optimisers, random stream, published actors).
 */

/** What the trainer keeps in place. */
export interface TrainerParts {
  readonly seed: number;
  readonly env: VecEnv;
  /** The acting copy of the agent. */
  readonly agent: OffPolicyAgent;
  readonly learner: LearnerLink;
  readonly buffer: ReplayBuffer;
  readonly normaliser: RunningNormaliser | null;
  readonly lastObs: Float32Array;
  readonly episodeReturns: Float64Array;
  readonly episodeLengths: Float64Array;
}

/** What the trainer replaces on a restore. */
export interface TrainerCounters {
  readonly steps: number;
  readonly updates: number;
  readonly updateCredit: number;
  readonly wallTime: number;
  readonly rng: Rng;
}

/** The checkpoint of a run; the learner finishes its pending steps first. */
export async function saveTrainerState(parts: TrainerParts, counters: TrainerCounters): Promise<TrainerState> {
  const learner = await parts.learner.getState();
  const buffer = parts.buffer.getState();
  const arrays: Record<string, Float32Array | Float64Array | Int32Array | Uint8Array> = {
    lastObs: Float32Array.from(parts.lastObs),
    episodeReturns: Float64Array.from(parts.episodeReturns),
    episodeLengths: Float64Array.from(parts.episodeLengths),
    actorSlots: parts.learner.slotValues(),
  };
  for (const [name, array] of Object.entries(buffer.arrays)) arrays[`buffer.${name}`] = array;
  for (const [name, array] of Object.entries(learner.agent.arrays)) arrays[`agent.${name}`] = array;
  // The exploration noise lives in the acting copy; the learner's never moves.
  const noise = parts.agent.getState().arrays.noise;
  if (noise) arrays['agent.noise'] = noise;
  const normaliser = parts.normaliser?.getState();
  if (normaliser) {
    arrays['normaliser.mean'] = normaliser.mean;
    arrays['normaliser.variance'] = normaliser.variance;
  }
  const json: OffPolicyTrainerJson = {
    steps: counters.steps,
    updates: counters.updates,
    updateCredit: counters.updateCredit,
    wallTime: counters.wallTime,
    rng: counters.rng.getState(),
    learnerRng: learner.rng,
    learnerMessages: parts.learner.sent,
    buffer: buffer.json,
    agent: learner.agent.json,
    normaliserCount: normaliser?.count ?? 0,
    env: null,
  };
  if (parts.env.saveState) {
    const envState = await parts.env.saveState();
    json.env = envState.json;
    for (const [name, array] of Object.entries(envState.arrays)) arrays[`env.${name}`] = array;
  }
  return { json, arrays };
}

/** Restores a run from saveTrainerState's checkpoint; returns the counters to continue with. */
export async function loadTrainerState(parts: TrainerParts, state: TrainerState): Promise<TrainerCounters> {
  const json = state.json as OffPolicyTrainerJson;
  const arrays = state.arrays;
  const prefixed = (prefix: string) =>
    Object.fromEntries(
      Object.entries(arrays)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), v]),
    );
  const counters: TrainerCounters = {
    steps: json.steps,
    updates: json.updates,
    updateCredit: json.updateCredit,
    wallTime: json.wallTime,
    rng: Rng.fromState(json.rng),
  };
  parts.buffer.setState({ json: json.buffer, arrays: prefixed('buffer.') as unknown as ReplayBufferState['arrays'] });
  const agent = { json: json.agent, arrays: prefixed('agent.') as Record<string, Float32Array | Float64Array> };
  parts.agent.setState(agent);
  // A checkpoint from before the learner had its own thread: its random stream starts afresh, both slots hold the actor.
  const learnerRng = json.learnerRng ?? new Rng(parts.seed + LEARNER_SEED_OFFSET).getState();
  const actor = parts.agent.actorParameters();
  const slots = arrays.actorSlots instanceof Float32Array ? arrays.actorSlots : Float32Array.from([...actor, ...actor]);
  const learnerState: LearnerState = { agent, rng: learnerRng };
  await parts.learner.setState(learnerState, slots, json.learnerMessages ?? 0);
  if (parts.normaliser) {
    const mean = arrays['normaliser.mean'] as Float64Array;
    parts.normaliser.setState({ mean, variance: arrays['normaliser.variance'] as Float64Array, count: json.normaliserCount });
  }
  parts.episodeReturns.set(arrays.episodeReturns);
  parts.episodeLengths.set(arrays.episodeLengths);
  if (json.env !== null && parts.env.loadState) {
    await parts.env.loadState({ json: json.env, arrays: prefixed('env.') });
    parts.lastObs.set(arrays.lastObs);
  } else {
    // The environments cannot be restored: start fresh episodes, seeded by the step count.
    await parts.env.reset(parts.seed + counters.steps);
    parts.lastObs.set(parts.env.obs);
    parts.episodeReturns.fill(0);
    parts.episodeLengths.fill(0);
  }
  return counters;
}

interface OffPolicyTrainerJson {
  steps: number;
  updates: number;
  updateCredit: number;
  wallTime: number;
  /** The acting thread's random stream (actions, exploration). */
  rng: RngState;
  /** The learner's (minibatches, target noise); absent in checkpoints from before the learner thread. */
  learnerRng?: RngState;
  /** Step messages sent to the learner: which actor slot holds which update. */
  learnerMessages?: number;
  buffer: ReplayBufferState['json'];
  agent: unknown;
  normaliserCount: number;
  /** The VecEnv's own json when it can save its state, else null. */
  env: unknown;
}
