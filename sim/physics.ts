/** The physics a robot can run on (see createEnv in registry.ts). Its own module so callers need not load robots. */
export const physicsNames = ['rapier', 'mujoco'] as const;
export type PhysicsName = (typeof physicsNames)[number];

/**
 * What each physics is, for help texts: 'rapier' the Rapier engine built from the robot's MJCF file, 'mujoco' the
 * official MuJoCo (WebAssembly) running the robot's MJCF file.
 */
export const physicsSummary: Readonly<Record<PhysicsName, string>> = {
  rapier: 'Rapier, built from the MJCF file (every robot but the inverted double pendulum)',
  mujoco: 'the official MuJoCo in WebAssembly, every robot (the numbers published for Gymnasium)',
};

/** Throws a clear error unless `physics` names a physics (undefined passes: the robot's default, registry.ts). */
export function checkPhysics(physics: string | undefined): PhysicsName | undefined {
  if (physics === undefined) return undefined;
  if (!(physicsNames as readonly string[]).includes(physics)) throw new Error(`unknown physics '${physics}'; physics: ${physicsNames.join(', ')}`);
  return physics as PhysicsName;
}

/**
 * The robots the Rapier engine refuses to build (engines/rapier/), with its reason: they default to MuJoCo.
 * sim-registry.test.ts checks that exactly these are refused, so the list follows the engine.
 */
export const rapierRefuses: Readonly<Record<string, string>> = {
  'inverted-double-pendulum': "its observation's constraint force on the cart's slider (qfrc_constraint), which Rapier does not report",
};

/** Whether `physics` builds `robot`: MuJoCo builds every robot, Rapier all but those it refuses. */
export function runsOn(robot: string, physics: PhysicsName): boolean {
  return physics === 'mujoco' || !Object.hasOwn(rapierRefuses, robot);
}

/** The physics `robot` runs on when none is chosen: Rapier, or MuJoCo for the robots Rapier cannot build (the inverted double pendulum). */
export function defaultPhysics(robot: string): PhysicsName {
  return runsOn(robot, 'rapier') ? 'rapier' : 'mujoco';
}

/**
 * The physics name sinew wrote for the hand-written Reacher and Hopper models it no longer has (they computed
 * MuJoCo's equations; the MuJoCo engine computes the same to ~1e-8). Run folders may still say it: run-config.ts.
 */
export const RETIRED_PHYSICS = 'joint-space';

/** `physics` checked against `robot` (undefined: the robot's default), (the engine refuses, clearly, a robot it cannot build). */
export function resolvePhysics(robot: string, physics: string | undefined): PhysicsName {
  return checkPhysics(physics) ?? defaultPhysics(robot);
}
