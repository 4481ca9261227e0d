import type { Trainer } from '../../agents/contract.ts';
import type { PhysicsName } from '../../sim/physics.ts';

/**
 * What the runtime needs from the algorithm and robot registries, stated structurally so tests can hand in
 * a fake and so the runtime does not import Rapier or tfjs until a command really trains.
 * agents/contract.ts's AlgorithmEntry satisfies RuntimeAlgorithm as it is.
 */

export type ConfigValue = number | boolean | string | readonly number[];
export type AlgorithmConfig = Readonly<Record<string, ConfigValue>>;

export interface RuntimeAlgorithm {
  readonly kind: 'on-policy' | 'off-policy';
  readonly summary: string;
  readonly defaultConfig: AlgorithmConfig;
  /** Robot name -> overrides of the defaults. */
  readonly presets: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly fieldDocs: Readonly<Record<string, string>>;
  /** The complete config or an Error naming the offending field. */
  validate(config: Readonly<Record<string, unknown>>): AlgorithmConfig;
  createTrainer(options: { robot: string; config: AlgorithmConfig; seed: number; workers?: number; physics?: PhysicsName }): Promise<Trainer>;
}

export interface Catalog {
  readonly algorithms: Readonly<Record<string, RuntimeAlgorithm>>;
  readonly robots: readonly string[];
}

export function getRuntimeAlgorithm(catalog: Catalog, name: string): RuntimeAlgorithm {
  const entry = catalog.algorithms[name];
  if (!entry) throw new Error(`unknown algorithm '${name}'; known: ${Object.keys(catalog.algorithms).join(', ') || '(none registered)'}`);
  return entry;
}

export function checkRobot(catalog: Catalog, robot: string): void {
  if (!catalog.robots.includes(robot)) throw new Error(`unknown robot '${robot}'; known: ${catalog.robots.join(', ') || '(none registered)'}`);
}
