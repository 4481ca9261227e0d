import type { Catalog } from './catalog.ts';
import { robotNames } from '../../sim/registry.ts';

/**
 * The real catalog: agents/registry.ts for algorithms, sim/registry.ts for robot names. The algorithms are
 * imported when a command first needs them (a literal specifier, so a broken module fails loudly) because they
 * load tfjs: `--help` and argument errors answer without it. Starts tfjs (wasm backend) too: every real trainer
 * needs it.
 */
export async function loadCatalog(): Promise<Catalog> {
  const { initTf } = await import('../../agents/shared/tf.ts');
  await initTf();
  const { algorithms } = await import('../../agents/registry.ts');
  return { algorithms, robots: robotNames };
}
