import { DeterministicActorCritic } from './deterministic-actor-critic.ts';
import { GaussianNoise, OrnsteinUhlenbeckNoise } from '../shared/noise.ts';
import { createOffPolicyTrainer } from './entry.ts';
import { offPolicyFieldDocs, offPolicyRules, type OffPolicyConfig } from './agent.ts';
import { validateConfig, type FieldRule } from '../shared/config.ts';
import type { AlgorithmEntry } from '../contract.ts';
import type { Rng } from '../../sim/rng.ts';
import presets from '../../assets/presets/ddpg.json' with { type: 'json' };

/**
 * DDPG (Lillicrap et al. 2016; the seed's pseudo-code, CleanRL's ddpg_continuous_action.py): one critic trained
 * towards y = r + gamma (1 - d) Q'(s', mu'(s')), the actor along dQ/da, soft target updates every step. It is
 * the agent TD3 uses (deterministic-actor-critic.ts) with one critic, no target smoothing and no delay, plus a
 * choice of exploration noise.
 */

export type DdpgConfig = OffPolicyConfig & {
  actorLearningRate: number;
  criticLearningRate: number;
  explorationNoise: number;
  noiseType: string;
  policyDelay: number;
};

/** CleanRL's defaults, except policyDelay 1: the seed's DDPG updates the actor at every step. */
export const ddpgDefaults: DdpgConfig = {
  numEnvs: 1,
  bufferSize: 1_000_000,
  learningStarts: 25_000,
  batchSize: 256,
  gamma: 0.99,
  tau: 0.005,
  hiddenSizes: [256, 256],
  updatesPerStep: 1,
  stepsPerIteration: 1000,
  normaliseObservations: false,
  learnerThread: true,
  actorLearningRate: 3e-4,
  criticLearningRate: 3e-4,
  explorationNoise: 0.1,
  noiseType: 'gaussian',
  policyDelay: 1,
};

const ddpgDocs: Record<keyof DdpgConfig, string> = {
  ...offPolicyFieldDocs,
  actorLearningRate: 'Adam learning rate of the actor',
  criticLearningRate: 'Adam learning rate of the critic',
  explorationNoise: 'std (sigma) of the exploration noise added to actions while collecting',
  noiseType: "exploration noise: 'gaussian' (independent) or 'ou' (Ornstein-Uhlenbeck, as the DDPG paper)",
  policyDelay: 'critic updates per actor and target update (1 in the DDPG paper, 2 in CleanRL)',
};

const ddpgRules: Partial<Record<keyof DdpgConfig, FieldRule>> = {
  ...offPolicyRules,
  actorLearningRate: { min: 0, exclusiveMin: true },
  criticLearningRate: { min: 0, exclusiveMin: true },
  explorationNoise: { min: 0 },
  noiseType: { oneOf: ['gaussian', 'ou'] },
  policyDelay: { min: 1, integer: true },
};

export function createDdpgAgent(config: DdpgConfig, obsSize: number, actionSize: number, rng: Rng): DeterministicActorCritic {
  const explorationNoise =
    config.noiseType === 'ou'
      ? new OrnsteinUhlenbeckNoise(config.numEnvs, actionSize, config.explorationNoise)
      : new GaussianNoise(config.explorationNoise);
  return new DeterministicActorCritic(
    {
      obsSize,
      actionSize,
      hiddenSizes: config.hiddenSizes,
      actorLearningRate: config.actorLearningRate,
      criticLearningRate: config.criticLearningRate,
      gamma: config.gamma,
      tau: config.tau,
      criticCount: 1,
      targetPolicyNoise: 0,
      targetNoiseClip: 0,
      policyDelay: config.policyDelay,
      explorationNoise,
    },
    rng,
  );
}

/** Presets (assets/presets/ddpg.json): as TD3's, whose RL Zoo presets DDPG shares. */
export const ddpgEntry: AlgorithmEntry = {
  kind: 'off-policy',
  summary: 'DDPG: deterministic policy gradient with a replay buffer and target networks (Lillicrap et al. 2016)',
  defaultConfig: ddpgDefaults,
  presets,
  fieldDocs: ddpgDocs,
  validate: (config) => validateConfig('ddpg', ddpgDefaults, config, ddpgRules),
  createTrainer: (options) => {
    const config = validateConfig('ddpg', ddpgDefaults, options.config, ddpgRules);
    return createOffPolicyTrainer('ddpg', options, config, (o, a, rng) => createDdpgAgent(config, o, a, rng));
  },
};
