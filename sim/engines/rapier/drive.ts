import type { World } from '@dimforge/rapier3d-simd-compat';
import type { RobotModel } from '../../model/types.ts';
import type { RapierLayout } from './layout.ts';
import type { LinkLoads } from './loads.ts';
import { SoftLimit } from './limits.ts';
import { rotateInto, twistAngle, wrapAngle } from './quat.ts';
import type { SolverSettings } from './solver.ts';

/** Rapier's joint axes for a motor: a revolute joint turns about its local x, a prismatic one slides along it. */
const ANG_X = 3;
const LIN_X = 0;
/** Rapier's default motor force bound (f32::MAX): a torque joint's motor gets it back while its limit acts. */
const UNBOUNDED_FORCE = 3.4028234663852886e38;

/** Rapier's raw joint set (what the raw calls of the step loop take). */
type RawImpulseJointSet = World['impulseJoints']['raw'];

/**
 * A robot's joint dynamics in Rapier. MuJoCo's armature A (rotor inertia in joint space), damping D, stiffness K
 * and the actuators' torque tau act through each joint's force-based motor, solved by Rapier together with the
 * joints and contacts: before every world step of length h the motor pulls the joint velocity v towards
 * (A/h v0 + tau) / (A/h + D) with factor A/h + D (v0: the velocity at the step's start), and its position towards
 * springref with stiffness K. Solved exactly, that is the implicit step (A + M) v' = (A + M) v0 + h (tau - D v' - K q')
 * of MuJoCo's joint-space equations, the armature kept on the joint's diagonal (adding it to a link's inertia couples
 * the joints instead). Joints without armature, damping or stiffness ("torque joints") get the actuator torque as
 * equal and opposite body torques. MuJoCo's soft hinge limits act through the same motors (limits.ts); a torque
 * joint's motor acts only while its limit does, and then carries the actuator torque too, which the bodies then do
 * not get. Off, its motor keeps zero force: a Rapier motor of zero stiffness and damping is a rigid velocity
 * constraint that would hold the joint still (tests/unit/rapier-drive.test.ts).
 */
export class JointDrive {
  /** Per layout joint: armature/h + damping, stiffness, springref - ref, armature/h, and this step's actuator torque. */
  private readonly factor: Float64Array;
  private readonly stiffness: Float64Array;
  private readonly springTarget: Float64Array;
  private readonly armaturePerStep: Float64Array;
  private readonly torque: Float64Array;
  /** Actuator -> layout joint index. */
  private readonly actuatorJoint: Int32Array;
  /** Per layout joint: its soft limit (motor-driven), or null (no limit, or Rapier's hard one). */
  private readonly softLimits: (SoftLimit | null)[];
  /** Per layout joint: 1 when this world step's actuator torque went into its motor (a torque joint at its limit). */
  private readonly torqueInMotor: Uint8Array;
  /** Whether some joint has no motor (its torque goes on the bodies), and whether a slide has a motor. */
  readonly hasTorqueJoints: boolean;
  readonly hasSlideMotors: boolean;
  private readonly axis = new Float64Array(3);

  constructor(
    private readonly model: RobotModel,
    private readonly layout: RapierLayout,
    solver: SolverSettings,
    /** Seconds per world step. */
    h: number,
  ) {
    const m = layout.joints.length;
    this.factor = new Float64Array(m);
    this.stiffness = new Float64Array(m);
    this.springTarget = new Float64Array(m);
    this.torque = new Float64Array(m);
    this.armaturePerStep = new Float64Array(m);
    layout.joints.forEach((plan, i) => {
      const joint = model.joints[plan.joint];
      const armature = plan.armatureInLink ? 0 : joint.armature;
      this.armaturePerStep[i] = armature / h;
      this.factor[i] = armature / h + joint.damping;
      this.stiffness[i] = joint.stiffness;
      this.springTarget[i] = joint.springref - joint.ref;
    });
    this.actuatorJoint = Int32Array.from(
      model.actuators.map((actuator) => {
        const index = layout.joints.findIndex((plan) => plan.joint === actuator.joint);
        if (index < 0) throw new Error(`${model.name}: actuator ${actuator.id} drives a root joint, which the Rapier engine does not support`);
        if (actuator.bias[1] !== 0 || actuator.bias[2] !== 0)
          throw new Error(`${model.name}: actuator ${actuator.id} has position or velocity feedback, which the Rapier engine does not support`);
        return index;
      }),
    );
    this.softLimits = layout.joints.map((plan) =>
      plan.limits && solver.softLimits && plan.kind === 'hinge'
        ? new SoftLimit(model.joints[plan.joint], plan.limitInertia, plan.limits[0], plan.limits[1])
        : null,
    );
    this.torqueInMotor = new Uint8Array(m);
    this.hasTorqueJoints = layout.joints.some((_, i) => this.isTorqueJoint(i));
    this.hasSlideMotors = layout.joints.some((plan, i) => plan.kind === 'slide' && (this.factor[i] > 0 || this.stiffness[i] > 0));
  }

  /** Whether layout joint j has no motor of its own (no armature in its motor, no damping, no stiffness). */
  private isTorqueJoint(j: number): boolean {
    return this.factor[j] === 0 && this.stiffness[j] === 0;
  }

  /** Actuator controls for the coming environment step (clamped to each actuator's ctrlrange), as joint torques. */
  stage(ctrl: ArrayLike<number>): void {
    const { model, torque } = this;
    torque.fill(0);
    for (let a = 0; a < model.actuators.length; a++) {
      const actuator = model.actuators[a];
      let u = ctrl[a];
      if (actuator.ctrlLimited) u = Math.min(actuator.ctrlRange[1], Math.max(actuator.ctrlRange[0], u));
      let force = actuator.gain * u + actuator.bias[0];
      if (actuator.forceLimited) force = Math.min(actuator.forceRange[1], Math.max(actuator.forceRange[0], force));
      torque[this.actuatorJoint[a]] += actuator.gear[0] * force;
    }
  }

  /**
   * The joint motors for one world step, from the links' rotations `r` and angular velocities `w` at its start
   * (and, for slides, qvel), with hinge angles unwrapped against qpos (a limit near +-pi is overshot past it).
   */
  configureMotors(
    raw: RawImpulseJointSet,
    joints: readonly number[],
    r: Float64Array,
    w: Float64Array,
    qpos: Float64Array,
    qvel: Float64Array,
  ): void {
    const { layout } = this;
    for (let j = 0; j < layout.joints.length; j++) {
      const plan = layout.joints[j];
      let F = this.factor[j];
      let K = this.stiffness[j];
      let tau = this.torque[j];
      const limit = this.softLimits[j];
      if (F === 0 && K === 0 && !limit) continue;
      let rate: number;
      if (plan.kind === 'hinge') {
        const c = plan.link;
        const p = plan.parentLink;
        const axis = rotateInto(this.axis, r, 4 * p, plan.axis, p >= 0);
        rate = axis[0] * w[3 * c] + axis[1] * w[3 * c + 1] + axis[2] * w[3 * c + 2];
        if (p >= 0) rate -= axis[0] * w[3 * p] + axis[1] * w[3 * p + 1] + axis[2] * w[3 * p + 2];
      } else {
        rate = qvel[plan.dofAddress];
      }
      const motorAxis = plan.kind === 'hinge' ? ANG_X : LIN_X;
      let target = this.springTarget[j];
      const previous = qpos[plan.qposAddress] - plan.ref;
      const angle = limit
        ? previous + wrapAngle(twistAngle(r, 4 * plan.parentLink, plan.parentLink >= 0, r, 4 * plan.link, plan.axis) - previous)
        : 0;
      const limiting = limit !== null && limit.apply(angle, rate, tau);
      if (limiting) {
        tau *= limit.torqueScale;
        target = (K * target + limit.stiffness * limit.target) / (K + limit.stiffness);
        K += limit.stiffness;
        F += limit.damping;
      }
      if (this.isTorqueJoint(j)) {
        // Only a soft limit brings a torque joint here: its motor is on exactly while the limit acts.
        this.torqueInMotor[j] = limiting ? 1 : 0;
        raw.jointSetMotorMaxForce(joints[j], motorAxis, limiting ? UNBOUNDED_FORCE : 0);
        if (!limiting) continue;
      }
      if (F > 0) raw.jointConfigureMotor(joints[j], motorAxis, target, (this.armaturePerStep[j] * rate + tau) / F, K, F);
      else raw.jointConfigureMotor(joints[j], motorAxis, target + tau / K, 0, K, 0);
    }
  }

  /**
   * Actuator torques of joints without a motor, as equal and opposite torques on their links (forces along the
   * axis for slides, at the links' centres of mass); after configureMotors, which takes them into the motors of
   * torque joints at their limits.
   */
  addTorques(loads: LinkLoads, r: Float64Array): void {
    const { layout } = this;
    for (let j = 0; j < layout.joints.length; j++) {
      if (!this.isTorqueJoint(j) || this.torqueInMotor[j] === 1) continue;
      const plan = layout.joints[j];
      const axis = rotateInto(this.axis, r, 4 * plan.parentLink, plan.axis, plan.parentLink >= 0);
      const net = plan.kind === 'slide' ? loads.force : loads.torque;
      for (let k = 0; k < 3; k++) {
        net[3 * plan.link + k] += this.torque[j] * axis[k];
        if (plan.parentLink >= 0) net[3 * plan.parentLink + k] -= this.torque[j] * axis[k];
      }
    }
  }
}
