import type { World } from '@dimforge/rapier3d-compat';
import type { RobotModel } from '../../model/types.ts';
import type { EnginePhysics } from '../engine.ts';
import { buildRobot } from './build.ts';
import { planRapierLayout, type RapierLayout } from './layout.ts';
import { fromGeneralised, toGeneralised } from './coordinates.ts';
import { SoftLimit } from './limits.ts';
import { mulInto, rotateInto, twistAngle, wrapAngle } from './quat.ts';
import { RapierWorld, type WorldRobot } from './world.ts';

const layouts = new WeakMap<RobotModel, RapierLayout>();

/** The layout of `model`, planned once per model object. */
export function rapierLayout(model: RobotModel): RapierLayout {
  let layout = layouts.get(model);
  if (!layout) {
    layout = planRapierLayout(model);
    layouts.set(model, layout);
  }
  return layout;
}

/** Rapier's joint axes for a motor: a revolute joint turns about its local x, a prismatic one slides along it. */
const ANG_X = 3;
const LIN_X = 0;

/**
 * One robot of a compiled model in a RapierWorld, seen through MuJoCo's generalised coordinates: qpos/qvel are read
 * from the bodies after every environment step and written into them by setState.
 *
 * Joint dynamics: MuJoCo's armature A (rotor inertia in joint space), damping D, stiffness K and the actuators'
 * torque tau act through each joint's force-based motor, solved by Rapier together with the joints and contacts:
 * before every world step of length h the motor pulls the joint velocity v towards (A/h v0 + tau) / (A/h + D) with
 * factor A/h + D (v0: the velocity at the step's start), and its position towards springref with stiffness K. Solved
 * exactly, that is the implicit step (A + M) v' = (A + M) v0 + h (tau - D v' - K q') of MuJoCo's joint-space
 * equations, the armature kept on the joint's diagonal (adding it to a link's inertia couples the joints instead).
 * Joints without armature, damping or stiffness get the actuator torque as equal and opposite body torques.
 */
/** Options of a robot build: the environment's frame skip (must match the world's) and whether contact forces are wanted. */
export interface RapierRobotOptions {
  readonly frameSkip?: number;
  readonly contactForces?: boolean;
}

export class RapierRobot implements WorldRobot, EnginePhysics {
  readonly qpos: Float64Array;
  readonly qvel: Float64Array;
  /** MuJoCo's xpos, xquat ([w, x, y, z]) and site_xpos, computed from the links after every step and setState. */
  readonly xpos: Float64Array;
  readonly xquat: Float64Array;
  readonly siteXpos: Float64Array;
  /** Contact wrenches are not computed by this engine (a task asking for them is refused at construction). */
  readonly cfrcExt: Float64Array;
  /**
   * No extra state: what else decides the next step (the solver's warm starts for joints and contacts) lives inside
   * the world and is not readable through Rapier's JS API; only a whole-world snapshot (RapierWorld) holds it.
   */
  readonly stateExtraSize = 0;
  readonly frameSkip: number;
  staged = false;
  readonly layout: RapierLayout;
  private world: World;
  private readonly links: number[];
  private readonly joints: number[];
  private readonly staticBodies: number[];
  private readonly colliders: number[];
  private readonly pose = new Float64Array(7);
  private readonly laneY: number;
  /** Link states: translation (x, y, z), rotation (x, y, z, w), centre-of-mass velocity, angular velocity. */
  private readonly t: Float64Array;
  private readonly r: Float64Array;
  private readonly v: Float64Array;
  private readonly w: Float64Array;
  private readonly scratch = new Float32Array(4);
  /** Per layout joint: armature/h + damping, stiffness, springref - ref, and this step's actuator torque. */
  private readonly factor: Float64Array;
  private readonly stiffness: Float64Array;
  private readonly springTarget: Float64Array;
  private readonly torque: Float64Array;
  private readonly armaturePerStep: Float64Array;
  /** Actuator -> layout joint index, gear, gain, bias, ranges. */
  private readonly actuatorJoint: Int32Array;
  private readonly hasTorqueJoints: boolean;
  /** Per layout joint: its soft limit (motor-driven), or null (no limit, or Rapier's hard one). */
  private readonly softLimits: (SoftLimit | null)[];
  private readonly hasSlideMotors: boolean;
  /** Per link: moved by a slide (its actuator force is a force, not a torque). */
  private readonly slideLink: boolean[];
  private readonly netTorque: Float64Array;
  private readonly rawVector: ReturnType<RapierWorld['RAPIER']['VectorOps']['intoRaw']>;
  private readonly axis = new Float64Array(3);
  private readonly rotation = new Float64Array(4);

  constructor(
    readonly host: RapierWorld,
    readonly model: RobotModel,
    /** The robot's lane: its global index in a vector env (numbers do not depend on which thread steps it). */
    readonly lane: number,
    options: RapierRobotOptions = {},
  ) {
    if (options.contactForces)
      throw new Error(`${model.name}: the Rapier engine does not compute contact forces (cfrc_ext); run this robot on --physics mujoco`);
    if (options.frameSkip !== undefined && options.frameSkip !== host.frameSkip)
      throw new Error(`${model.name}: frame skip ${options.frameSkip} in a world stepping ${host.frameSkip}`);
    if (host.model !== model) throw new Error(`a ${model.name} cannot join a ${host.model.name} world`);
    this.frameSkip = host.frameSkip;
    this.xpos = new Float64Array(3 * model.bodies.length);
    this.xquat = new Float64Array(4 * model.bodies.length);
    this.siteXpos = new Float64Array(3 * model.sites.length);
    this.cfrcExt = new Float64Array(6 * model.bodies.length);
    const layout = rapierLayout(model);
    this.layout = layout;
    this.world = host.world;
    this.qpos = Float64Array.from(model.qpos0);
    this.qvel = new Float64Array(model.nv);
    this.laneY = lane * host.laneSpacing;
    const built = buildRobot(host, model, layout, lane, !host.solver.softLimits);
    this.links = built.links.map((body) => body.handle);
    this.joints = built.joints.map((joint) => joint.handle);
    this.staticBodies = built.staticBodies.map((body) => body.handle);
    this.colliders = built.colliders;
    const n = layout.links.length;
    this.t = new Float64Array(3 * n);
    this.r = new Float64Array(4 * n);
    this.v = new Float64Array(3 * n);
    this.w = new Float64Array(3 * n);
    const h = host.worldTimestep;
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
    for (const c of layout.rootCoordinates) {
      const joint = model.joints.find((j) => j.qposAddress === c.qposAddress);
      if (joint && (joint.armature !== 0 || joint.damping !== 0 || joint.stiffness !== 0)) {
        throw new Error(`${model.name}: the Rapier engine does not support armature, damping or stiffness on root joint '${joint.name}'`);
      }
    }
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
      plan.limits && host.solver.softLimits && plan.kind === 'hinge'
        ? new SoftLimit(model.joints[plan.joint], plan.limitInertia, plan.limits[0], plan.limits[1])
        : null,
    );
    this.hasTorqueJoints = layout.joints.some((_, i) => this.factor[i] === 0 && this.stiffness[i] === 0);
    this.hasSlideMotors = layout.joints.some((plan, i) => plan.kind === 'slide' && (this.factor[i] > 0 || this.stiffness[i] > 0));
    this.slideLink = layout.links.map((_, i) => layout.joints.some((plan) => plan.link === i && plan.kind === 'slide'));
    this.netTorque = new Float64Array(3 * n);
    this.rawVector = host.RAPIER.VectorOps.intoRaw({ x: 0, y: 0, z: 0 });
    host.add(this);
    this.setState(model.qpos0, new Float64Array(model.nv));
  }

  /** A robot in a world of its own (lane 0). */
  static async create(model: RobotModel, options: RapierRobotOptions & { frameSkip: number }): Promise<RapierRobot> {
    const host = await RapierWorld.create(model, options.frameSkip);
    try {
      return new RapierRobot(host, model, 0, options);
    } catch (error) {
      host.freeIfEmpty();
      throw error;
    }
  }

  get scene(): RapierWorld {
    return this.host;
  }

  rebind(world: World): void {
    this.world = world;
  }

  /** Actuator controls for the coming environment step (clamped to each actuator's ctrlrange). */
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
    this.staged = true;
  }

  /** One environment step of this robot's world (every robot in it must be staged). */
  advance(): void {
    this.host.step();
  }

  /** Motors for this world step, from the joint velocities at its start. */
  beforeSubstep(): void {
    const raw = this.world.impulseJoints.raw;
    const bodies = this.world.bodies.raw;
    const { layout, scratch, r, w } = this;
    for (let i = 0; i < this.links.length; i++) {
      bodies.rbRotation(this.links[i], scratch);
      r[4 * i] = scratch[0];
      r[4 * i + 1] = scratch[1];
      r[4 * i + 2] = scratch[2];
      r[4 * i + 3] = scratch[3];
      bodies.rbAngvel(this.links[i], scratch);
      w[3 * i] = scratch[0];
      w[3 * i + 1] = scratch[1];
      w[3 * i + 2] = scratch[2];
    }
    if (this.hasSlideMotors) {
      this.readTranslationsAndVelocities();
      toGeneralised(this);
    }
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
        rate = this.qvel[plan.dofAddress];
      }
      const motorAxis = plan.kind === 'hinge' ? ANG_X : LIN_X;
      let target = this.springTarget[j];
      // The angle unwrapped against the last step's (a limit near +-pi is overshot past it).
      const previous = this.qpos[plan.qposAddress] - plan.ref;
      const angle = limit
        ? previous + wrapAngle(twistAngle(r, 4 * plan.parentLink, plan.parentLink >= 0, r, 4 * plan.link, plan.axis) - previous)
        : 0;
      if (limit && limit.apply(angle, rate, tau)) {
        tau *= limit.torqueScale;
        target = (K * target + limit.stiffness * limit.target) / (K + limit.stiffness);
        K += limit.stiffness;
        F += limit.damping;
      }
      if (F > 0) raw.jointConfigureMotor(this.joints[j], motorAxis, target, (this.armaturePerStep[j] * rate + tau) / F, K, F);
      else if (K > 0) raw.jointConfigureMotor(this.joints[j], motorAxis, target + tau / K, 0, K, 0);
      else raw.jointConfigureMotor(this.joints[j], motorAxis, 0, 0, 0, 0);
    }
    if (this.hasTorqueJoints) this.applyTorques();
  }

  /** Actuator torques of joints without a motor, as equal and opposite torques (forces for slides) on their links. */
  private applyTorques(): void {
    const bodies = this.world.bodies.raw;
    const { layout } = this;
    const net = this.netTorque;
    net.fill(0);
    for (let j = 0; j < layout.joints.length; j++) {
      if (this.factor[j] !== 0 || this.stiffness[j] !== 0) continue;
      const plan = layout.joints[j];
      const axis = rotateInto(this.axis, this.r, 4 * plan.parentLink, plan.axis, plan.parentLink >= 0);
      for (let k = 0; k < 3; k++) {
        net[3 * plan.link + k] += this.torque[j] * axis[k];
        if (plan.parentLink >= 0) net[3 * plan.parentLink + k] -= this.torque[j] * axis[k];
      }
    }
    const value = this.rawVector;
    for (let i = 0; i < this.links.length; i++) {
      value.x = net[3 * i];
      value.y = net[3 * i + 1];
      value.z = net[3 * i + 2];
      bodies.rbResetTorques(this.links[i], false);
      bodies.rbResetForces(this.links[i], false);
      if (this.slideLink[i]) bodies.rbAddForce(this.links[i], value, false);
      else bodies.rbAddTorque(this.links[i], value, false);
    }
  }

  afterStep(): void {
    this.staged = false;
    this.readState();
  }

  /** Contact points between this robot and the world after the last step (counted on demand: it walks the pairs). */
  get contactCount(): number {
    const world = this.world;
    let count = 0;
    for (const handle of this.colliders) {
      world.narrowPhase.contactPairsWith(handle, (other) => {
        world.narrowPhase.contactPair(handle, other, world.bodies, (manifold) => {
          count += manifold.numContacts();
        });
      });
    }
    return count;
  }

  writeStateExtra(): void {}

  readStateExtra(): void {}

  /** Body frames for the pose board, bodies 1.. (the world is not drawn): x, y, z, qx, qy, qz, qw. */
  writePoses(out: Float32Array, offset: number): void {
    const { xpos, xquat } = this;
    for (let b = 1; b < this.model.bodies.length; b++) {
      const o = offset + 7 * (b - 1);
      out[o] = xpos[3 * b];
      out[o + 1] = xpos[3 * b + 1];
      out[o + 2] = xpos[3 * b + 2];
      out[o + 3] = xquat[4 * b + 1];
      out[o + 4] = xquat[4 * b + 2];
      out[o + 5] = xquat[4 * b + 3];
      out[o + 6] = xquat[4 * b];
    }
  }

  /** xpos, xquat and site_xpos from the link states. */
  private updateFrames(): void {
    const { model, pose, xpos, xquat, siteXpos } = this;
    for (let b = 0; b < model.bodies.length; b++) {
      this.writeBodyPose(b, pose, 0);
      xpos[3 * b] = pose[0];
      xpos[3 * b + 1] = pose[1];
      xpos[3 * b + 2] = pose[2];
      xquat[4 * b] = pose[6];
      xquat[4 * b + 1] = pose[3];
      xquat[4 * b + 2] = pose[4];
      xquat[4 * b + 3] = pose[5];
    }
    for (let s = 0; s < model.sites.length; s++) {
      const site = model.sites[s];
      const b = site.body;
      // site = xpos + xquat * site.pos
      const w = xquat[4 * b];
      const x = xquat[4 * b + 1];
      const y = xquat[4 * b + 2];
      const z = xquat[4 * b + 3];
      const [px, py, pz] = site.pos;
      const tx = 2 * (y * pz - z * py);
      const ty = 2 * (z * px - x * pz);
      const tz = 2 * (x * py - y * px);
      siteXpos[3 * s] = xpos[3 * b] + px + w * tx + (y * tz - z * ty);
      siteXpos[3 * s + 1] = xpos[3 * b + 1] + py + w * ty + (z * tx - x * tz);
      siteXpos[3 * s + 2] = xpos[3 * b + 2] + pz + w * tz + (x * ty - y * tx);
    }
  }

  private readTranslationsAndVelocities(): void {
    const bodies = this.world.bodies.raw;
    const { scratch, t, v } = this;
    for (let i = 0; i < this.links.length; i++) {
      bodies.rbTranslation(this.links[i], scratch);
      t[3 * i] = scratch[0];
      t[3 * i + 1] = scratch[1] - this.laneY;
      t[3 * i + 2] = scratch[2];
      bodies.rbLinvel(this.links[i], scratch);
      v[3 * i] = scratch[0];
      v[3 * i + 1] = scratch[1];
      v[3 * i + 2] = scratch[2];
    }
  }

  /** Reads every link and converts to generalised coordinates. */
  private readState(): void {
    const bodies = this.world.bodies.raw;
    const { scratch, r, w } = this;
    this.readTranslationsAndVelocities();
    for (let i = 0; i < this.links.length; i++) {
      bodies.rbRotation(this.links[i], scratch);
      for (let k = 0; k < 4; k++) r[4 * i + k] = scratch[k];
      bodies.rbAngvel(this.links[i], scratch);
      for (let k = 0; k < 3; k++) w[3 * i + k] = scratch[k];
    }
    toGeneralised(this);
    this.updateFrames();
  }

  setState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): void {
    fromGeneralised(this, qpos, qvel);
    const bodies = this.world.bodies.raw;
    const RAPIER = this.host.RAPIER;
    const { t, r, v, w } = this;
    for (let i = 0; i < this.links.length; i++) {
      const h = this.links[i];
      bodies.rbSetTranslation(h, t[3 * i], t[3 * i + 1] + this.laneY, t[3 * i + 2], true);
      bodies.rbSetRotation(h, r[4 * i], r[4 * i + 1], r[4 * i + 2], r[4 * i + 3], true);
      const lin = RAPIER.VectorOps.intoRaw({ x: v[3 * i], y: v[3 * i + 1], z: v[3 * i + 2] });
      const ang = RAPIER.VectorOps.intoRaw({ x: w[3 * i], y: w[3 * i + 1], z: w[3 * i + 2] });
      bodies.rbSetLinvel(h, lin, true);
      bodies.rbSetAngvel(h, ang, true);
      lin.free();
      ang.free();
    }
    this.readState();
  }

  /** Internal state for the coordinate conversions (coordinates.ts). */
  get linkState(): { t: Float64Array; r: Float64Array; v: Float64Array; w: Float64Array } {
    return { t: this.t, r: this.r, v: this.v, w: this.w };
  }

  /** Model body `body`'s frame in the world (MuJoCo's xpos and xquat as x, y, z, qx, qy, qz, qw) at out[offset]. */
  writeBodyPose(body: number, out: Float32Array | Float64Array, offset: number): void {
    const frame = this.layout.bodyFrames[body];
    const i = frame.link;
    if (i < 0) {
      out.set([frame.pos[0], frame.pos[1], frame.pos[2], frame.quat[1], frame.quat[2], frame.quat[3], frame.quat[0]], offset);
      return;
    }
    const p = rotateInto(this.axis, this.r, 4 * i, frame.pos, true);
    const rot = mulInto(this.rotation, this.r, 4 * i, frame.quat);
    out[offset] = this.t[3 * i] + p[0];
    out[offset + 1] = this.t[3 * i + 1] + p[1];
    out[offset + 2] = this.t[3 * i + 2] + p[2];
    out[offset + 3] = rot[0];
    out[offset + 4] = rot[1];
    out[offset + 5] = rot[2];
    out[offset + 6] = rot[3];
  }

  dispose(): void {
    const world = this.world;
    // Removing a body removes its colliders and joints too; the last robot of a world frees it.
    for (const handle of [...this.links].reverse()) world.removeRigidBody(world.getRigidBody(handle));
    for (const handle of this.staticBodies) world.removeRigidBody(world.getRigidBody(handle));
    this.rawVector.free();
    this.host.release(this);
  }
}
