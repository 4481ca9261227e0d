import type { SnapshotEnv } from './env-common.ts';
import { createEnv, createRapierScene, resolvePhysics, type PhysicsName } from './registry.ts';

/**
 * How Rapier robots are put in worlds: 'shared' (default) builds all the robots of one thread's slice into one
 * world, where they meet the ground but never each other; 'per-robot' gives each robot a world of its own.
 * Measured with `npm run bench -- sim --physics rapier --rapier-worlds shared,per-robot` (see bench/sim.ts).
 */
export const rapierWorldModes = ['shared', 'per-robot'] as const;
export type RapierWorldMode = (typeof rapierWorldModes)[number];

export interface EnvSliceOptions {
  readonly robot: string;
  /** Global index of the slice's first env; env first + k is seeded with seed + first + k. */
  readonly first: number;
  readonly count: number;
  readonly seed: number;
  readonly maxEpisodeSteps?: number;
  readonly physics?: PhysicsName;
  readonly rapierWorlds?: RapierWorldMode;
}

/** The envs one thread steps for a vector env; on failure the ones already built are disposed. */
export async function createEnvSlice(options: EnvSliceOptions): Promise<SnapshotEnv[]> {
  const physics = resolvePhysics(options.robot, options.physics);
  const mode = options.rapierWorlds ?? 'shared';
  if (!(rapierWorldModes as readonly string[]).includes(mode))
    throw new Error(`unknown rapierWorlds '${mode}'; one of ${rapierWorldModes.join(', ')}`);
  const envs: SnapshotEnv[] = [];
  const scene = physics === 'rapier' && mode === 'shared' && options.count > 0 ? await createRapierScene(options.robot) : undefined;
  try {
    for (let k = 0; k < options.count; k++) {
      envs.push(
        await createEnv(options.robot, {
          physics,
          scene,
          lane: options.first + k,
          seed: options.seed + options.first + k,
          maxEpisodeSteps: options.maxEpisodeSteps,
        }),
      );
    }
  } catch (error) {
    for (const env of envs) env.dispose();
    scene?.freeIfEmpty();
    throw error;
  }
  return envs;
}
