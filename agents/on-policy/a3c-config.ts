import { validateConfig, type FieldRule } from '../shared/config.ts';
import { onPolicyDefaults, onPolicyDocs, onPolicyRules, type OnPolicyConfig } from './config.ts';

/**
 * A3C's config: the on-policy fields with A3C's defaults, plus its threads. In a file of its own because both
 * sides of A3C read it: the global network (a3c.ts) and every actor-learner (a3c-worker.ts).
 */

export type A3cConfig = OnPolicyConfig & {
  numWorkers: number;
  updatesPerIteration: number;
};

export const a3cDefaults: A3cConfig = {
  ...onPolicyDefaults,
  numEnvs: 1,
  numSteps: 5,
  gaeLambda: 1,
  learningRate: 7e-4,
  normaliseAdvantages: false,
  numWorkers: 2,
  updatesPerIteration: 200,
};

export const a3cDocs: Record<keyof A3cConfig, string> = {
  ...onPolicyDocs,
  numEnvs: 'environments per worker',
  numSteps: 't_max: steps a worker takes between pulling theta and pushing d theta',
  numWorkers: 'actor-learner threads',
  updatesPerIteration: 'gradients the global network applies per iterate() (one metrics line)',
};

const a3cRules: Partial<Record<keyof A3cConfig, FieldRule>> = {
  ...onPolicyRules,
  numWorkers: { min: 1, integer: true },
  updatesPerIteration: { min: 1, integer: true },
};

export function validateA3cConfig(config: Readonly<Record<string, unknown>>): A3cConfig {
  return validateConfig('a3c', a3cDefaults, config, a3cRules);
}
