/** The physics a robot can run on (see createEnv in registry.ts). Its own module so callers need not load robots. */
export const physicsNames = ['joint-space', 'rapier', 'mujoco'] as const;
export type PhysicsName = (typeof physicsNames)[number];

/**
 * What each physics is, for help texts: 'joint-space' the hand-written MuJoCo equations of the Reacher and the
 * Hopper, 'rapier' those two built in Rapier, 'mujoco' the official MuJoCo (WebAssembly) running the robot's
 * MJCF file, for every robot.
 */
export const physicsSummary: Readonly<Record<PhysicsName, string>> = {
  'joint-space': "MuJoCo's equations in TypeScript (reacher, hopper)",
  rapier: 'Rapier, built from the MJCF file',
  mujoco: 'the official MuJoCo in WebAssembly, every robot',
};

/** Throws a clear error unless `physics` names a physics (undefined passes: the robot's default, registry.ts). */
export function checkPhysics(physics: string | undefined): PhysicsName | undefined {
  if (physics === undefined) return undefined;
  if (!(physicsNames as readonly string[]).includes(physics)) throw new Error(`unknown physics '${physics}'; physics: ${physicsNames.join(', ')}`);
  return physics as PhysicsName;
}

/** The robots with hand-written joint-space models; every robot runs on MuJoCo and on Rapier. */
const HAND_WRITTEN: readonly string[] = ['reacher', 'hopper'];

/** The physics `robot` runs on when none is chosen: joint-space for the Reacher and the Hopper, mujoco otherwise. */
export function defaultPhysics(robot: string): PhysicsName {
  return HAND_WRITTEN.includes(robot) ? 'joint-space' : 'mujoco';
}

/** `physics` checked against `robot` (undefined: the robot's default), with a clear error for a pair that does not exist. */
export function resolvePhysics(robot: string, physics: string | undefined): PhysicsName {
  const chosen = checkPhysics(physics) ?? defaultPhysics(robot);
  if (chosen === 'joint-space' && !HAND_WRITTEN.includes(robot))
    throw new Error(`${robot} runs on --physics mujoco or rapier (physics '${chosen}' is for ${HAND_WRITTEN.join(' and ')})`);
  return chosen;
}
