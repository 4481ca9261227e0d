/** The physics a robot can run on (see createEnv in registry.ts). Its own module so callers need not load robots. */
export const physicsNames = ['joint-space', 'rapier'] as const;
export type PhysicsName = (typeof physicsNames)[number];

/** Throws a clear error unless `physics` names a physics; undefined means the default, joint-space. */
export function checkPhysics(physics: string | undefined): PhysicsName {
  if (physics === undefined) return 'joint-space';
  if (!(physicsNames as readonly string[]).includes(physics)) throw new Error(`unknown physics '${physics}'; physics: ${physicsNames.join(', ')}`);
  return physics as PhysicsName;
}
