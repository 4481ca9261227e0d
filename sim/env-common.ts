import type { Env, StepResult } from './env.ts';
import type { Rng, RngState } from './rng.ts';

/** What every robot's step shares: checking and clipping actions, spotting a physics blow-up. */

/**
 * Copies `action` into `out` clipped to [-1, 1]. Throws a clear error for a wrong length or a non-finite entry:
 * those are bugs in the caller, not states to simulate.
 */
export function clipAction(robot: string, action: ArrayLike<number>, out: Float64Array): Float64Array {
  if (action.length !== out.length) {
    throw new Error(`${robot}: action has ${action.length} entries, expected ${out.length}`);
  }
  for (let i = 0; i < out.length; i++) {
    const value = action[i];
    if (!Number.isFinite(value)) throw new Error(`${robot}: action[${i}] is ${value}; actions must be finite numbers in [-1, 1]`);
    out[i] = value < -1 ? -1 : value > 1 ? 1 : value;
  }
  return out;
}

/** Largest |qpos| or |qvel| entry we still call physics; beyond it (or non-finite) the episode ends as a blow-up. */
export const ABSURD_STATE = 1e4;

export function isAbsurd(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!(Math.abs(value) <= ABSURD_STATE)) return true; // also catches NaN
  }
  return false;
}

/** Sum of squares (the control cost's core). */
export function sumOfSquares(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return sum;
}

/** Everything that decides an env's future: physics state, its random stream, steps into the episode. */
export interface EnvSnapshot {
  readonly qpos: readonly number[];
  readonly qvel: readonly number[];
  readonly rng: RngState;
  /** Steps since the last reset (set by TimeLimit; 0 for a bare env). */
  readonly elapsedSteps: number;
  /** Engine state beyond qpos and qvel (engines/engine.ts writeStateExtra: MuJoCo's warmstart); absent: none. */
  readonly extra?: readonly number[];
  /**
   * Whole physics scenes by id (Rapier worlds, shared by many envs: engines/rapier/snapshot.ts); `extra` names the
   * env's. Absent for engines without shared scenes.
   */
  readonly scenes?: ReadonlyMap<number, Uint8Array>;
}

/**
 * One restore of many envs from the same saved scenes: each scene is rebuilt once and shared by the envs restored
 * into it (by scene id); finishRestore() then lets each drop what no restored env claimed.
 */
export type RestorePass = Map<number, { finish(): void }>;

export function finishRestore(pass: RestorePass): void {
  for (const scene of pass.values()) scene.finish();
}

/** Sizes of an env's packed snapshot: qpos, qvel and the engine's extra state (registry.ts stateLayout). */
export interface StateLayout {
  readonly nq: number;
  readonly nv: number;
  readonly extra: number;
}

/** Floats one packed snapshot takes: elapsed steps, qpos, qvel, the Rng's 4 state words, its spare normal, extra. */
export function snapshotSize(layout: StateLayout): number {
  return 1 + layout.nq + layout.nv + 4 + 1 + layout.extra;
}

/** Writes a snapshot as plain numbers at out[offset...] (for shared memory between threads). */
export function packSnapshot(snapshot: EnvSnapshot, out: Float64Array, offset: number): void {
  let o = offset;
  out[o++] = snapshot.elapsedSteps;
  for (const value of snapshot.qpos) out[o++] = value;
  for (const value of snapshot.qvel) out[o++] = value;
  if (snapshot.rng.words.length !== 4) throw new Error(`expected 4 Rng state words, got ${snapshot.rng.words.length}`);
  for (const word of snapshot.rng.words) out[o++] = word;
  out[o++] = snapshot.rng.spareNormal ?? Number.NaN;
  for (const value of snapshot.extra ?? []) out[o++] = value;
}

/**
 * packSnapshot's layout written straight from an env's live state, without building a snapshot: what envs do
 * every step when threads share them (work-sharing.ts).
 */
export function packLiveState(out: Float64Array, offset: number, elapsedSteps: number, qpos: Float64Array, qvel: Float64Array, rng: Rng): void {
  out[offset] = elapsedSteps;
  out.set(qpos, offset + 1);
  out.set(qvel, offset + 1 + qpos.length);
  rng.writeState(out, offset + 1 + qpos.length + qvel.length);
}

export function unpackSnapshot(data: Float64Array, offset: number, layout: StateLayout): EnvSnapshot {
  const { nq, nv } = layout;
  let o = offset;
  const elapsedSteps = data[o++];
  const qpos = Array.from(data.subarray(o, o + nq));
  o += nq;
  const qvel = Array.from(data.subarray(o, o + nv));
  o += nv;
  const words = Array.from(data.subarray(o, o + 4));
  o += 4;
  const spare = data[o++];
  const snapshot = { qpos, qvel, rng: { words, spareNormal: Number.isNaN(spare) ? null : spare }, elapsedSteps };
  return layout.extra > 0 ? { ...snapshot, extra: Array.from(data.subarray(o, o + layout.extra)) } : snapshot;
}

/** An Env that can be snapshot and restored exactly (every env createEnv returns). */
export interface SnapshotEnv extends Env {
  snapshot(): EnvSnapshot;
  /** `pass`: part of a restore of many envs (the caller finishes it); absent: this env alone. */
  restore(snapshot: EnvSnapshot, pass?: RestorePass): void;
  /** Writes snapshot() as packSnapshot would, without allocating (see packLiveState). */
  packState(out: Float64Array, offset: number): void;
}

/** Throws a clear error unless qpos/qvel have the right lengths and finite entries. */
export function checkState(robot: string, qpos: ArrayLike<number>, qvel: ArrayLike<number>, nq: number, nv: number): void {
  if (qpos.length !== nq || qvel.length !== nv)
    throw new Error(`${robot}: setState needs qpos[${nq}] and qvel[${nv}], got ${qpos.length} and ${qvel.length}`);
  for (let i = 0; i < nq; i++) if (!Number.isFinite(qpos[i])) throw new Error(`${robot}: qpos[${i}] is ${qpos[i]}`);
  for (let i = 0; i < nv; i++) if (!Number.isFinite(qvel[i])) throw new Error(`${robot}: qvel[${i}] is ${qvel[i]}`);
}

/** Physics stepped for several envs at once (one Rapier world): the runner steps it once per env step. */
export interface SharedPhysics {
  step(): void;
  /** The scene's id in snapshots (EnvSnapshot.scenes). */
  readonly id: number;
  /** The whole scene, for EnvSnapshot.scenes. */
  takeSnapshot(): Uint8Array;
}

/**
 * An env whose physics may be shared with other envs. step() = stage(), scene.step(), finish(); a runner with many
 * envs in one scene stages all, steps the scene once and finishes all. `scene` is null for envs with their own,
 * unshared physics (MuJoCo): those are stepped one by one.
 */
export interface StagedEnv extends SnapshotEnv {
  readonly scene: SharedPhysics | null;
  /** Checks and clips the action (throws on a bad one, before anything moves) and hands it to the physics. */
  stage(action: ArrayLike<number>): void;
  /** Reward, termination and observation after the scene has been stepped. */
  finish(): StepResult;
}

export function isStagedEnv(env: SnapshotEnv): env is StagedEnv {
  const staged = env as Partial<StagedEnv>;
  return typeof staged.stage === 'function' && typeof staged.finish === 'function' && staged.scene !== undefined;
}

/** What a robot's task needs from a physics backend whose steps can be staged and shared. */
export interface StagedPhysics {
  /** Generalised coordinates (MuJoCo's), updated by every step. */
  readonly qpos: Float64Array;
  readonly qvel: Float64Array;
  /** The shared scene that steps this physics, or null when advance() steps it alone. */
  readonly scene: SharedPhysics | null;
  setState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): void;
  /** Controls (clipped, in [-1, 1]) for the next environment step; the array is the env's and stays valid. */
  stage(u: Float64Array): void;
  /** One environment step (frameSkip physics steps) of this physics alone, with the staged controls. */
  advance(): void;
  /** Body frames (x, y, z, qx, qy, qz, qw) in the robot's pose order. */
  writePoses(out: Float32Array, offset: number): void;
  dispose(): void;
}
