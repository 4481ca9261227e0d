import { GaussianNoise } from '../shared/noise.ts';
import { DeterministicActorCritic } from './deterministic-actor-critic.ts';
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
import presets from '../../assets/presets/td3.json' with { type: 'json' };
import type { Rng } from '../../sim/rng.ts';

/**
 * TD3 (Fujimoto et al. 2018; the seed's pseudo-code, CleanRL's td3_continuous_action.py): a deterministic
 * actor, twin critics trained towards y = r + gamma (1 - d) min(Q1', Q2')(s', clip(mu'(s') + clip(eps, -c, c),
 * -1, 1)), and the actor and all targets updated every `policyDelay` critic steps. DDPG is the same agent
 * without its three additions (one critic, no target smoothing, no delay): see ddpg.ts. The agent both share,
 * its update and its speed notes are in deterministic-actor-critic.ts; this file is TD3's config and entry.
 */

export type Td3Config = DeterministicConfig & {
  policyNoise: number;
  noiseClip: number;
};

/** CleanRL's td3_continuous_action.py defaults (actions in [-1, 1], so noises are in action units). */
export const td3Defaults: Td3Config = {
  ...deterministicDefaults,
  policyNoise: 0.2,
  noiseClip: 0.5,
  policyDelay: 2,
};

const td3Docs: Record<keyof Td3Config, string> = {
  ...deterministicFieldDocs,
  policyNoise: 'std of the target-policy smoothing noise',
  noiseClip: 'the smoothing noise is clipped to +-noiseClip',
};

const td3Rules: Partial<Record<keyof Td3Config, FieldRule>> = {
  ...deterministicRules,
  policyNoise: { min: 0 },
  noiseClip: { min: 0 },
};

export function createTd3Agent(config: Td3Config, obsSize: number, actionSize: number, rng: Rng): DeterministicActorCritic {
  return new DeterministicActorCritic(
    {
      ...deterministicAgentOptions(config, obsSize, actionSize),
      criticCount: 2,
      targetPolicyNoise: config.policyNoise,
      targetNoiseClip: config.noiseClip,
      explorationNoise: new GaussianNoise(config.explorationNoise),
    },
    rng,
  );
}

/**
 * Presets (assets/presets/td3.json): hopper takes the TD3 paper's settings (its Table 1's 3564): [400, 300]
 * networks, batch 100, learning rates 1e-3, 1000 random steps; per gradient step that is 14.6 CPU-ms against
 * CleanRL's [256, 256] at batch 256's 17.8 (`npm run bench -- learner --algo td3 --hidden 400-300 --batch 100`,
 * load 6), so more env steps in the same time; reacher, an easy task with 50-step
 * episodes, trades network size for speed on our CPUs ([64, 64], batch 128, learning rates 1e-3), starts
 * learning after 20 episodes and logs every 10; its gamma 0.98 is RL Zoo's tuned ReacherBulletEnv-v0 TD3 value,
 * measured against 0.99 at equal env steps in docs/LEARNING.md (better on Rapier, a wash on MuJoCo).
 */
export const td3Entry: AlgorithmEntry = offPolicyEntry({
  name: 'td3',
  summary: 'TD3: twin critics, target policy smoothing, delayed actor updates (Fujimoto et al. 2018)',
  defaults: td3Defaults,
  presets,
  fieldDocs: td3Docs,
  validate: (config) => validateConfig('td3', td3Defaults, config, td3Rules),
  createAgent: createTd3Agent,
});
