import type { ImpulseJoint, RevoluteImpulseJoint, RigidBody } from '@dimforge/rapier3d-compat';
import type { HopperPhysics } from './hopper.ts';
import { hopperDescription } from './hopper-model.ts';
import { GROUND_GROUPS, RapierScene, ROBOT_GROUPS, type RapierRobot } from './rapier-scene.ts';
import { bodyMassProperties } from './robot-description.ts';

/**
 * Rapier's solver for the Hopper: 6 solver iterations (Rapier's TGS substeps, positions integrated in each) of 6
 * Gauss-Seidel sweeps. Measured against the shared MuJoCo files (max joint error, seeds 1/2/3; physics steps per
 * CPU second, 16 Hoppers in one world): 1 x 16 (the earlier setting) 0.139/0.069/0.194 rad at ~40k;
 * 4 x 4 0.077/0.076/0.069 at ~31k; 6 x 6 0.061/0.061/0.060 at ~25k; 8 x 8 0.053/0.036/0.029 at ~17k. Neighbouring
 * settings scatter by +-0.05 rad (5 x 4: 0.115, 16 x 16: 0.129 on seed 2): after the first contact the error
 * follows when the foot sticks or slips, which MuJoCo's soft contacts decide differently from Rapier's. 6 x 6 had
 * the most even neighbourhood among the affordable ones.
 */
const HOPPER_SOLVER = { solverIterations: 6, pgsIterations: 6 } as const;

/** An empty Hopper world: hopper.xml's gravity, timestep and frame skip, the solver settings, and the floor. */
export async function createHopperScene(): Promise<RapierScene> {
  const d = hopperDescription;
  const contact = d.contact;
  if (!contact) throw new Error('hopper: description lacks contact parameters');
  const scene = await RapierScene.create({ robot: 'hopper', gravity: d.gravity, timestep: d.timestep, substeps: d.frameSkip, ...HOPPER_SOLVER });
  const { RAPIER, world } = scene;
  const floor = d.scenery[0];
  const ground = world.createRigidBody(RAPIER.RigidBodyDesc.fixed().setTranslation(floor.pos[0], floor.pos[1], floor.pos[2]));
  world.createCollider(
    RAPIER.ColliderDesc.cuboid(1000, 1000, floor.size[2]).setFriction(contact.floorFriction).setFrictionCombineRule(RAPIER.CoefficientCombineRule.Max).setCollisionGroups(GROUND_GROUPS),
    ground,
  );
  return scene;
}

/** Planar kinematics of the Hopper chain: rotation about +y by angle phi maps (x, z) to this. */
function rotate(phi: number, x: number, z: number): [number, number] {
  const c = Math.cos(phi);
  const s = Math.sin(phi);
  return [x * c + z * s, -x * s + z * c];
}

/**
 * The Hopper's physics in Rapier (the alternative to the joint-space model; `createEnv('hopper', { physics:
 * 'rapier' })`): four dynamic bodies, three revolute impulse joints (axis -y as in the XML), the torso
 * restricted to the xz plane and pitch (MuJoCo's rootx, rootz, rooty), contacts with the ground only.
 * Joint armature and damping act in joint space as an implicit damper through each joint's force-based velocity
 * motor (target: the joint velocity at the step's start, factor armature/h + damping), solved together with
 * the contacts; gear torques are applied as equal and opposite torques on the two bodies of a joint. Joint
 * limits are Rapier's (hard), contacts Rapier's. Against MuJoCo's trajectories (`sinew fidelity --physics rapier`)
 * its joints stay within 0.06 rad over the reference episodes (HopperDynamics: 1e-9), see HOPPER_SOLVER for what
 * decides that. Measured, by cause:
 * - armature: the implicit motor carries it well; without it the joints are 1.0-2.1 rad off, with half of it
 *   0.20-0.47;
 * - solver convergence (the armature motors and joints of heavy links): 1 x 16 iterations left 0.07-0.19 rad;
 * - joint limits: thigh and leg start at their upper limit 0, which MuJoCo's soft limit lets them pass by ~0.02
 *   rad. Without limits seed 2 is 0.59 rad off; a spring-damper motor emulating the soft limit was worse than
 *   Rapier's hard limit (0.21), so the hard limit stays;
 * - contacts: at each first touch the foot's joint velocity jumps 3-5 rad/s away from MuJoCo's (its contacts are
 *   soft: solimp 0.8 lets a contact yield ~20% per step; Rapier's are rigid, and its JS API offers no compliance
 *   per contact: contact_natural_frequency 15/30/60 Hz changed nothing). This is the floor of the error;
 * - smaller world timesteps (4 per physics step) did no better than solver iterations; re-posing the bodies from
 *   the generalised coordinates every environment step (as the Rapier Reacher does) moves seed 2 from 0.061 to
 *   0.083, so the Hopper keeps its bodies' drift within the world.
 * Rapier computes in single precision, so qpos/qvel read back carry ~1e-7 relative rounding.
 * Restoring a snapshot (generalised coordinates) does not continue bit for bit: the world keeps the joints' drift
 * and its solver's warm-start impulses (contacts, joints, motors), which the JS API can neither read nor clear.
 * The restored state is exact (to f32); the first step after it differs by up to ~0.05 rad/s (~2e-3 when the
 * bodies were re-posed every step), then the runs part.
 */
export class RapierHopperPhysics implements HopperPhysics, RapierRobot {
  readonly qpos = new Float64Array(6);
  readonly qvel = new Float64Array(6);
  staged = false;
  private readonly bodies: RigidBody[] = [];
  private readonly joints: RevoluteImpulseJoint[] = [];
  /** Per body: com in the body frame (x, z) and, per joint, anchor in parent and child frames (x, z). */
  private readonly comLocal: [number, number][] = [];
  private readonly anchorParent: [number, number][] = [];
  private readonly anchorChild: [number, number][] = [];
  private readonly gear: number[];
  private readonly armature: number[];
  private readonly damping: number[];
  private u: Float64Array = new Float64Array(3);
  /** The bodies' frames in Rapier (x, y, z, qx, qy, qz, qw each), read with the state. */
  private readonly frames = new Float64Array(28);

  /** Builds a Hopper into `scene` (made by createHopperScene). */
  constructor(readonly scene: RapierScene) {
    const hinges = hopperDescription.bodies.slice(1).map((body) => body.joints[0]);
    this.gear = hinges.map((joint) => {
      const actuator = hopperDescription.actuators.find((a) => a.joint === joint.name);
      if (!actuator) throw new Error(`hopper: no actuator on ${joint.name}`);
      return actuator.gear;
    });
    this.armature = hinges.map((joint) => joint.armature);
    this.damping = hinges.map((joint) => joint.damping);
    this.build();
    scene.add(this);
  }

  /** A Hopper in a world of its own. */
  static async create(): Promise<RapierHopperPhysics> {
    return new RapierHopperPhysics(await createHopperScene());
  }

  private build(): void {
    const { RAPIER, world } = this.scene;
    const d = hopperDescription;
    const max = RAPIER.CoefficientCombineRule.Max;
    const worldPos = new Map<string, [number, number, number]>([['world', [0, 0, 0]]]);
    const toCapsuleY = { x: Math.SQRT1_2, y: 0, z: 0, w: Math.SQRT1_2 }; // Rapier capsules lie along y, MuJoCo's along z
    for (const body of d.bodies) {
      const parentPos = worldPos.get(body.parent);
      if (!parentPos) throw new Error(`hopper: body ${body.name} before its parent ${body.parent}`);
      const pos: [number, number, number] = [parentPos[0] + body.pos[0], parentPos[1] + body.pos[1], parentPos[2] + body.pos[2]];
      worldPos.set(body.name, pos);
      const mass = bodyMassProperties(body, d.density);
      const [ix, iy, iz, iw] = mass.inertiaFrame;
      const desc = RAPIER.RigidBodyDesc.dynamic()
        .setTranslation(pos[0], pos[1], pos[2])
        .setCanSleep(false)
        .setAdditionalMassProperties(
          mass.mass,
          { x: mass.com[0], y: mass.com[1], z: mass.com[2] },
          { x: mass.principalInertia[0], y: mass.principalInertia[1], z: mass.principalInertia[2] },
          { x: ix, y: iy, z: iz, w: iw },
        );
      if (body.parent === 'world') desc.enabledTranslations(true, false, true).enabledRotations(false, true, false);
      const rigid = world.createRigidBody(desc);
      const geom = body.geoms[0];
      const [qx, qy, qz, qw] = geom.quat;
      const rotation = multiply({ x: qx, y: qy, z: qz, w: qw }, toCapsuleY);
      world.createCollider(
        RAPIER.ColliderDesc.capsule(geom.size[1], geom.size[0])
          .setDensity(0)
          .setTranslation(geom.pos[0], geom.pos[1], geom.pos[2])
          .setRotation(rotation)
          .setFriction(geom.friction ?? 1)
          .setFrictionCombineRule(max)
          .setCollisionGroups(ROBOT_GROUPS),
        rigid,
      );
      this.bodies.push(rigid);
      this.comLocal.push([mass.com[0], mass.com[2]]);
      if (body.parent !== 'world') {
        const joint = body.joints[0];
        const parentIndex = d.bodies.findIndex((b) => b.name === body.parent);
        const anchorChild = joint.pos;
        const anchorParent = [body.pos[0] + joint.pos[0], body.pos[1] + joint.pos[1], body.pos[2] + joint.pos[2]];
        const data = RAPIER.JointData.revolute(
          { x: anchorParent[0], y: anchorParent[1], z: anchorParent[2] },
          { x: anchorChild[0], y: anchorChild[1], z: anchorChild[2] },
          { x: joint.axis[0], y: joint.axis[1], z: joint.axis[2] },
        );
        const impulseJoint: ImpulseJoint = world.createImpulseJoint(data, this.bodies[parentIndex], rigid, true);
        const revolute = impulseJoint as RevoluteImpulseJoint;
        revolute.setContactsEnabled(false);
        if (joint.range) revolute.setLimits(joint.range[0], joint.range[1]);
        revolute.configureMotorModel(RAPIER.MotorModel.ForceBased);
        this.joints.push(revolute);
        this.anchorParent.push([anchorParent[0], anchorParent[2]]);
        this.anchorChild.push([anchorChild[0], anchorChild[2]]);
      }
    }
  }

  /** Gear torques for the whole environment step (Rapier keeps applied torques until they are reset). */
  stage(u: Float64Array): void {
    this.u = u;
    this.staged = true;
    for (const body of this.bodies) body.resetTorques(false);
    for (let i = 0; i < 3; i++) {
      const tau = this.gear[i] * u[i];
      // Torque tau about the joint axis (-y) on the child, its reaction on the parent.
      this.bodies[i + 1].addTorque({ x: 0, y: -tau, z: 0 }, false);
      this.bodies[i].addTorque({ x: 0, y: tau, z: 0 }, false);
    }
  }

  advance(): void {
    this.scene.step();
  }

  /** The implicit armature + damping of this substep, from the joint velocities at its start. */
  beforeSubstep(): void {
    const h = hopperDescription.timestep;
    let previousRate = this.bodies[0].angvel().y;
    for (let i = 0; i < 3; i++) {
      const rate = this.bodies[i + 1].angvel().y;
      const jointRate = -(rate - previousRate); // hinge axis -y
      previousRate = rate;
      // Implicit armature + damping: factor (A/h + D) towards A/h * qvel / (A/h + D).
      const factor = this.armature[i] / h + this.damping[i];
      this.joints[i].configureMotorVelocity(((this.armature[i] / h) * jointRate) / factor, factor);
    }
  }

  afterSubstep(): void {}

  afterStep(): void {
    this.staged = false;
    this.readState();
  }

  /** Generalised coordinates from the Rapier bodies. */
  private readState(): void {
    const { bodies, qpos, qvel, frames } = this;
    const v = bodies[0].linvel();
    let previousPitch = 0;
    let previousRate = 0;
    for (let i = 0; i < 4; i++) {
      const t = bodies[i].translation();
      const r = bodies[i].rotation();
      frames.set([t.x, t.y, t.z, r.x, r.y, r.z, r.w], 7 * i);
      const pitch = 2 * Math.atan2(r.y, r.w);
      const rate = bodies[i].angvel().y;
      if (i === 0) {
        qpos[2] = pitch;
        qvel[2] = rate;
      } else {
        // Hinge axis -y: the joint angle is minus the pitch of the child relative to the parent.
        qpos[2 + i] = -wrapAngle(pitch - previousPitch);
        qvel[2 + i] = -(rate - previousRate);
      }
      previousPitch = pitch;
      previousRate = rate;
    }
    // rootx/rootz are the torso frame's origin; Rapier's linvel is its centre of mass (the same for the torso).
    const [cx, cz] = rotate(qpos[2], this.comLocal[0][0], this.comLocal[0][1]);
    qpos[0] = frames[0];
    qpos[1] = frames[2];
    qvel[0] = v.x - qvel[2] * cz;
    qvel[1] = v.z + qvel[2] * cx;
  }

  setState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): void {
    // Body pitch and rate: torso from rooty, each child minus its joint (axis -y).
    const pitch = [qpos[2], 0, 0, 0];
    const rate = [qvel[2], 0, 0, 0];
    const origin: [number, number][] = [[qpos[0], qpos[1]]];
    const velocity: [number, number][] = [[qvel[0], qvel[1]]];
    for (let i = 1; i < 4; i++) {
      pitch[i] = pitch[i - 1] - qpos[2 + i];
      rate[i] = rate[i - 1] - qvel[2 + i];
      const [ax, az] = rotate(pitch[i - 1], this.anchorParent[i - 1][0], this.anchorParent[i - 1][1]);
      const jointX = origin[i - 1][0] + ax;
      const jointZ = origin[i - 1][1] + az;
      const [bx, bz] = rotate(pitch[i], this.anchorChild[i - 1][0], this.anchorChild[i - 1][1]);
      origin.push([jointX - bx, jointZ - bz]);
      // v(point) = v(origin) + w x r, with w about +y: (w rz, -w rx) in (x, z).
      const vjx = velocity[i - 1][0] + rate[i - 1] * az;
      const vjz = velocity[i - 1][1] - rate[i - 1] * ax;
      velocity.push([vjx - rate[i] * bz, vjz + rate[i] * bx]);
    }
    for (let i = 0; i < 4; i++) {
      const body = this.bodies[i];
      body.setTranslation({ x: origin[i][0], y: 0, z: origin[i][1] }, true);
      body.setRotation({ x: 0, y: Math.sin(pitch[i] / 2), z: 0, w: Math.cos(pitch[i] / 2) }, true);
      const [cx, cz] = rotate(pitch[i], this.comLocal[i][0], this.comLocal[i][1]);
      body.setLinvel({ x: velocity[i][0] + rate[i] * cz, y: 0, z: velocity[i][1] - rate[i] * cx }, true);
      body.setAngvel({ x: 0, y: rate[i], z: 0 }, true);
    }
    this.readState();
  }

  /** The bodies' frames as read after the last step (or setState). */
  writePoses(out: Float32Array, offset: number): void {
    for (let i = 0; i < 28; i++) out[offset + i] = this.frames[i];
  }

  dispose(): void {
    // Removing a body removes its colliders and joints too; the last robot of a scene frees its world.
    for (const body of this.bodies) this.scene.world.removeRigidBody(body);
    this.scene.release(this);
  }
}

function wrapAngle(angle: number): number {
  return angle - 2 * Math.PI * Math.round(angle / (2 * Math.PI));
}

function multiply(a: { x: number; y: number; z: number; w: number }, b: { x: number; y: number; z: number; w: number }) {
  return {
    x: a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
    y: a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
    z: a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w,
    w: a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z,
  };
}
