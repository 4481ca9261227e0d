import type { Env } from './env.ts';
import type { RngState } from './rng.ts';

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
}

/** An Env that can be snapshot and restored exactly (every env createEnv returns). */
export interface SnapshotEnv extends Env {
  snapshot(): EnvSnapshot;
  restore(snapshot: EnvSnapshot): void;
}

/** Throws a clear error unless qpos/qvel have the right lengths and finite entries. */
export function checkState(robot: string, qpos: ArrayLike<number>, qvel: ArrayLike<number>, nq: number, nv: number): void {
  if (qpos.length !== nq || qvel.length !== nv) throw new Error(`${robot}: setState needs qpos[${nq}] and qvel[${nv}], got ${qpos.length} and ${qvel.length}`);
  for (let i = 0; i < nq; i++) if (!Number.isFinite(qpos[i])) throw new Error(`${robot}: qpos[${i}] is ${qpos[i]}`);
  for (let i = 0; i < nv; i++) if (!Number.isFinite(qvel[i])) throw new Error(`${robot}: qvel[${i}] is ${qvel[i]}`);
}
