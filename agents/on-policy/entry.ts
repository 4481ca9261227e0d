import { OnPolicyTrainer, type OnPolicyAlgorithm } from './trainer.ts';
import type { OnPolicyConfig } from './config.ts';
import type { GaussianActorCritic } from '../shared/gaussian-actor-critic.ts';
import type { AlgorithmEntry, CreateTrainerOptions } from '../contract.ts';
import type { VecEnv } from '../../sim/env.ts';
import { simVecEnv } from '../shared/sim-vec-env.ts';
import { initTf } from '../shared/tf.ts';
import type { Rng } from '../../sim/rng.ts';

/**
 * Builds the registry entry of a synchronous on-policy algorithm (A2C, TRPO, PPO, PPO-KL): the shared
 * trainer over a VecEnv, the algorithm's own validate and update. A3C has its own entry (it is asynchronous).
 */

export interface OnPolicyEntrySpec<C extends OnPolicyConfig> {
  readonly name: string;
  readonly summary: string;
  readonly defaults: C;
  readonly presets: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly docs: Readonly<Record<string, string>>;
  readonly validate: (config: Readonly<Record<string, unknown>>) => C;
  readonly createAlgorithm: (model: GaussianActorCritic, config: C, random: () => Rng) => OnPolicyAlgorithm;
}

export async function createOnPolicyTrainer<C extends OnPolicyConfig>(
  spec: OnPolicyEntrySpec<C>,
  options: CreateTrainerOptions,
): Promise<OnPolicyTrainer> {
  const config = spec.validate(options.config);
  await initTf();
  const makeVecEnv = options.makeVecEnv ?? simVecEnv;
  const workers = options.workers ?? 0;
  const { robot, physics } = options;
  const vecEnv: VecEnv = await makeVecEnv({ robot, numEnvs: config.numEnvs, workers, seed: options.seed, physics });
  return new OnPolicyTrainer({
    algorithm: spec.name,
    config,
    seed: options.seed,
    vecEnv,
    makeEvalEnv: (seed) => makeVecEnv({ robot, numEnvs: 1, workers: 0, seed, physics }),
    createAlgorithm: (model, random) => spec.createAlgorithm(model, config, random),
  });
}

export function onPolicyEntry<C extends OnPolicyConfig>(spec: OnPolicyEntrySpec<C>): AlgorithmEntry {
  return {
    kind: 'on-policy',
    summary: spec.summary,
    defaultConfig: spec.defaults,
    presets: spec.presets,
    fieldDocs: spec.docs,
    validate: (config) => spec.validate(config),
    createTrainer: (options) => createOnPolicyTrainer(spec, options),
  };
}
