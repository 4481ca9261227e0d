import type { World } from '@dimforge/rapier3d-compat';
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
  /** Before each world step: joint motors (armature, damping, springs, actuator torques) for this step. */
  beforeSubstep(): void;
  /** After the last world step of an environment step: read the bodies back into generalised coordinates. */
  afterStep(): void;
  /** After a whole-world restore: the world's sets are new objects. */
  rebind(world: World): void;
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
  ) {
    const g = model.option.gravity;
    this.world = new RAPIER.World({ x: g[0], y: g[1], z: g[2] });
    liveWorlds++;
    this.configure(this.world);
    this.gravity = RAPIER.VectorOps.intoRaw({ x: g[0], y: g[1], z: g[2] });
  }

  static async create(model: RobotModel, frameSkip: number): Promise<RapierWorld> {
    if (!(Number.isInteger(frameSkip) && frameSkip > 0)) throw new Error(`RapierWorld: frame skip must be a positive integer, got ${frameSkip}`);
    return new RapierWorld(await loadRapier(), model, frameSkip, solverSettings(model.name));
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
      for (let r = 0; r < robots.length; r++) robots[r].beforeSubstep();
      w.physicsPipeline.raw.step(
        this.gravity,
        w.integrationParameters.raw,
        w.islands.raw,
        w.broadPhase.raw,
        w.narrowPhase.raw,
        w.bodies.raw,
        w.colliders.raw,
        w.softBodies.raw,
        w.impulseJoints.raw,
        w.multibodyJoints.raw,
        w.ccdSolver.raw,
      );
    }
    for (let r = 0; r < robots.length; r++) robots[r].afterStep();
  }

  /** The whole world (bodies, joints, contacts and the solver's warm starts): restoring it continues bit for bit. */
  takeSnapshot(): Uint8Array {
    return this.world.takeSnapshot();
  }

  restoreSnapshot(bytes: Uint8Array): void {
    const restored = this.RAPIER.World.restoreSnapshot(bytes);
    if (!restored) throw new Error('RapierWorld: not a Rapier world snapshot');
    this.world.free();
    this.world = restored;
    this.configure(restored);
    for (const robot of this.robots) robot.rebind(restored);
  }

  /** A robot leaves the world (its bodies are already removed); the last one frees it. */
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
