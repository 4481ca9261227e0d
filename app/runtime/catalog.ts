import type { AlgorithmEntry } from '../../agents/contract.ts';

/**
 * What the runtime needs from the algorithm and robot registries: the algorithms as agents/contract.ts states
 * them, and the robot names. Tests hand in a fake; registry-catalog.ts loads the real one only when a command
 * trains, so `--help` and argument errors answer without loading tfjs.
 */

export type { AlgorithmConfig, ConfigValue } from '../../agents/contract.ts';

export interface Catalog {
  readonly algorithms: Readonly<Record<string, AlgorithmEntry>>;
  readonly robots: readonly string[];
}

export function getRuntimeAlgorithm(catalog: Catalog, name: string): AlgorithmEntry {
  const entry = catalog.algorithms[name];
  if (!entry) throw new Error(`unknown algorithm '${name}'; known: ${Object.keys(catalog.algorithms).join(', ') || '(none registered)'}`);
  return entry;
}

export function checkRobot(catalog: Catalog, robot: string): void {
  if (!catalog.robots.includes(robot)) throw new Error(`unknown robot '${robot}'; known: ${catalog.robots.join(', ') || '(none registered)'}`);
}
