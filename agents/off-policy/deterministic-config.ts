import { offPolicyDefaults, offPolicyFieldDocs, offPolicyRules, type OffPolicyConfig } from './agent.ts';
import type { DeterministicAgentOptions } from './deterministic-actor-critic.ts';
import type { FieldRule } from '../shared/config.ts';

/**
 * The config fields DDPG (ddpg.ts) and TD3 (td3.ts) share beyond OffPolicyConfig, with CleanRL's values, and
 * what the agent they share (deterministic-actor-critic.ts) takes from them. Each file adds its own fields.
 */
export type DeterministicConfig = OffPolicyConfig & {
  actorLearningRate: number;
  criticLearningRate: number;
  explorationNoise: number;
  policyDelay: number;
};

/** CleanRL's ddpg_continuous_action.py and td3_continuous_action.py agree on these (policyDelay: each its own). */
export const deterministicDefaults: Omit<DeterministicConfig, 'policyDelay'> = {
  ...offPolicyDefaults,
  actorLearningRate: 3e-4,
  criticLearningRate: 3e-4,
  explorationNoise: 0.1,
};

export const deterministicFieldDocs: Record<keyof DeterministicConfig, string> = {
  ...offPolicyFieldDocs,
  actorLearningRate: 'Adam learning rate of the actor',
  criticLearningRate: 'Adam learning rate of the critics',
  explorationNoise: 'std of the Gaussian noise added to actions while collecting',
  policyDelay: 'critic updates per actor and target update',
};

export const deterministicRules: Partial<Record<keyof DeterministicConfig, FieldRule>> = {
  ...offPolicyRules,
  actorLearningRate: { min: 0, exclusiveMin: true },
  criticLearningRate: { min: 0, exclusiveMin: true },
  explorationNoise: { min: 0 },
  policyDelay: { min: 1, integer: true },
};

/** The agent's options that come straight from the config and the robot's sizes. */
export function deterministicAgentOptions(
  config: DeterministicConfig,
  obsSize: number,
  actionSize: number,
): Pick<
  DeterministicAgentOptions,
  'obsSize' | 'actionSize' | 'hiddenSizes' | 'actorLearningRate' | 'criticLearningRate' | 'gamma' | 'tau' | 'policyDelay'
> {
  const { hiddenSizes, actorLearningRate, criticLearningRate, gamma, tau, policyDelay } = config;
  return { obsSize, actionSize, hiddenSizes, actorLearningRate, criticLearningRate, gamma, tau, policyDelay };
}
