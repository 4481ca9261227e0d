import { ReacherDynamics } from './reacher-dynamics.ts';
import { findJoint, type RobotDescription } from './robot-description.ts';
import { impedance, softConstraintCoefficients, type SoftConstraintCoefficients } from './soft-constraint.ts';

/**
 * The Reacher's joints as two independent rotors, the model FINDINGS.md found behind MuJoCo's trajectories:
 *   I_i q_i'' = gear_i u_i - damping_i q_i'  (+ MuJoCo's soft limit on joint1),
 * I_i the diagonal of the joint-space inertia (armature 1 plus the light links' ~1e-3 at the current joint1
 * angle); the off-diagonal coupling (also ~1e-3 against the armature) is dropped. It is integrated with RK4 per
 * joint, as MuJoCo integrates the Reacher; the Rapier Reacher moves its bodies with the result.
 */
export class ReacherRotors {
  private readonly dynamics: ReacherDynamics;
  private readonly gear: readonly [number, number];
  private readonly damping: readonly [number, number];
  private readonly limitLow: number;
  private readonly limitHigh: number;
  private readonly limit: SoftConstraintCoefficients;
  /** MuJoCo's dof_invweight0 of joint1 (diagonal of M^-1 at qpos0), the scale of the limit's softness. */
  private readonly invWeight1: number;
  readonly timestep: number;
  /** Results of the last integrate(): positions and velocities at the end of the step. */
  readonly q = new Float64Array(2);
  readonly v = new Float64Array(2);
  private readonly k = new Float64Array(16);
  private readonly acc = new Float64Array(2);

  constructor(description: RobotDescription) {
    this.timestep = description.timestep;
    this.dynamics = new ReacherDynamics(description);
    const gearOf = (name: string) => {
      const actuator = description.actuators.find((a) => a.joint === name);
      if (!actuator) throw new Error(`reacher: no actuator on ${name}`);
      return actuator.gear;
    };
    const joint0 = findJoint(description, 'joint0');
    const joint1 = findJoint(description, 'joint1');
    this.gear = [gearOf('joint0'), gearOf('joint1')];
    this.damping = [joint0.damping, joint1.damping];
    if (!joint1.range) throw new Error('reacher: joint1 must be limited');
    [this.limitLow, this.limitHigh] = joint1.range;
    this.limit = softConstraintCoefficients(description.limits, description.timestep);
    const [m00, m01, m11] = this.dynamics.massMatrix(0);
    this.invWeight1 = m00 / (m00 * m11 - m01 * m01);
  }

  /** Accelerations into this.acc at joint1 angle q1, velocities v0, v1, controls u. */
  private accelerations(q1: number, v0: number, v1: number, u0: number, u1: number): Float64Array {
    const [m00, , m11] = this.dynamics.massMatrix(q1);
    this.acc[0] = (this.gear[0] * u0 - this.damping[0] * v0) / m00;
    let a1 = (this.gear[1] * u1 - this.damping[1] * v1) / m11;
    // MuJoCo's soft limit (as in ReacherDynamics) on a lone rotor: A = 1 / I_1.
    const lowPos = q1 - this.limitLow;
    const highPos = this.limitHigh - q1;
    const c = this.limit;
    if (lowPos < c.margin || highPos < c.margin) {
      const sign = lowPos < highPos ? 1 : -1;
      const pos = sign > 0 ? lowPos : highPos;
      const d = impedance(c, pos - c.margin);
      const aref = -c.b * sign * v1 - c.k * d * (pos - c.margin);
      const R = Math.max(1e-15, ((1 - d) / d) * this.invWeight1);
      const force = (aref - sign * a1) / (1 / m11 + R);
      if (force > 0) a1 += (sign * force) / m11;
    }
    this.acc[1] = a1;
    return this.acc;
  }

  /** One RK4 step of h from (q, v) with controls u; the end state lands in this.q, this.v. */
  integrate(q0: number, q1: number, v0: number, v1: number, u0: number, u1: number): void {
    const h = this.timestep;
    const k = this.k; // k[4s + 0..1] = velocity, k[4s + 2..3] = acceleration of stage s
    const weights = [0.5, 0.5, 1];
    let sq1 = q1;
    let sv0 = v0;
    let sv1 = v1;
    for (let s = 0; s < 4; s++) {
      const a = this.accelerations(sq1, sv0, sv1, u0, u1);
      k[4 * s] = sv0;
      k[4 * s + 1] = sv1;
      k[4 * s + 2] = a[0];
      k[4 * s + 3] = a[1];
      if (s < 3) {
        const w = weights[s] * h;
        sq1 = q1 + w * sv1;
        sv0 = v0 + w * a[0];
        sv1 = v1 + w * a[1];
      }
    }
    const sum = (j: number) => (h / 6) * (k[j] + 2 * k[4 + j] + 2 * k[8 + j] + k[12 + j]);
    this.q[0] = q0 + sum(0);
    this.q[1] = q1 + sum(1);
    this.v[0] = v0 + sum(2);
    this.v[1] = v1 + sum(3);
  }

  get length0(): number {
    return this.dynamics.length0;
  }

  get length1(): number {
    return this.dynamics.length1;
  }
}
