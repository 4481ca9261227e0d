import { DeterministicActorCritic } from './deterministic-actor-critic.ts';
import { GaussianNoise, OrnsteinUhlenbeckNoise } from '../shared/noise.ts';
import { offPolicyEntry } from './entry.ts';
import {
  deterministicAgentOptions,
  deterministicDefaults,
  deterministicFieldDocs,
  deterministicRules,
  type DeterministicConfig,
} from './deterministic-config.ts';
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

export type DdpgConfig = DeterministicConfig & {
  noiseType: string;
};

/** CleanRL's defaults, except policyDelay 1: the seed's DDPG updates the actor at every step. */
export const ddpgDefaults: DdpgConfig = {
  ...deterministicDefaults,
  noiseType: 'gaussian',
  policyDelay: 1,
};

const ddpgDocs: Record<keyof DdpgConfig, string> = {
  ...deterministicFieldDocs,
  criticLearningRate: 'Adam learning rate of the critic',
  explorationNoise: 'std (sigma) of the exploration noise added to actions while collecting',
  noiseType: "exploration noise: 'gaussian' (independent) or 'ou' (Ornstein-Uhlenbeck, as the DDPG paper)",
  policyDelay: 'critic updates per actor and target update (1 in the DDPG paper, 2 in CleanRL)',
};

const ddpgRules: Partial<Record<keyof DdpgConfig, FieldRule>> = {
  ...deterministicRules,
  noiseType: { oneOf: ['gaussian', 'ou'] },
};

export function createDdpgAgent(config: DdpgConfig, obsSize: number, actionSize: number, rng: Rng): DeterministicActorCritic {
  const explorationNoise =
    config.noiseType === 'ou'
      ? new OrnsteinUhlenbeckNoise(config.numEnvs, actionSize, config.explorationNoise)
      : new GaussianNoise(config.explorationNoise);
  return new DeterministicActorCritic(
    { ...deterministicAgentOptions(config, obsSize, actionSize), criticCount: 1, targetPolicyNoise: 0, targetNoiseClip: 0, explorationNoise },
    rng,
  );
}

/** Presets (assets/presets/ddpg.json): as TD3's, whose RL Zoo presets DDPG shares. */
export const ddpgEntry: AlgorithmEntry = offPolicyEntry({
  name: 'ddpg',
  summary: 'DDPG: deterministic policy gradient with a replay buffer and target networks (Lillicrap et al. 2016)',
  defaults: ddpgDefaults,
  presets,
  fieldDocs: ddpgDocs,
  validate: (config) => validateConfig('ddpg', ddpgDefaults, config, ddpgRules),
  createAgent: createDdpgAgent,
});
