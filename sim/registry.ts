import type { SnapshotEnv } from './env-common.ts';
import { HOPPER, HOPPER_BODIES, HopperEnv, JointSpaceHopperPhysics, hopperDescription } from './hopper.ts';
import { REACHER, REACHER_BODIES, ReacherEnv, reacherDescription } from './reacher.ts';
import { restPoses, type GeomDescription, type RobotDescription, type SignalDescription } from './robot-description.ts';
import { TimeLimit } from './time-limit.ts';
import { checkPhysics, type PhysicsName } from './physics.ts';
import type { RapierScene } from './rapier-scene.ts';

/** The robots Sinew simulates. */
export const robotNames = ['reacher', 'hopper'] as const;
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
  readonly description: RobotDescription;
}

function renderBodies(description: RobotDescription, names: readonly string[]): RenderBody[] {
  return names.map((name) => {
    const body = description.bodies.find((b) => b.name === name);
    if (!body) throw new Error(`${description.name}: no body ${name}`);
    return { name, geoms: body.geoms };
  });
}

export const robots: Readonly<Record<RobotName, RobotInfo>> = {
  reacher: {
    name: 'reacher',
    observationSize: REACHER.observationSize,
    actionSize: REACHER.actionSize,
    nq: 4,
    nv: 4,
    dt: reacherDescription.timestep * reacherDescription.frameSkip,
    timestep: reacherDescription.timestep,
    frameSkip: reacherDescription.frameSkip,
    maxEpisodeSteps: 50,
    rewardThreshold: -3.75,
    rewardTerms: ['distance', 'control'],
    bodies: renderBodies(reacherDescription, REACHER_BODIES),
    restPoses: restPoses(reacherDescription, REACHER_BODIES),
    scenery: reacherDescription.scenery,
    observationLayout: reacherDescription.observationLayout,
    actionLayout: reacherDescription.actionLayout,
    description: reacherDescription,
  },
  hopper: {
    name: 'hopper',
    observationSize: HOPPER.observationSize,
    actionSize: HOPPER.actionSize,
    nq: 6,
    nv: 6,
    dt: hopperDescription.timestep * hopperDescription.frameSkip,
    timestep: hopperDescription.timestep,
    frameSkip: hopperDescription.frameSkip,
    maxEpisodeSteps: 1000,
    rewardThreshold: 3800,
    rewardTerms: ['forward', 'healthy', 'control'],
    bodies: renderBodies(hopperDescription, HOPPER_BODIES),
    restPoses: restPoses(hopperDescription, HOPPER_BODIES),
    scenery: hopperDescription.scenery,
    observationLayout: hopperDescription.observationLayout,
    actionLayout: hopperDescription.actionLayout,
    description: hopperDescription,
  },
};

export function isRobotName(name: string): name is RobotName {
  return (robotNames as readonly string[]).includes(name);
}

/** The robot's metadata; throws a clear Error for an unknown name. */
export function robotInfo(robot: string): RobotInfo {
  if (!isRobotName(robot)) throw new Error(`unknown robot '${robot}'; robots: ${robotNames.join(', ')}`);
  return robots[robot];
}

export { checkPhysics, physicsNames, type PhysicsName } from './physics.ts';

export interface CreateEnvOptions {
  /**
   * 'joint-space' (default): MuJoCo's equations for the robot's XML in TypeScript, matching MuJoCo's trajectories
   * to 1e-9. 'rapier': the robot's bodies and joints in a Rapier world (see reacher-rapier.ts, hopper-rapier.ts):
   * the Reacher's fingertip within 0.1-0.5 mm of MuJoCo's before joint1's limit, the Hopper's joints within 0.06 rad.
   */
  readonly physics?: PhysicsName;
  /** Rapier physics only: the world to build the robot in (shared with other robots); default a world of its own. */
  readonly scene?: RapierScene;
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
  const physics = checkPhysics(options.physics);
  if (options.scene && physics !== 'rapier') throw new Error('createEnv: a scene is for Rapier physics only');
  if (options.scene && options.scene.settings.robot !== info.name) throw new Error(`createEnv: a ${info.name} cannot join a ${options.scene.settings.robot} world`);
  let env: SnapshotEnv;
  if (physics === 'rapier') {
    const scene = options.scene ?? (await createRapierScene(info.name));
    try {
      env = info.name === 'reacher' ? await rapierReacher(scene, seed) : await rapierHopper(scene, seed);
    } catch (error) {
      scene.freeIfEmpty(); // a world made for this env alone
      throw error;
    }
  } else {
    env = info.name === 'reacher' ? new ReacherEnv(seed) : new HopperEnv(new JointSpaceHopperPhysics(), seed);
  }
  const limit = options.maxEpisodeSteps ?? info.maxEpisodeSteps;
  return limit > 0 && Number.isFinite(limit) ? new TimeLimit(env, limit) : env;
}

/** An empty Rapier world set up for `robot` (its timestep, frame skip, gravity, solver). */
export async function createRapierScene(robot: string): Promise<RapierScene> {
  const name = robotInfo(robot).name;
  if (name === 'reacher') {
    const [{ RapierScene }, { reacherSceneSettings }] = await Promise.all([import('./rapier-scene.ts'), import('./reacher-rapier.ts')]);
    return RapierScene.create(reacherSceneSettings);
  }
  const { createHopperScene } = await import('./hopper-rapier.ts');
  return createHopperScene();
}

async function rapierReacher(scene: RapierScene, seed: number): Promise<SnapshotEnv> {
  const { RapierReacherPhysics } = await import('./reacher-rapier.ts');
  return new ReacherEnv(seed, new RapierReacherPhysics(scene));
}

async function rapierHopper(scene: RapierScene, seed: number): Promise<SnapshotEnv> {
  const { RapierHopperPhysics } = await import('./hopper-rapier.ts');
  return new HopperEnv(new RapierHopperPhysics(scene), seed);
}
