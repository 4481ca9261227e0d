import type { World } from '@dimforge/rapier3d-compat';
import type { Vec3 } from './robot-description.ts';
import { loadRapier, type Rapier } from './rapier.ts';

/**
 * One Rapier World shared by the robots of one thread's slice of a vector env (or owned by a lone env), stepped
 * once per physics substep for all of them: many robots in one world step faster than a world per robot
 * (docs/FINDINGS.md; `npm run bench -- sim --physics rapier`). Robots meet the ground only, never each other
 * (collision groups below). Each robot keeps its state on the TypeScript side and is called around every world
 * step; a robot that was not staged for this step makes the step throw (it would move with stale controls).
 */
export interface RapierRobot {
  /** Whether controls were staged for the coming environment step. */
  readonly staged: boolean;
  /** Before each world step: velocities, motors, torques for this substep. */
  beforeSubstep(): void;
  /** After each world step: read the bodies back into the robot's state. */
  afterSubstep(): void;
  /** After the last substep of an environment step: the step is over (unstages). */
  afterStep(): void;
}

/** Collision groups (membership << 16 | filter): the ground meets robot parts, robot parts meet only the ground. */
export const GROUND_GROUPS = 0x0001_0002;
export const ROBOT_GROUPS = 0x0002_0001;

let liveWorlds = 0;

/** Rapier worlds created and not yet freed in this thread (tests check that closing frees them all). */
export function liveRapierWorlds(): number {
  return liveWorlds;
}

export interface SceneSettings {
  /** The robot this world is set up for (its timestep, frame skip and solver differ between robots). */
  readonly robot: string;
  readonly gravity: Vec3;
  readonly timestep: number;
  /** World steps per environment step (the robot's frame skip). */
  readonly substeps: number;
  readonly solverIterations?: number;
  readonly pgsIterations?: number;
}

export class RapierScene {
  readonly world: World;
  private readonly robots: RapierRobot[] = [];
  private freed = false;

  private constructor(
    readonly RAPIER: Rapier,
    readonly settings: SceneSettings,
  ) {
    const g = settings.gravity;
    this.world = new RAPIER.World({ x: g[0], y: g[1], z: g[2] });
    liveWorlds++;
    this.world.timestep = settings.timestep;
    if (settings.solverIterations !== undefined) this.world.integrationParameters.numSolverIterations = settings.solverIterations;
    if (settings.pgsIterations !== undefined) this.world.integrationParameters.numInternalPgsIterations = settings.pgsIterations;
  }

  static async create(settings: SceneSettings): Promise<RapierScene> {
    if (!(Number.isInteger(settings.substeps) && settings.substeps > 0)) throw new Error(`RapierScene: substeps must be a positive integer, got ${settings.substeps}`);
    return new RapierScene(await loadRapier(), settings);
  }

  /** Robots living in this world. */
  get size(): number {
    return this.robots.length;
  }

  add(robot: RapierRobot): void {
    if (this.freed) throw new Error('RapierScene: the world was freed');
    this.robots.push(robot);
  }

  /** One environment step (substeps world steps) for every robot; each must have been staged. */
  step(): void {
    const { robots, world } = this;
    if (this.freed) throw new Error('RapierScene: the world was freed');
    for (let r = 0; r < robots.length; r++) {
      if (!robots[r].staged) throw new Error(`RapierScene: robot ${r} of ${robots.length} sharing this world has no staged action (step the envs of a shared world together)`);
    }
    for (let k = 0; k < this.settings.substeps; k++) {
      for (let r = 0; r < robots.length; r++) robots[r].beforeSubstep();
      world.step();
      for (let r = 0; r < robots.length; r++) robots[r].afterSubstep();
    }
    for (let r = 0; r < robots.length; r++) robots[r].afterStep();
  }

  /** A robot leaves the world (its env was disposed; its bodies are already removed); the last one frees it. */
  release(robot: RapierRobot): void {
    const index = this.robots.indexOf(robot);
    if (index >= 0) this.robots.splice(index, 1);
    this.freeIfEmpty();
  }

  /** Frees the world if no robot lives in it (also for a scene whose robots failed to build). */
  freeIfEmpty(): void {
    if (this.robots.length === 0 && !this.freed) {
      this.freed = true;
      this.world.free();
      liveWorlds--;
    }
  }
}
