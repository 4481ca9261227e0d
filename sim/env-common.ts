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
