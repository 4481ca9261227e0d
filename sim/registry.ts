import type { SnapshotEnv, StateLayout } from './env-common.ts';
import type { GeomDescription, SignalDescription } from './robot-description.ts';
import { TimeLimit } from './time-limit.ts';
import { resolvePhysics, type PhysicsName } from './physics.ts';
import { rapierStateExtraSize } from './engines/rapier/build.ts';
import type { RapierWorld } from './engines/rapier/world.ts';
import { loadModel, type ModelFileName, type RobotModel } from './model/index.ts';
import { actionLayout, boundTask, modelRestPoses, renderBodies, renderScenery, taskSpec, taskSpecs } from './tasks/index.ts';
import { TaskEnv } from './tasks/task-env.ts';
import type { FidelityTip, TaskSpec } from './tasks/task.ts';

/** The robots Sinew simulates: every robot with a task file (sim/tasks/), in the app's order. */
export const robotNames = [
  'reacher',
  'hopper',
  'walker2d',
  'half-cheetah',
  'ant',
  'inverted-pendulum',
  'inverted-double-pendulum',
  'swimmer',
] as const;
export type RobotName = (typeof robotNames)[number];

/** What the renderer needs to draw one body: its geoms (poses in the body frame) and their colours. */
export interface RenderBody {
  readonly name: string;
  readonly geoms: readonly GeomDescription[];
}

/** Everything about a robot that does not need a physics world. */
export interface RobotInfo {
  readonly name: RobotName;
  readonly observationSize: number;
  readonly actionSize: number;
  /** Sizes of MuJoCo's qpos and qvel (getState/setState). */
  readonly nq: number;
  readonly nv: number;
  /** Seconds of simulated time per environment step (timestep x frameSkip). */
  readonly dt: number;
  readonly timestep: number;
  readonly frameSkip: number;
  /** Gymnasium's TimeLimit for the robot, applied by createEnv unless told otherwise. */
  readonly maxEpisodeSteps: number;
  /** Gymnasium's reward threshold ("solved"). */
  readonly rewardThreshold: number;
  /** Names of the reward terms in StepInfo.terms (they sum to the reward). */
  readonly rewardTerms: readonly string[];
  /** Whether the robot touches the ground (its steps vary in cost: worker threads share work, worker-vec-env.ts). */
  readonly hasContacts: boolean;
  /** The MJCF file the robot is compiled from (assets/models/). */
  readonly modelFile: ModelFileName;
  /** Whether its root body slides or floats (it travels over the ground) rather than being fixed to its base. */
  readonly travels: boolean;
  /**
   * Bodies in pose-board order: writePoses emits 7 floats (x, y, z, qx, qy, qz, qw) per body, the body frame
   * in the world (MuJoCo's xpos/xquat; z up, metres).
   */
  readonly bodies: readonly RenderBody[];
  /** One robot's pose board at its initial state (qpos0), in the order of `bodies`: what the app shows before a run. */
  readonly restPoses: Float32Array;
  /** Fixed decoration (ground, arena) in world coordinates. */
  readonly scenery: readonly GeomDescription[];
  /** Meaning and unit of each observation and action entry. */
  readonly observationLayout: readonly SignalDescription[];
  readonly actionLayout: readonly SignalDescription[];
  /** The task's tip for fidelity's fingertip figures (TaskSpec.fidelityTip), or null. */
  readonly fidelityTip: FidelityTip | null;
}

/** Whether the robot's first jointed child of the world slides or floats (the Reacher's target does not count). */
function travels(model: RobotModel): boolean {
  const root = model.bodies.find((body) => body.parent === 0 && body.joints.length > 0);
  return root?.joints.some((id) => model.joints[id].type === 'slide' || model.joints[id].type === 'free') ?? false;
}

/** A robot known only by its MJCF file and task file. */
function modelRobotInfo(spec: TaskSpec): RobotInfo {
  const { model, task } = boundTask(spec);
  return {
    name: spec.robot as RobotName,
    observationSize: task.observationSize,
    actionSize: model.nu,
    nq: model.nq,
    nv: model.nv,
    dt: model.option.timestep * task.frameSkip,
    timestep: model.option.timestep,
    frameSkip: task.frameSkip,
    maxEpisodeSteps: spec.maxEpisodeSteps,
    rewardThreshold: spec.rewardThreshold,
    rewardTerms: task.rewardTerms,
    hasContacts: model.geoms.some((g) => g.body === 0 && g.type === 'plane' && (g.contype !== 0 || g.conaffinity !== 0)),
    modelFile: spec.modelFile,
    travels: travels(model),
    bodies: renderBodies(model),
    restPoses: modelRestPoses(model),
    scenery: renderScenery(model),
    observationLayout: spec.observationLayout(model),
    actionLayout: actionLayout(model),
    fidelityTip: spec.fidelityTip ?? null,
  };
}

export const robots = Object.fromEntries(taskSpecs.map((spec) => [spec.robot, modelRobotInfo(spec)])) as Readonly<Record<RobotName, RobotInfo>>;

export function isRobotName(name: string): name is RobotName {
  return (robotNames as readonly string[]).includes(name);
}

/** The robot's metadata; throws a clear Error for an unknown name. */
export function robotInfo(robot: string): RobotInfo {
  if (!isRobotName(robot)) throw new Error(`unknown robot '${robot}'; robots: ${robotNames.join(', ')}`);
  return robots[robot];
}

export { checkPhysics, defaultPhysics, physicsNames, physicsSummary, resolvePhysics, runsOn, type PhysicsName } from './physics.ts';

/**
 * Sizes of a packed env snapshot for `robot` on `physics`: MuJoCo adds its warmstart and body frames
 * (engines/mujoco), Rapier the world and handles of the robot's bodies (engines/rapier/snapshot.ts).
 */
export function stateLayout(robot: string, physics: string | undefined): StateLayout {
  const info = robotInfo(robot);
  const nbody = info.bodies.length + 1;
  const engine = resolvePhysics(info.name, physics);
  const extra = engine === 'mujoco' ? info.nv + 7 * nbody : engine === 'rapier' ? rapierStateExtraSize(loadModel(info.modelFile)) : 0;
  return { nq: info.nq, nv: info.nv, extra };
}

export interface CreateEnvOptions {
  /**
   * 'rapier' (the default where it builds the robot, physics.ts): the robot's MJCF model built in a Rapier world by
   * the generic engine (engines/rapier/), many robots per world. 'mujoco': the official MuJoCo (WebAssembly, loaded
   * on first use) running the robot's MJCF file (engines/mujoco/).
   */
  readonly physics?: PhysicsName;
  /** Rapier physics only: the world to build the robot in (shared with other robots); default a world of its own. */
  readonly scene?: RapierWorld;
  /**
   * Rapier physics only: the robot's lane in its world (a y offset; a vector env passes each env's global index, so
   * an env's numbers do not depend on which thread's world it lives in). Default 0.
   */
  readonly lane?: number;
  /** Seed of the first reset (and of the env's random stream). Default 0. */
  readonly seed?: number;
  /** Steps before truncation; default the robot's Gymnasium limit; 0 or Infinity for none. */
  readonly maxEpisodeSteps?: number;
}

/**
 * Builds one environment of `robot`, reset with `seed`, wrapped in Gymnasium's TimeLimit (50 steps Reacher,
 * 1000 Hopper) unless `maxEpisodeSteps` says otherwise. Rapier is initialised (once per thread) only for the
 * Rapier physics.
 */
export async function createEnv(robot: string, options: CreateEnvOptions = {}): Promise<SnapshotEnv> {
  const info = robotInfo(robot);
  const seed = options.seed ?? 0;
  const physics = resolvePhysics(info.name, options.physics);
  if (options.scene && physics !== 'rapier') throw new Error('createEnv: a scene is for Rapier physics only');
  if (options.scene && options.scene.model.name !== loadModel(info.modelFile).name)
    throw new Error(`createEnv: a ${info.name} cannot join a ${options.scene.model.name} world`);
  let env: SnapshotEnv;
  if (physics === 'rapier') {
    const scene = options.scene ?? (await createRapierScene(info.name));
    try {
      env = await rapierEnv(info.name, scene, seed, options.lane ?? 0);
    } catch (error) {
      scene.freeIfEmpty(); // a world made for this env alone
      throw error;
    }
  } else {
    env = await mujocoEnv(info.name, seed);
  }
  const limit = options.maxEpisodeSteps ?? info.maxEpisodeSteps;
  return limit > 0 && Number.isFinite(limit) ? new TimeLimit(env, limit) : env;
}

/** An empty Rapier world set up for `robot` (its model's timestep and gravity, its task's frame skip, its solver). */
export async function createRapierScene(robot: string): Promise<RapierWorld> {
  const info = robotInfo(robot);
  const spec = taskSpec(info.name);
  if (spec === undefined) throw new Error(`${robot} has no task file`);
  const { model, task } = boundTask(spec);
  const { RapierWorld } = await import('./engines/rapier/world.ts');
  return RapierWorld.create(model, task.frameSkip);
}

/** A robot's task over the Rapier engine, built into `scene` in lane `lane`. */
async function rapierEnv(robot: RobotName, scene: RapierWorld, seed: number, lane: number): Promise<SnapshotEnv> {
  const spec = taskSpec(robot);
  if (spec === undefined) throw new Error(`${robot} has no task file`);
  const { model, task } = boundTask(spec);
  const { RapierRobot } = await import('./engines/rapier/robot.ts');
  const physics = new RapierRobot(scene, model, lane, {
    frameSkip: task.frameSkip,
    contactForces: task.contactForces,
    constraintForces: task.constraintForces,
  });
  try {
    return new TaskEnv(robot, task, physics, seed);
  } catch (error) {
    physics.dispose();
    throw error;
  }
}

/** A robot's task over the MuJoCo engine (its module loads on first use in the thread). */
async function mujocoEnv(robot: RobotName, seed: number): Promise<SnapshotEnv> {
  const spec = taskSpec(robot);
  if (spec === undefined) throw new Error(`${robot} has no task file`);
  const { model, task } = boundTask(spec);
  const { createMujocoPhysics } = await import('./engines/mujoco/index.ts');
  const physics = await createMujocoPhysics(spec.modelFile, model, {
    frameSkip: task.frameSkip,
    contactForces: task.contactForces,
    constraintForces: task.constraintForces,
  });
  try {
    return new TaskEnv(robot, task, physics, seed);
  } catch (error) {
    physics.dispose();
    throw error;
  }
}
