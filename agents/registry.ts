import type { AlgorithmConfig, AlgorithmEntry } from './contract.ts';
import { td3Entry } from './off-policy/td3.ts';
import { ddpgEntry } from './off-policy/ddpg.ts';
import { sacEntry } from './off-policy/sac.ts';
import { ppoEntry, ppoKlEntry } from './on-policy/ppo.ts';
import { a2cEntry } from './on-policy/a2c.ts';
import { trpoEntry } from './on-policy/trpo.ts';
import { a3cEntry } from './on-policy/a3c.ts';

/**
 * Algorithm names -> their entries (contract.ts's AlgorithmEntry): kind, default config, per-robot presets
 * (assets/presets/<algo>.json), one line of documentation per config field, validation with clear errors, and a
 * Trainer factory. Each algorithm registers with one line below.
 */

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
