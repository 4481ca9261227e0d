import type { A3cWorkerFactory } from './on-policy/a3c-worker.ts';
import type { Trainer } from './contract.ts';
import type { VecEnv } from '../sim/env.ts';
import type { PhysicsName } from '../sim/physics.ts';
import type { AlgorithmConfig } from './shared/config.ts';
import { td3Entry } from './off-policy/td3.ts';
import { ddpgEntry } from './off-policy/ddpg.ts';
import { sacEntry } from './off-policy/sac.ts';
import { ppoEntry, ppoKlEntry } from './on-policy/ppo.ts';
import { a2cEntry } from './on-policy/a2c.ts';
import { trpoEntry } from './on-policy/trpo.ts';
import { a3cEntry } from './on-policy/a3c.ts';

/**
 * Algorithm names -> what the CLI, the app and benchmarks need to know about them: their kind, default
 * config, per-robot presets (assets/presets/<algo>.json), one line of documentation per config field,
 * validation with clear errors, and a Trainer factory. Each algorithm registers with one line below.
 */

export type { AlgorithmConfig, ConfigValue } from './shared/config.ts';

export type AlgorithmKind = 'on-policy' | 'off-policy';

/** Builds the vector environment a trainer learns on (sim/'s createVecEnv, or a test fixture). */
export type VecEnvFactory = (options: { robot: string; numEnvs: number; workers: number; seed: number; physics?: PhysicsName }) => Promise<VecEnv>;

export interface CreateTrainerOptions {
  readonly robot: string;
  /** A complete config, as returned by validate() or resolveConfig(). */
  readonly config: AlgorithmConfig;
  /** Seeds the networks, exploration and environments. */
  readonly seed: number;
  /** Environment worker threads (0: in this thread). */
  readonly workers?: number;
  /** The robots' physics (sim/'s createEnv): 'joint-space' (default) or 'rapier'. */
  readonly physics?: PhysicsName;
  /** Where environments come from; the robots of sim/ when absent. */
  readonly makeVecEnv?: VecEnvFactory;
  /**
   * A3C only: how its actor-learner threads start. Default: Node worker threads under Node (a3c.node.ts), in this
   * thread elsewhere or when makeVecEnv is given; the app passes Web Workers (a3c.web.ts).
   */
  readonly a3cWorkers?: A3cWorkerFactory;
}

export interface AlgorithmEntry {
  readonly kind: AlgorithmKind;
  /** One line for help texts. */
  readonly summary: string;
  readonly defaultConfig: AlgorithmConfig;
  /** Robot name -> overrides of the defaults. */
  readonly presets: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Field -> one-line documentation. */
  readonly fieldDocs: Readonly<Record<string, string>>;
  /** The complete config (defaults overridden by `config`), or an Error naming the offending field. */
  validate(config: Readonly<Record<string, unknown>>): AlgorithmConfig;
  createTrainer(options: CreateTrainerOptions): Promise<Trainer>;
}

export const algorithms: Record<string, AlgorithmEntry> = {
  ppo: ppoEntry,
  'ppo-kl': ppoKlEntry,
  a2c: a2cEntry,
  trpo: trpoEntry,
  a3c: a3cEntry,
  td3: td3Entry,
  ddpg: ddpgEntry,
  sac: sacEntry,
};

export function getAlgorithm(name: string): AlgorithmEntry {
  const entry = algorithms[name];
  if (!entry) throw new Error(`unknown algorithm '${name}'; known: ${Object.keys(algorithms).join(', ')}`);
  return entry;
}

/** defaults <- the robot's preset (if any) <- overrides, validated. */
export function resolveConfig(algorithm: string, robot: string, overrides: Readonly<Record<string, unknown>> = {}): AlgorithmConfig {
  const entry = getAlgorithm(algorithm);
  return entry.validate({ ...(entry.presets[robot] ?? {}), ...overrides });
}
