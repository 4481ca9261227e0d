import type { RigidBody, World } from '@dimforge/rapier3d-compat';
import { findBody, geomMass } from './robot-description.ts';
import { RapierScene, type RapierRobot } from './rapier-scene.ts';
import { reacherDescription, writePlanarFrame, type ReacherPhysics } from './reacher.ts';
import { ReacherDynamics } from './reacher-dynamics.ts';

/**
 * The scene settings of a Reacher world (reacher.xml's timestep and frame skip; the arm ignores gravity). Rapier's
 * default 4 solver iterations: mean fingertip error over the free steps of the three reference files 0.82/1.69/0.54
 * mm with 1, 0.43/1.41/0.32 with 2, 0.11/0.53/0.09 with 4, 0.05/0.12/0.10 with 8 (the joints pull the links back
 * onto the arcs the joint dynamics turn them through).
 */
export const reacherSceneSettings = {
  robot: 'reacher',
  gravity: reacherDescription.gravity,
  timestep: reacherDescription.timestep,
  substeps: reacherDescription.frameSkip,
  solverIterations: 4,
} as const;

/**
 * The Reacher in Rapier (`createEnv('reacher', { physics: 'rapier' })`): two dynamic link bodies (the fingertip
 * welded to link 1 as in the XML) on revolute impulse joints about z, without colliders (the XML's geoms have
 * contype 0: they meet nothing). Rapier is the kinematics and constraint layer: it carries the bodies' poses and
 * keeps the chain together. The joint dynamics are not Rapier's: docs/FINDINGS.md: every Rapier-side
 * model of MuJoCo's armature (1 kg m^2 against links of 4e-5) is 9-15 cm off, because the armature is a
 * joint-space term. So each physics step the arm's joint-space equations (ReacherDynamics: the two-link mass matrix
 * with the armature, damping, gear, the soft limit on joint1) are integrated in TypeScript as the joint-space
 * Reacher integrates them, Rapier is given the body velocities that move the joints by the integrated
 * amount this step, and the joint angles are read back from the bodies. The joint velocities stay on the
 * TypeScript side (read back from Rapier, the light links exchange momentum through the joints).
 */
export class RapierReacherPhysics implements ReacherPhysics, RapierRobot {
  readonly qpos = new Float64Array(4);
  readonly qvel = new Float64Array(4);
  staged = false;
  private readonly dynamics = new ReacherDynamics(reacherDescription);
  /** Joint angles and velocities at the end of the current physics step, as the dynamics integrate them. */
  private readonly nextQ = new Float64Array(2);
  private readonly nextV = new Float64Array(2);
  private readonly fixed: RigidBody;
  private readonly body0: RigidBody;
  private readonly body1: RigidBody;
  /** Joint0's position (fixed) and each link's centre of mass along its x axis. */
  private readonly base: readonly [number, number, number];
  private readonly com0: number;
  private readonly com1: number;
  private u: Float64Array = new Float64Array(2);
  /** The links' frames in Rapier (x, y, z, qx, qy, qz, qw each), read once per step for observations and poses. */
  private readonly frames = new Float64Array(14);

  constructor(readonly scene: RapierScene) {
    const { RAPIER, world } = scene;
    const d = reacherDescription;
    const b0 = findBody(d, 'body0');
    const b1 = findBody(d, 'body1');
    const tip = findBody(d, 'fingertip');
    this.base = b0.pos;
    // MuJoCo's masses from the geoms (links along x: a capsule's "along" inertia is about x); link 1 carries the
    // fingertip welded at 0.11 m. No colliders: the Reacher's geoms never touch anything (contype 0), and colliders
    // that meet nothing still cost the broad phase (measured: 1.56x the env steps/s without them).
    const link0 = inertiaAlongX(b0.geoms[0].pos[0], geomMass(b0.geoms[0], d.density));
    const link1 = inertiaAlongX(b1.geoms[0].pos[0], geomMass(b1.geoms[0], d.density));
    const tipMass = inertiaAlongX(tip.pos[0], geomMass(tip.geoms[0], d.density));
    const arm1 = combine(link1, tipMass);
    this.com0 = link0.com;
    this.com1 = arm1.com;
    const fixed = world.createRigidBody(RAPIER.RigidBodyDesc.fixed().setTranslation(this.base[0], this.base[1], this.base[2]));
    const link = (mass: AxialMass, at: readonly number[]) =>
      world.createRigidBody(
        RAPIER.RigidBodyDesc.dynamic()
          .setTranslation(at[0], at[1], at[2])
          .setGravityScale(0)
          .setCanSleep(false)
          .setAdditionalMassProperties(mass.mass, { x: mass.com, y: 0, z: 0 }, { x: mass.along, y: mass.across, z: mass.across }, { x: 0, y: 0, z: 0, w: 1 }),
      );
    this.body0 = link(link0, this.base);
    this.body1 = link(arm1, [this.base[0] + b1.pos[0], this.base[1] + b1.pos[1], this.base[2] + b1.pos[2]]);
    const z = { x: 0, y: 0, z: 1 };
    const origin = { x: 0, y: 0, z: 0 };
    world.createImpulseJoint(RAPIER.JointData.revolute(origin, origin, z), fixed, this.body0, true).setContactsEnabled(false);
    world.createImpulseJoint(RAPIER.JointData.revolute({ x: b1.pos[0], y: b1.pos[1], z: b1.pos[2] }, origin, z), this.body0, this.body1, true).setContactsEnabled(false);
    this.fixed = fixed;
    scene.add(this);
  }

  /** A Reacher in a world of its own. */
  static async create(): Promise<RapierReacherPhysics> {
    return new RapierReacherPhysics(await RapierScene.create(reacherSceneSettings));
  }

  /** The joint state lives here; the bodies are posed at the joint angles (Rapier's velocities are set per step). */
  setState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): void {
    this.qpos.set(qpos);
    this.qvel.set([qvel[0], qvel[1], 0, 0]);
    const a = qpos[0];
    const b = a + qpos[1];
    const [bx, by, bz] = this.base;
    const l0 = this.dynamics.length0;
    this.body0.setTranslation({ x: bx, y: by, z: bz }, true);
    this.body0.setRotation({ x: 0, y: 0, z: Math.sin(a / 2), w: Math.cos(a / 2) }, true);
    this.body1.setTranslation({ x: bx + l0 * Math.cos(a), y: by + l0 * Math.sin(a), z: bz }, true);
    this.body1.setRotation({ x: 0, y: 0, z: Math.sin(b / 2), w: Math.cos(b / 2) }, true);
    setPlanarFrame(this.frames, 0, bx, by, bz, a);
    setPlanarFrame(this.frames, 7, bx + l0 * Math.cos(a), by + l0 * Math.sin(a), bz, b);
  }

  /**
   * Each environment step starts from the bodies posed at the joint angles (forward kinematics of qpos): the
   * bodies' state is then a function of qpos and qvel alone, so a snapshot (generalised coordinates) restores a
   * continuation bit for bit, and what drift Rapier's joints leave within a step is not carried over.
   */
  stage(u: Float64Array): void {
    this.setState(this.qpos, this.qvel);
    this.u = u;
    this.staged = true;
  }

  advance(): void {
    this.scene.step();
  }

  /**
   * Integrates the joints over this physics step and gives Rapier the velocities that carry each body to its pose
   * at the integrated joint angles: angvel the angle's change over h, linvel the centre of mass's displacement over
   * h (Rapier moves the centre of mass in a straight line; the instantaneous velocity would leave it on the
   * tangent, off the arc, and the joints' correction would then turn the links: 0.05 rad after 20 steps).
   */
  beforeSubstep(): void {
    const { qpos, qvel, dynamics, nextQ, nextV, u, com0, com1 } = this;
    nextQ[0] = qpos[0];
    nextQ[1] = qpos[1];
    nextV[0] = qvel[0];
    nextV[1] = qvel[1];
    dynamics.step(nextQ, nextV, u[0], u[1]);
    const h = dynamics.timestep;
    const l0 = dynamics.length0;
    // Centres of mass (relative to joint0) at the angles now and at the integrated ones.
    const [a, b] = [qpos[0], qpos[0] + qpos[1]];
    const [na, nb] = [nextQ[0], nextQ[0] + nextQ[1]];
    this.body0.setAngvel({ x: 0, y: 0, z: (na - a) / h }, true);
    this.body0.setLinvel({ x: (com0 * (Math.cos(na) - Math.cos(a))) / h, y: (com0 * (Math.sin(na) - Math.sin(a))) / h, z: 0 }, true);
    this.body1.setAngvel({ x: 0, y: 0, z: (nb - b) / h }, true);
    this.body1.setLinvel(
      { x: (l0 * (Math.cos(na) - Math.cos(a)) + com1 * (Math.cos(nb) - Math.cos(b))) / h, y: (l0 * (Math.sin(na) - Math.sin(a)) + com1 * (Math.sin(nb) - Math.sin(b))) / h, z: 0 },
      true,
    );
  }

  afterSubstep(): void {
    const { frames } = this;
    const r0 = this.body0.rotation();
    const r1 = this.body1.rotation();
    frames.set([r0.x, r0.y, r0.z, r0.w], 3);
    frames.set([r1.x, r1.y, r1.z, r1.w], 10);
    const angle0 = frameAngle(frames, 0);
    // Unwrap both angles across steps: joint0 is unlimited, joint1's soft limit lets it pass +-pi briefly.
    this.qpos[0] += wrapAngle(angle0 - this.qpos[0]);
    this.qpos[1] += wrapAngle(frameAngle(frames, 7) - angle0 - this.qpos[1]);
    this.qvel[0] = this.nextV[0];
    this.qvel[1] = this.nextV[1];
  }

  /** Reads the links' positions once per environment step (their rotations were read after the last substep). */
  afterStep(): void {
    this.staged = false;
    const t0 = this.body0.translation();
    const t1 = this.body1.translation();
    this.frames.set([t0.x, t0.y, t0.z], 0);
    this.frames.set([t1.x, t1.y, t1.z], 7);
  }

  /** From link 1's frame in Rapier: 0.11 m along its x axis. */
  fingertip(): [number, number] {
    const { frames } = this;
    const b = frameAngle(frames, 7);
    const l1 = this.dynamics.length1;
    return [frames[7] + l1 * Math.cos(b), frames[8] + l1 * Math.sin(b)];
  }

  /** Body frames from Rapier's bodies (the fingertip's from link 1's); the target does not move. */
  writePoses(out: Float32Array, offset: number): void {
    const { frames } = this;
    for (let i = 0; i < 14; i++) out[offset + i] = frames[i];
    const [tipX, tipY] = this.fingertip();
    writePlanarFrame(out, offset + 14, tipX, tipY, frames[9], frameAngle(frames, 7));
    writePlanarFrame(out, offset + 21, this.qpos[2], this.qpos[3], this.base[2], 0);
  }

  dispose(): void {
    const world: World = this.scene.world;
    // Removing a body removes its colliders and joints too.
    for (const body of [this.body1, this.body0, this.fixed]) world.removeRigidBody(body);
    this.scene.release(this);
  }
}

/** A body's mass on its x axis: mass, centre of mass (x), inertia about the x axis and across it at the com. */
interface AxialMass {
  readonly mass: number;
  readonly com: number;
  readonly along: number;
  readonly across: number;
}

/** A geom's mass at x along a link (capsules lie along x: their third principal inertia is the axial one). */
function inertiaAlongX(x: number, geom: { mass: number; inertia: readonly number[] }): AxialMass {
  return { mass: geom.mass, com: x, along: geom.inertia[2], across: geom.inertia[0] };
}

/** Two masses on one axis as one body (parallel axis theorem across the axis). */
function combine(a: AxialMass, b: AxialMass): AxialMass {
  const mass = a.mass + b.mass;
  const com = (a.mass * a.com + b.mass * b.com) / mass;
  return { mass, com, along: a.along + b.along, across: a.across + a.mass * (a.com - com) ** 2 + b.across + b.mass * (b.com - com) ** 2 };
}

/** The rotation about z of the frame at frames[o] (x, y, z, qx, qy, qz, qw): the arm stays in the xy plane. */
function frameAngle(frames: Float64Array, o: number): number {
  return 2 * Math.atan2(frames[o + 5], frames[o + 6]);
}

function setPlanarFrame(frames: Float64Array, o: number, x: number, y: number, z: number, angle: number): void {
  frames.set([x, y, z, 0, 0, Math.sin(angle / 2), Math.cos(angle / 2)], o);
}

function wrapAngle(angle: number): number {
  return angle - 2 * Math.PI * Math.round(angle / (2 * Math.PI));
}
