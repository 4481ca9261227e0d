import { bodyMassProperties, findBody, findJoint, type RobotDescription } from './robot-description.ts';
import { impedance, softConstraintCoefficients, type SoftConstraintCoefficients } from './soft-constraint.ts';

/**
 * The Reacher arm's joint-space dynamics, integrated like MuJoCo (RK4, constraint forces recomputed at every
 * stage). The model has no contacts (every geom has contype 0), so the arm is exactly
 *   M(q) q'' + c(q, q') = gear u - damping q' + f_limit,
 * with M the two-link mass matrix plus the armature on its diagonal (armature 1 dwarfs the links' 1e-3),
 * and joint1's +-3 rad limit as MuJoCo's soft constraint. Generalised coordinates: q0, q1 (the target's two
 * slides never move: no force acts along them).
 */
export class ReacherDynamics {
  readonly timestep: number;
  private readonly gear: readonly [number, number];
  private readonly damping: readonly [number, number];
  private readonly armature: readonly [number, number];
  /** Link 0: inertia about joint0 (its own, plus mass at its com). */
  private readonly i0: number;
  /** Link 1 with the fingertip welded to it: mass, com distance from joint1, inertia about its com. */
  private readonly m1: number;
  private readonly c1: number;
  private readonly i1: number;
  /** Distance joint0 -> joint1 and joint1 -> fingertip. */
  readonly length0: number;
  readonly length1: number;
  private readonly limitLow: number;
  private readonly limitHigh: number;
  private readonly limit: SoftConstraintCoefficients;
  /** MuJoCo's dof_invweight0 of joint1 (diagonal of M^-1 at qpos0), the scale of the limit's softness. */
  private readonly invWeight1: number;
  // RK4 scratch: stage velocities and accelerations.
  private readonly acc = new Float64Array(2);
  private readonly k = new Float64Array(16);

  constructor(description: RobotDescription) {
    this.timestep = description.timestep;
    const body0 = findBody(description, 'body0');
    const body1 = findBody(description, 'body1');
    const tip = findBody(description, 'fingertip');
    const joint0 = findJoint(description, 'joint0');
    const joint1 = findJoint(description, 'joint1');
    const gearOf = (name: string) => {
      const actuator = description.actuators.find((a) => a.joint === name);
      if (!actuator) throw new Error(`reacher: no actuator on ${name}`);
      return actuator.gear;
    };
    this.gear = [gearOf('joint0'), gearOf('joint1')];
    this.damping = [joint0.damping, joint1.damping];
    this.armature = [joint0.armature, joint1.armature];
    const p0 = bodyMassProperties(body0, description.density);
    const p1 = bodyMassProperties(body1, description.density);
    const pt = bodyMassProperties(tip, description.density);
    // Planar arm in the xy plane: about z, a capsule along x has its "across" inertia (principal x or y).
    this.i0 = p0.principalInertia[0] + p0.mass * p0.com[0] ** 2;
    this.length0 = body1.pos[0];
    this.length1 = tip.pos[0];
    const m1 = p1.mass + pt.mass;
    const c1 = (p1.mass * p1.com[0] + pt.mass * this.length1) / m1;
    this.m1 = m1;
    this.c1 = c1;
    this.i1 = p1.principalInertia[0] + p1.mass * (p1.com[0] - c1) ** 2 + pt.principalInertia[0] + pt.mass * (this.length1 - c1) ** 2;
    if (!joint1.range) throw new Error('reacher: joint1 must be limited');
    [this.limitLow, this.limitHigh] = joint1.range;
    this.limit = softConstraintCoefficients(description.limits, description.timestep);
    const m = this.massMatrix(0);
    this.invWeight1 = m[0] / (m[0] * m[2] - m[1] * m[1]);
  }

  /** [M00, M01, M11] at joint1 angle q1 (armature included). */
  massMatrix(q1: number): [number, number, number] {
    const { i0, m1, c1, i1, length0: l0 } = this;
    const cos = Math.cos(q1);
    const m11 = i1 + m1 * c1 * c1;
    const m01 = m11 + m1 * l0 * c1 * cos;
    const m00 = i0 + m11 + m1 * l0 * l0 + 2 * m1 * l0 * c1 * cos + this.armature[0];
    return [m00, m01, m11 + this.armature[1]];
  }

  /** Joint accelerations into this.acc for state (q, v) and clipped controls u. */
  private accelerations(q1: number, v0: number, v1: number, u0: number, u1: number): Float64Array {
    const [m00, m01, m11] = this.massMatrix(q1);
    const h = this.m1 * this.length0 * this.c1 * Math.sin(q1);
    const f0 = this.gear[0] * u0 - this.damping[0] * v0 + h * (2 * v0 * v1 + v1 * v1);
    const f1 = this.gear[1] * u1 - this.damping[1] * v1 - h * v0 * v0;
    const det = m00 * m11 - m01 * m01;
    let a0 = (m11 * f0 - m01 * f1) / det;
    let a1 = (m00 * f1 - m01 * f0) / det;
    // Joint1's limit: J = +1 at the lower bound, -1 at the upper; pos is the distance inside the range.
    const lowPos = q1 - this.limitLow;
    const highPos = this.limitHigh - q1;
    const c = this.limit;
    if (lowPos < c.margin || highPos < c.margin) {
      const sign = lowPos < highPos ? 1 : -1;
      const pos = sign > 0 ? lowPos : highPos;
      const d = impedance(c, pos - c.margin);
      const aref = -c.b * sign * v1 - c.k * d * (pos - c.margin);
      const A = m00 / det; // J M^-1 J' for J = +-e1
      const R = Math.max(1e-15, ((1 - d) / d) * this.invWeight1);
      const force = (aref - sign * a1) / (A + R);
      if (force > 0) {
        // a += M^-1 J' f
        a0 += (-m01 / det) * sign * force;
        a1 += (m00 / det) * sign * force;
      }
    }
    this.acc[0] = a0;
    this.acc[1] = a1;
    return this.acc;
  }

  /** One physics step (RK4) of state (q[0..1], v[0..1]) in place, with controls already clipped. */
  step(q: Float64Array, v: Float64Array, u0: number, u1: number): void {
    const h = this.timestep;
    const k = this.k; // k[4s + 0..1] = velocity, k[4s + 2..3] = acceleration of stage s
    const weights = [0.5, 0.5, 1];
    let sq1 = q[1];
    let sv0 = v[0];
    let sv1 = v[1];
    for (let s = 0; s < 4; s++) {
      const a = this.accelerations(sq1, sv0, sv1, u0, u1);
      k[4 * s] = sv0;
      k[4 * s + 1] = sv1;
      k[4 * s + 2] = a[0];
      k[4 * s + 3] = a[1];
      if (s < 3) {
        const w = weights[s] * h;
        sq1 = q[1] + w * k[4 * s + 1];
        sv0 = v[0] + w * a[0];
        sv1 = v[1] + w * a[1];
      }
    }
    for (let j = 0; j < 2; j++) {
      q[j] += (h / 6) * (k[j] + 2 * k[4 + j] + 2 * k[8 + j] + k[12 + j]);
      v[j] += (h / 6) * (k[2 + j] + 2 * k[6 + j] + 2 * k[10 + j] + k[14 + j]);
    }
  }
}
