import type { SoftConstraintParams } from './robot-description.ts';

/**
 * MuJoCo's soft constraints (solref/solimp), as in its documentation ("Computation: soft constraints") and
 * engine_core_constraint.c. A constraint with Jacobian J, distance `pos` (negative when violated) and velocity
 * `vel` = J qvel aims at the reference acceleration aref = -b vel - k d(pos) (pos - margin); its force is
 * f = (aref - J a0) / (A + R), clamped to push only, where A = J M^-1 J' and R = (1 - d)/d * invWeight0.
 */
export interface SoftConstraintCoefficients {
  readonly b: number;
  readonly k: number;
  readonly dmin: number;
  readonly dmax: number;
  readonly width: number;
  readonly midpoint: number;
  readonly power: number;
  readonly margin: number;
}

export function softConstraintCoefficients(params: SoftConstraintParams, timestep: number): SoftConstraintCoefficients {
  const [dmin, dmax, width, midpoint, power] = params.solimp;
  // MuJoCo keeps the time constant at least two timesteps (unless refsafe is disabled).
  const timeconst = Math.max(params.solref[0], 2 * timestep);
  const dampratio = params.solref[1];
  return {
    b: 2 / (dmax * timeconst),
    k: 1 / (dmax * dmax * timeconst * timeconst * dampratio * dampratio),
    dmin,
    dmax,
    width,
    midpoint,
    power,
    margin: params.margin,
  };
}

/** MuJoCo's impedance d(r) in [dmin, dmax] for a violation r (pos - margin). */
export function impedance(c: SoftConstraintCoefficients, violation: number): number {
  if (c.dmin === c.dmax || c.width <= 0) return c.dmin;
  const x = Math.min(1, Math.abs(violation) / c.width);
  let y: number;
  if (x >= 1) y = 1;
  else if (c.power === 1) y = x;
  else if (x <= c.midpoint) y = x ** c.power / c.midpoint ** (c.power - 1);
  else y = 1 - (1 - x) ** c.power / (1 - c.midpoint) ** (c.power - 1);
  return c.dmin + y * (c.dmax - c.dmin);
}
