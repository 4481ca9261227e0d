import type { VecEnv, VecEnvState } from './env.ts';
import { snapshotSize, type StateLayout } from './env-common.ts';
import type { RapierWorldMode } from './env-slice.ts';
import { resolvePhysics, robotInfo, stateLayout, type PhysicsName } from './registry.ts';
import { RETIRED_PHYSICS } from './physics.ts';
import type { VecBuffers, VecLayout } from './vec-buffers.ts';
import type { WorkerFactory } from './worker-protocol.ts';
import { decodeScenes, encodeScenes, type Scenes } from './scene-board.ts';

/**
 * A VecEnv plus the per-env bookkeeping trainers need (see VecBuffers): returns and lengths of the episodes
 * that just ended, this step's reward terms, blow-up flags, and the pose board.
 */
export interface SimVecEnv extends VecEnv, Omit<VecBuffers, 'obs' | 'actions' | 'rewards' | 'terminated' | 'truncated' | 'finalObs'> {
  /** Names of the reward terms, the column order of rewardTerms. */
  readonly rewardTermNames: readonly string[];
  /** Bodies per env in `poses` (7 floats each). */
  readonly bodyCount: number;
  /** Seconds of simulated time per step. */
  readonly dt: number;
  /** Threads stepping the envs: 0 = this thread alone; K >= 2 = this thread and K - 1 worker threads. */
  readonly workers: number;
  /** Completed step() calls since construction; bumped after poses are written (the pose board's clock). */
  readonly stepCount: number;
  saveState(): Promise<VecEnvState>;
  loadState(state: VecEnvState): Promise<void>;
}

/** The buffers a saved VecEnv carries beside its envs' snapshots. */
type SavedBuffers = Pick<VecBuffers, 'obs' | 'episodeReturns' | 'episodeLengths' | 'finishedReturns' | 'finishedLengths'>;

/** A VecEnvState from packed env snapshots, the saved scenes (Rapier worlds; none for other engines) and the running buffers. */
export function vecEnvState(vec: SimVecEnv, states: Float64Array, scenes: Scenes): VecEnvState {
  return {
    json: { kind: 'sinew-vec-env', robot: vec.robot, numEnvs: vec.numEnvs },
    arrays: {
      states: states.slice(),
      ...(scenes.size > 0 ? { scenes: encodeScenes(scenes) } : {}),
      obs: vec.obs.slice(),
      episodeReturns: vec.episodeReturns.slice(),
      episodeLengths: vec.episodeLengths.slice(),
      finishedReturns: vec.finishedReturns.slice(),
      finishedLengths: vec.finishedLengths.slice(),
    },
  };
}

/**
 * Checks a VecEnvState against this VecEnv, copies its buffers back and returns the packed snapshots and saved
 * scenes. Rapier states saved before worlds were saved (no scenes) cannot resume exactly: refused, saying so.
 */
export function restoreVecBuffers(
  vec: SimVecEnv & SavedBuffers,
  state: VecEnvState,
  layout: StateLayout,
  physics: PhysicsName,
): { states: Float64Array; scenes: Scenes } {
  const json = state.json as { kind?: string; robot?: string; numEnvs?: number } | null;
  if (json?.kind !== 'sinew-vec-env' || json.robot !== vec.robot || json.numEnvs !== vec.numEnvs) {
    throw new Error(`VecEnv state is for ${json?.numEnvs} x ${json?.robot}, not ${vec.numEnvs} x ${vec.robot}`);
  }
  const { states, obs, episodeReturns, episodeLengths, finishedReturns, finishedLengths } = state.arrays;
  const scenes = state.arrays.scenes;
  if (physics === 'rapier' && !(scenes instanceof Uint8Array))
    throw new Error(
      'VecEnv state: these Rapier envs were saved by an older sinew, without their Rapier worlds (the solver state a resume needs to continue exactly); this sinew cannot resume them: start a new run',
    );
  // The hand-written joint-space models (sinew before the engines) saved qpos, qvel and the random stream alone.
  if (physics === 'mujoco' && states instanceof Float64Array && states.length === vec.numEnvs * snapshotSize({ ...layout, extra: 0 }))
    throw new Error(
      `VecEnv state: these envs were saved on the hand-written '${RETIRED_PHYSICS}' physics, which this sinew no longer has; their checkpoint cannot be resumed here (its policy still plays and exports: sinew play RUN, sinew export RUN): start a new run to train on, --physics mujoco computes the same dynamics`,
    );
  if (!(states instanceof Float64Array) || states.length !== vec.numEnvs * snapshotSize(layout))
    throw new Error('VecEnv state: states array has the wrong size');
  vec.obs.set(obs as Float32Array);
  vec.episodeReturns.set(episodeReturns as Float64Array);
  vec.episodeLengths.set(episodeLengths as Int32Array);
  vec.finishedReturns.set(finishedReturns as Float64Array);
  vec.finishedLengths.set(finishedLengths as Int32Array);
  return { states, scenes: scenes instanceof Uint8Array ? decodeScenes(scenes) : new Map() };
}

export interface VecEnvOptions {
  readonly robot: string;
  readonly numEnvs: number;
  /** 0 or 1: step in this thread; K >= 2: spread the envs over this thread and K - 1 worker threads. */
  readonly workers?: number;
  /** Seed of the first reset (env i uses seed + i). Default 0. */
  readonly seed?: number;
  /** Per-episode step limit; default the robot's Gymnasium limit. */
  readonly maxEpisodeSteps?: number;
  /** The robots' physics (see createEnv); default the robot's (physics.ts defaultPhysics). */
  readonly physics?: PhysicsName;
  /** Rapier physics: one world per thread's slice ('shared', default) or per robot (see env-slice.ts). */
  readonly rapierWorlds?: RapierWorldMode;
  /**
   * Workers >= 2 with joint-space robots: the threads share the envs out step by step (work-sharing.ts) instead of
   * each stepping a fixed slice. Results are the same either way. Default: for robots with contacts (the Hopper),
   * whose steps vary in cost; fixed slices for the Reacher, whose steps all cost the same.
   */
  readonly workSharing?: boolean;
  /** Worker factory for workers >= 2 (defaults: Node worker_threads in Node; the app passes its web one). */
  readonly workerFactory?: WorkerFactory;
}

/** Throws a clear error unless `actions` holds one action per env. */
export function checkActions(vec: VecEnv, actions: Float32Array): void {
  const expected = vec.numEnvs * vec.actionSize;
  if (actions.length !== expected) {
    throw new Error(`VecEnv.step: got ${actions.length} actions, expected numEnvs x actionSize = ${vec.numEnvs} x ${vec.actionSize} = ${expected}`);
  }
}

export function vecLayout(robot: string, numEnvs: number): VecLayout {
  const info = robotInfo(robot);
  if (!(Number.isInteger(numEnvs) && numEnvs > 0)) throw new Error(`numEnvs must be a positive integer, got ${numEnvs}`);
  return {
    numEnvs,
    observationSize: info.observationSize,
    actionSize: info.actionSize,
    termCount: info.rewardTerms.length,
    bodyCount: info.bodies.length,
  };
}

/** The fields every SimVecEnv exposes, as views of its buffers (shared by both implementations). */
export abstract class VecEnvViews {
  readonly robot: string;
  readonly numEnvs: number;
  readonly observationSize: number;
  readonly actionSize: number;
  readonly rewardTermNames: readonly string[];
  readonly bodyCount: number;
  readonly dt: number;
  readonly obs: Float32Array;
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly finalObs: Float32Array;
  readonly finishedReturns: Float64Array;
  readonly finishedLengths: Int32Array;
  readonly episodeReturns: Float64Array;
  readonly episodeLengths: Int32Array;
  readonly rewardTerms: Float32Array;
  readonly physicsBlowUp: Uint8Array;
  readonly poses: Float32Array;
  /** Sizes of each env's packed snapshot (registry.ts stateLayout). */
  protected readonly stateLayout: StateLayout;
  /** The envs' physics (the robot's default resolved). */
  protected readonly physics: PhysicsName;

  protected constructor(robot: string, physics: PhysicsName | undefined, layout: VecLayout, buffers: VecBuffers) {
    const info = robotInfo(robot);
    this.stateLayout = stateLayout(robot, physics);
    this.physics = resolvePhysics(info.name, physics);
    this.robot = info.name;
    this.numEnvs = layout.numEnvs;
    this.observationSize = layout.observationSize;
    this.actionSize = layout.actionSize;
    this.rewardTermNames = info.rewardTerms;
    this.bodyCount = layout.bodyCount;
    this.dt = info.dt;
    ({
      obs: this.obs,
      rewards: this.rewards,
      terminated: this.terminated,
      truncated: this.truncated,
      finalObs: this.finalObs,
      finishedReturns: this.finishedReturns,
      finishedLengths: this.finishedLengths,
      episodeReturns: this.episodeReturns,
      episodeLengths: this.episodeLengths,
      rewardTerms: this.rewardTerms,
      physicsBlowUp: this.physicsBlowUp,
      poses: this.poses,
    } = buffers);
  }
}
