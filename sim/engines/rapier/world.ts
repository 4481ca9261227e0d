import type { World } from '@dimforge/rapier3d-simd-compat';
import type { RobotModel } from '../../model/types.ts';
import { loadRapier, type Rapier } from '../../rapier.ts';
import { solverSettings, type SolverSettings } from './solver.ts';

/**
 * What a robot living in a RapierWorld does around each world step. The world steps all its robots together
 * (frame-skip world steps per environment step); a robot that was not staged for this step makes the step throw
 * (it would move with stale controls).
 */
export interface WorldRobot {
  readonly staged: boolean;
  /** The robot's lane (its global index in a vector env): the world's id is its lowest lane. */
  readonly lane: number;
  /** Before each world step: joint motors (armature, damping, springs, actuator torques) for this step; `last`: the env step's last. */
  beforeSubstep(last: boolean): void;
  /** After the last world step of an environment step: read the bodies back into generalised coordinates. */
  afterStep(): void;
}

let liveWorlds = 0;

/** Rapier worlds created and not yet freed in this thread (tests check that closing frees them all). */
export function liveRapierEngineWorlds(): number {
  return liveWorlds;
}

/**
 * One Rapier world for the robots of one thread's slice of a vector env (or for a lone env): many robots of one
 * model, each in its own lane (a y offset, by the robot's global index so that its numbers do not depend on which
 * thread steps it), touching the ground but never each other (collision groups, see build.ts). Stepped through the
 * physics pipeline directly: World.step() also walks every body for its JS-side bookkeeping.
 */
export class RapierWorld {
  world: World;
  /** Shared static colliders already built (planes serve every lane), by model geom id. */
  readonly sharedStatics = new Set<number>();
  /**
   * Handles of the fixed bodies carrying the shared planes (kept when a restored world drops robots: snapshot.ts);
   * none on soft ground, where each lane's ground body carries its own.
   */
  readonly planeBodies: number[] = [];
  /** Metres between lanes (along y). */
  readonly laneSpacing = 4;
  private readonly robots: WorldRobot[] = [];
  private freed = false;
  private readonly gravity: ReturnType<Rapier['VectorOps']['intoRaw']>;

  private constructor(
    readonly RAPIER: Rapier,
    readonly model: RobotModel,
    /** World steps per environment step. */
    readonly frameSkip: number,
    readonly solver: SolverSettings,
    /** A world restored from a snapshot (snapshot.ts), or undefined for a new, empty one. */
    restored?: World,
  ) {
    const g = model.option.gravity;
    this.world = restored ?? new RAPIER.World({ x: g[0], y: g[1], z: g[2] });
    liveWorlds++;
    this.configure(this.world);
    this.gravity = RAPIER.VectorOps.intoRaw({ x: g[0], y: g[1], z: g[2] });
  }

  static async create(model: RobotModel, frameSkip: number): Promise<RapierWorld> {
    if (!(Number.isInteger(frameSkip) && frameSkip > 0)) throw new Error(`RapierWorld: frame skip must be a positive integer, got ${frameSkip}`);
    return new RapierWorld(await loadRapier(), model, frameSkip, solverSettings(model.name));
  }

  /**
   * The world a snapshot (takeSnapshot) describes, set up like `like` (same model, frame skip and solver), empty of
   * robots on the JS side: the robots in it adopt their bodies (RapierRobot.adopt). Throws for bytes that are not a
   * snapshot of this Rapier version.
   */
  static fromSnapshot(like: RapierWorld, bytes: Uint8Array): RapierWorld {
    let world: World | null = null;
    try {
      world = like.RAPIER.World.restoreSnapshot(bytes);
    } catch {
      world = null;
    }
    if (!world) throw new Error(`${like.model.name}: not a Rapier ${like.RAPIER.version()} world snapshot`);
    const host = new RapierWorld(like.RAPIER, like.model, like.frameSkip, like.solver, world);
    for (const geom of like.sharedStatics) host.sharedStatics.add(geom);
    return host;
  }

  /** The world's id in snapshots: the lowest lane of its robots (lanes are global indices, so ids are unique). */
  get id(): number {
    let id = Infinity;
    for (const robot of this.robots) id = Math.min(id, robot.lane);
    return id;
  }

  /** Seconds per world step. */
  get worldTimestep(): number {
    return this.model.option.timestep / this.solver.worldSteps;
  }

  /** Sets the solver (measurements of other settings; robots built afterwards use it). */
  setSolver(settings: SolverSettings): void {
    (this as { solver: SolverSettings }).solver = settings;
    this.configure(this.world);
  }

  private configure(world: World): void {
    world.timestep = this.model.option.timestep / this.solver.worldSteps;
    const parameters = world.integrationParameters;
    parameters.numSolverIterations = this.solver.solverIterations;
    parameters.numInternalPgsIterations = this.solver.pgsIterations;
    if (this.solver.contactNaturalFrequency !== undefined) parameters.contact_natural_frequency = this.solver.contactNaturalFrequency;
  }

  get size(): number {
    return this.robots.length;
  }

  add(robot: WorldRobot): void {
    if (this.freed) throw new Error('RapierWorld: the world was freed');
    this.robots.push(robot);
  }

  /** One environment step (frame-skip world steps) for every robot; each must have been staged. */
  step(): void {
    const { robots } = this;
    if (this.freed) throw new Error('RapierWorld: the world was freed');
    for (let r = 0; r < robots.length; r++) {
      if (!robots[r].staged)
        throw new Error(
          `RapierWorld: robot ${r} of ${robots.length} sharing this world has no staged action (step the envs of a shared world together)`,
        );
    }
    const w = this.world;
    const steps = this.frameSkip * this.solver.worldSteps;
    for (let k = 0; k < steps; k++) {
      const last = k === steps - 1;
      for (let r = 0; r < robots.length; r++) robots[r].beforeSubstep(last);
      w.physicsPipeline.raw.step(
        this.gravity,
        w.integrationParameters.raw,
        w.islands.raw,
        w.broadPhase.raw,
        w.narrowPhase.raw,
        w.bodies.raw,
        w.colliders.raw,
        w.impulseJoints.raw,
        w.multibodyJoints.raw,
        w.ccdSolver.raw,
      );
    }
    for (let r = 0; r < robots.length; r++) robots[r].afterStep();
  }

  /**
   * The whole world (bodies, joints, contact manifolds and the solver's warm starts for joints and contacts):
   * restoring it (fromSnapshot) continues bit for bit.
   */
  takeSnapshot(): Uint8Array {
    if (this.freed) throw new Error('RapierWorld: the world was freed');
    return this.world.takeSnapshot();
  }

  /** A robot leaves the world (its bodies are already removed, or it moved to a restored world); the last one frees it. */
  release(robot: WorldRobot): void {
    const index = this.robots.indexOf(robot);
    if (index >= 0) this.robots.splice(index, 1);
    this.freeIfEmpty();
  }

  /** Frees the world if no robot lives in it (also for a world whose robots failed to build). */
  freeIfEmpty(): void {
    if (this.robots.length === 0 && !this.freed) {
      this.freed = true;
      this.world.free();
      this.gravity.free();
      liveWorlds--;
    }
  }
}
