import type { Catalog } from './catalog.ts';

/**
 * The real catalog: agents/registry.ts for algorithms, sim/'s robot registry for robot names. Imported lazily
 * so that `--help` and argument errors answer without loading tfjs or Rapier. Starts tfjs (wasm backend) too:
 * every real trainer needs it.
 */
export async function loadCatalog(): Promise<Catalog> {
  const { initTf } = await import('../../agents/shared/tf.ts');
  await initTf();
  const { algorithms } = await import('../../agents/registry.ts');
  return { algorithms, robots: await robotNames() };
}

async function robotNames(): Promise<string[]> {
  // A variable specifier: sim/registry.ts is written by another engineer; until it exists no robot is known.
  const simRegistry = '../../sim/registry.ts';
  try {
    const module = (await import(/* @vite-ignore */ simRegistry)) as Record<string, unknown>;
    if (Array.isArray(module.robotNames)) return module.robotNames.map(String);
    const robots = module.robots;
    if (Array.isArray(robots)) return robots.map(String);
    if (typeof robots === 'object' && robots !== null) return Object.keys(robots);
  } catch {
    // no robots registered yet
  }
  return [];
}
