import type { ModelJoint } from '../../model/types.ts';

/**
 * MuJoCo's soft joint limit, as spring-damper terms for a joint's motor. Beyond a limit (distance r < 0) MuJoCo's
 * constraint makes the joint accelerate at (1 - d) a0 + d a_ref with a_ref = -b v - k d r (solref: time constant
 * and damping ratio, or direct stiffness and damping; solimp: the impedance d between dmin and dmax over `width`),
 * and never pulls the joint into the limit. Here, with m the joint's inertia as the limit sees it (layout.ts
 * limitInertia): a spring d^2 k m and a damper d b m towards the limit, and the actuator's push into the limit
 * scaled by 1 - d (the part of a0 Rapier can see before the step). Rapier's own limits are hard (no overshoot, no
 * bounce), which MuJoCo's references show are not how these joints move near their ranges.
 */
export class SoftLimit {
  private readonly k: number;
  private readonly b: number;
  private readonly dmin: number;
  private readonly dmax: number;
  private readonly width: number;
  private readonly mid: number;
  private readonly power: number;
  /** Outputs of the last apply(): spring stiffness and damping, the limit position, the actuator's scale. */
  stiffness = 0;
  damping = 0;
  target = 0;
  torqueScale = 1;

  constructor(
    joint: ModelJoint,
    private readonly inertia: number,
    /** The range relative to the joint's ref (the motor's position coordinate). */
    private readonly lower: number,
    private readonly upper: number,
  ) {
    const [timeconst, dampratio] = joint.solrefLimit;
    const [dmin, dmax, width, mid, power] = joint.solimpLimit;
    this.dmin = dmin;
    this.dmax = dmax;
    this.width = width;
    this.mid = mid;
    this.power = power;
    if (timeconst > 0) {
      this.k = 1 / (dmax * dmax * timeconst * timeconst * dampratio * dampratio);
      this.b = 2 / (dmax * timeconst);
    } else {
      this.k = -timeconst;
      this.b = -dampratio;
    }
  }

  /** MuJoCo's impedance at distance |r| into the limit. */
  private impedance(distance: number): number {
    const { dmin, dmax, width, mid, power } = this;
    if (!(width > 0) || distance >= width) return dmax;
    const x = distance / width;
    const y = x < mid ? x ** power / mid ** (power - 1) : 1 - (1 - x) ** power / (1 - mid) ** (power - 1);
    return dmin + y * (dmax - dmin);
  }

  /** Sets the outputs for joint position q and rate (relative to ref) and actuator torque tau; false: inactive. */
  apply(q: number, rate: number, tau: number): boolean {
    const overUpper = q - this.upper;
    const underLower = this.lower - q;
    const over = overUpper > 0 ? overUpper : underLower > 0 ? underLower : 0;
    if (over === 0) return false;
    const limit = overUpper > 0 ? this.upper : this.lower;
    const d = this.impedance(over);
    const stiffness = d * d * this.k * this.inertia;
    const damping = d * this.b * this.inertia;
    const force = stiffness * (limit - q) - damping * rate;
    // Unilateral: the limit only pushes the joint back into its range.
    if (overUpper > 0 ? force > 0 : force < 0) return false;
    this.stiffness = stiffness;
    this.damping = damping;
    this.target = limit;
    this.torqueScale = (overUpper > 0 ? tau > 0 : tau < 0) ? 1 - d : 1;
    return true;
  }
}
