import type { World } from '@dimforge/rapier3d-simd-compat';
import type { RestorePass } from '../../env-common.ts';
import type { RobotModel } from '../../model/types.ts';
import { writeBodyPoses, type EnginePhysics } from '../engine.ts';
import { buildRobot, builtCounts, rapierStateExtraSize } from './build.ts';
import { fromGeneralised, toGeneralised } from './coordinates.ts';
import { ContactWrenches, type ContactSource } from './contacts.ts';
import { JOINT_GAP_LIMIT, largestJointGap, spinsBeyondStep } from './divergence.ts';
import { JointDrive } from './drive.ts';
import { FluidForces } from './fluid.ts';
import { rapierLayout, type RapierLayout } from './layout.ts';
import { LinkStates } from './link-states.ts';
import { LinkLoads } from './loads.ts';
import { writeBodyPose, writeFrames } from './frames.ts';
import { RootLoads } from './root-loads.ts';
import { readRobotExtra, RestoredWorld, writeRobotExtra, type RobotHandles } from './snapshot.ts';
import { RapierWorld, type WorldRobot } from './world.ts';

/**
 * Why the Rapier engine refuses MuJoCo's constraint forces (qfrc_constraint): its JS API reports no joint impulses,
 * and an estimate from MuJoCo's soft-limit law at the start of each world step (tried on the InvertedDoublePendulum's
 * rail, docs/FINDINGS.md) agreed in sign with MuJoCo's on 35 of 53 steps at the rail's ends.
 */
export const RAPIER_CONSTRAINT_FORCES = 'the Rapier engine cannot compute constraint forces (qfrc_constraint): its JS API reports no joint impulses';

/** Options of a robot build: the environment's frame skip (must match the world's) and whether contact forces are wanted. */
export interface RapierRobotOptions {
  readonly frameSkip?: number;
  readonly contactForces?: boolean;
  readonly constraintForces?: boolean;
}

/**
 * One robot of a compiled model in a RapierWorld, seen through MuJoCo's generalised coordinates: qpos/qvel are read
 * from the bodies after every environment step and written into them by setState. Its joints are driven by a
 * JointDrive (drive.ts); its snapshots name the world and handles that hold it (snapshot.ts).
 */
export class RapierRobot implements WorldRobot, EnginePhysics {
  readonly qpos: Float64Array;
  readonly qvel: Float64Array;
  /** MuJoCo's xpos, xquat ([w, x, y, z]) and site_xpos, computed from the links after every step and setState. */
  readonly xpos: Float64Array;
  readonly xquat: Float64Array;
  readonly siteXpos: Float64Array;
  /** MuJoCo's cfrc_ext over the last world step (contacts.ts), when built with contactForces; zeros otherwise. */
  readonly cfrcExt: Float64Array;
  /** Zeros: the Rapier engine refuses constraintForces (see the constructor). */
  readonly qfrcConstraint: Float64Array;
  readonly stateExtraSize: number;
  readonly frameSkip: number;
  staged = false;
  /** Whether the last step tore a joint apart, spun a link beyond a world step or left NaN (divergence.ts). */
  diverged = false;
  /** Whether setState set such a state (the next step reports it). */
  private setDiverged = false;
  readonly layout: RapierLayout;
  private host: RapierWorld;
  private world: World;
  private handles: RobotHandles;
  private readonly drive: JointDrive;
  private readonly contacts: ContactWrenches | null;
  /** External loads on the links each world step (loads.ts), and their sources beside the drive; null when none. */
  private readonly loads: LinkLoads | null;
  private readonly fluid: FluidForces | null;
  private readonly rootLoads: RootLoads | null;
  /** What the contact wrenches read (renewed when a restore moves the robot to another world). */
  private readonly contactSource: ContactSource;
  /** The links' states, read from the bodies after every step (and their rotations before every world step). */
  readonly linkState: LinkStates;
  private readonly rawVector: ReturnType<RapierWorld['RAPIER']['VectorOps']['intoRaw']>;

  constructor(
    host: RapierWorld,
    readonly model: RobotModel,
    /** The robot's lane: its global index in a vector env (numbers do not depend on which thread steps it). */
    readonly lane: number,
    options: RapierRobotOptions = {},
  ) {
    if (options.frameSkip !== undefined && options.frameSkip !== host.frameSkip)
      throw new Error(`${model.name}: frame skip ${options.frameSkip} in a world stepping ${host.frameSkip}`);
    if (host.model !== model) throw new Error(`a ${model.name} cannot join a ${host.model.name} world`);
    this.host = host;
    this.frameSkip = host.frameSkip;
    this.xpos = new Float64Array(3 * model.bodies.length);
    this.xquat = new Float64Array(4 * model.bodies.length);
    this.siteXpos = new Float64Array(3 * model.sites.length);
    this.cfrcExt = new Float64Array(6 * model.bodies.length);
    this.qfrcConstraint = new Float64Array(model.nv);
    if (options.constraintForces) throw new Error(`${model.name}: ${RAPIER_CONSTRAINT_FORCES}`);
    const layout = rapierLayout(model);
    this.layout = layout;
    this.stateExtraSize = rapierStateExtraSize(model);
    this.world = host.world;
    this.qpos = Float64Array.from(model.qpos0);
    this.qvel = new Float64Array(model.nv);
    this.drive = new JointDrive(model, layout, host.solver, host.worldTimestep);
    this.contacts = options.contactForces ? new ContactWrenches(model, layout) : null;
    this.fluid = FluidForces.acts(model) ? new FluidForces(model, layout) : null;
    const rootLoads = new RootLoads(model, layout);
    this.rootLoads = rootLoads.active ? rootLoads : null;
    this.loads = this.drive.hasTorqueJoints || this.fluid || this.rootLoads ? new LinkLoads(layout) : null;
    const built = buildRobot(host, model, layout, lane, !host.solver.softLimits);
    this.handles = {
      links: built.links.map((body) => body.handle),
      joints: built.joints.map((joint) => joint.handle),
      staticBodies: built.staticBodies.map((body) => body.handle),
      colliders: built.colliders,
    };
    this.linkState = new LinkStates(layout.links.length);
    this.rawVector = host.RAPIER.VectorOps.intoRaw({ x: 0, y: 0, z: 0 });
    const { t, r, v } = this.linkState;
    this.contactSource = { world: this.world, colliders: this.handles.colliders, t, r, v, laneY: lane * host.laneSpacing };
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

  /** Actuator controls for the coming environment step (clamped to each actuator's ctrlrange). */
  stage(ctrl: ArrayLike<number>): void {
    this.drive.stage(ctrl);
    this.staged = true;
  }

  /** One environment step of this robot's world (every robot in it must be staged). */
  advance(): void {
    this.host.step();
  }

  /** Motors for this world step, from the joint velocities at its start. */
  beforeSubstep(last: boolean): void {
    const bodies = this.world.bodies.raw;
    const links = this.handles.links;
    const { t, r, v, w } = this.linkState;
    this.linkState.readRotations(bodies, links);
    const loads = this.loads;
    if (this.drive.hasSlideMotors || (last && this.contacts) || this.fluid || this.rootLoads) this.readTranslations();
    if (this.drive.hasSlideMotors) toGeneralised(this);
    if (last && this.contacts) this.contacts.beforeLastStep(v);
    this.drive.configureMotors(this.world.impulseJoints.raw, this.handles.joints, r, w, this.qpos, this.qvel);
    if (loads) {
      loads.begin(t, r);
      if (this.drive.hasTorqueJoints) this.drive.addTorques(loads, r);
      this.fluid?.add(loads, t, r, v, w);
      this.rootLoads?.add(loads, t, v, w);
      loads.apply(bodies, links, this.rawVector);
    }
  }

  afterStep(): void {
    this.staged = false;
    this.readState();
    const { layout } = this;
    const { t, r, w } = this.linkState;
    this.diverged = this.setDiverged || !(largestJointGap(layout, t, r) <= JOINT_GAP_LIMIT) || spinsBeyondStep(layout, w, this.host.worldTimestep);
    this.setDiverged = false;
    this.contacts?.compute(this.contactSource, this.host.worldTimestep, this.cfrcExt);
  }

  /** Contact points between this robot and the world after the last step (counted on demand: it walks the pairs). */
  get contactCount(): number {
    const world = this.world;
    let count = 0;
    for (const handle of this.handles.colliders) {
      world.narrowPhase.contactPairsWith(handle, (other) => {
        world.narrowPhase.contactPair(handle, other, world.bodies, (manifold) => {
          count += manifold.numContacts();
        });
      });
    }
    return count;
  }

  /** Which world holds this robot and its handles there (snapshot.ts); the world itself is saved by the scene. */
  writeStateExtra(out: Float64Array, offset: number): void {
    writeRobotExtra(out, offset, this.host.id, this.handles, this.host.planeBodies, builtCounts(this.model, this.layout).planes);
  }

  /**
   * Takes the bodies the saved world `scenes` holds for this robot (the world rebuilt once per pass), leaving its
   * current world; qpos and qvel are the saved ones (the bodies give the same, but an unwrapped angle only up to
   * rounding).
   */
  restoreState(
    qpos: ArrayLike<number>,
    qvel: ArrayLike<number>,
    extra: ArrayLike<number>,
    scenes: ReadonlyMap<number, Uint8Array> | undefined,
    pass: RestorePass,
  ): void {
    const saved = readRobotExtra(extra, 0, this.model, this.layout);
    const target = RestoredWorld.forPass(pass, scenes, saved.worldId, this.host);
    target.claim(saved.handles, saved.planes);
    this.removeBodies();
    this.host.release(this);
    this.host = target.host;
    this.world = target.host.world;
    this.handles = saved.handles;
    this.contactSource.world = this.world;
    this.contactSource.colliders = saved.handles.colliders;
    this.host.add(this);
    this.staged = false;
    this.diverged = false;
    this.cfrcExt.fill(0);
    this.readState();
    this.qpos.set(qpos);
    this.qvel.set(qvel);
  }

  writePoses(out: Float32Array, offset: number): void {
    writeBodyPoses(this.xpos, this.xquat, out, offset);
  }

  /** xpos, xquat and site_xpos from the link states. */
  private updateFrames(): void {
    writeFrames(this.model, this.layout, this.linkState.t, this.linkState.r, this.xpos, this.xquat, this.siteXpos);
  }

  private readTranslations(): void {
    this.linkState.readTranslations(this.world.bodies.raw, this.handles.links, this.lane * this.host.laneSpacing);
  }

  /** Reads every link and converts to generalised coordinates. */
  private readState(): void {
    this.readTranslations();
    this.linkState.readRotations(this.world.bodies.raw, this.handles.links);
    toGeneralised(this);
    this.updateFrames();
  }

  /** The state exactly as given (to the bodies' single precision); no contact wrenches until the next step. */
  setState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): void {
    this.cfrcExt.fill(0);
    this.diverged = false;
    this.setDiverged = false;
    fromGeneralised(this, qpos, qvel);
    this.linkState.write(this.host.RAPIER, this.world.bodies.raw, this.handles.links, this.lane * this.host.laneSpacing);
    this.readState();
    // A state set beyond what a world step integrates diverges in the coming step, whatever Rapier makes of it.
    this.setDiverged = spinsBeyondStep(this.layout, this.linkState.w, this.host.worldTimestep);
  }

  /** Model body `body`'s frame in the world (MuJoCo's xpos and xquat as x, y, z, qx, qy, qz, qw) at out[offset]. */
  writeBodyPose(body: number, out: Float32Array | Float64Array, offset: number): void {
    writeBodyPose(this.layout, this.linkState.t, this.linkState.r, body, out, offset);
  }

  /** Removes this robot's bodies (with their joints and colliders) from its world. */
  private removeBodies(): void {
    const world = this.world;
    for (const handle of [...this.handles.links].reverse()) world.removeRigidBody(world.getRigidBody(handle));
    for (const handle of this.handles.staticBodies) world.removeRigidBody(world.getRigidBody(handle));
  }

  dispose(): void {
    // The last robot of a world frees it.
    this.removeBodies();
    this.rawVector.free();
    this.host.release(this);
  }
}
