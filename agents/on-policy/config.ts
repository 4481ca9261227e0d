import type { FieldRule } from '../shared/config.ts';

/**
 * Config fields every on-policy algorithm shares (rollout, networks, normalisation, entropy bonus), declared as
 * the off-policy family declares OffPolicyConfig: each algorithm's config type extends OnPolicyConfig with its own
 * fields and its defaults spread onPolicyDefaults. One line of documentation per field is in onPolicyDocs (what
 * help texts show).
 */
export type OnPolicyConfig = {
  numEnvs: number;
  numSteps: number;
  gamma: number;
  gaeLambda: number;
  hiddenSizes: readonly number[];
  activation: string;
  initialLogStd: number;
  learningRate: number;
  annealLearningRate: boolean;
  totalSteps: number;
  adamEpsilon: number;
  maxGradNorm: number;
  entropyCoef: number;
  valueCoef: number;
  normaliseAdvantages: boolean;
  normaliseObservations: boolean;
  normaliseRewards: boolean;
  clipObservations: number;
  clipRewards: number;
};

export const onPolicyDefaults: OnPolicyConfig = {
  numEnvs: 1,
  numSteps: 2048,
  gamma: 0.99,
  gaeLambda: 0.95,
  hiddenSizes: [64, 64],
  activation: 'tanh',
  initialLogStd: 0,
  learningRate: 3e-4,
  annealLearningRate: true,
  totalSteps: 1_000_000,
  adamEpsilon: 1e-5,
  maxGradNorm: 0.5,
  entropyCoef: 0,
  valueCoef: 0.5,
  normaliseAdvantages: true,
  normaliseObservations: true,
  normaliseRewards: true,
  clipObservations: 10,
  clipRewards: 10,
};

export const onPolicyRules: Partial<Record<keyof OnPolicyConfig, FieldRule>> = {
  numEnvs: { min: 1, integer: true },
  numSteps: { min: 1, integer: true },
  gamma: { min: 0, max: 1 },
  gaeLambda: { min: 0, max: 1 },
  hiddenSizes: { min: 1, integer: true },
  activation: { oneOf: ['tanh', 'relu'] },
  learningRate: { min: 0, exclusiveMin: true },
  totalSteps: { min: 1, integer: true },
  adamEpsilon: { min: 0, exclusiveMin: true },
  maxGradNorm: { min: 0 },
  entropyCoef: { min: 0 },
  valueCoef: { min: 0 },
  clipObservations: { min: 0, exclusiveMin: true },
  clipRewards: { min: 0, exclusiveMin: true },
};

export const onPolicyDocs: Record<keyof OnPolicyConfig, string> = {
  numEnvs: 'parallel environments stepped together',
  numSteps: 'steps per environment in each rollout',
  gamma: 'the discount factor',
  gaeLambda: 'lambda of GAE (1 gives the n-step returns of A2C)',
  hiddenSizes: 'hidden layers of the actor and of the critic',
  activation: 'hidden activation: tanh or relu',
  initialLogStd: 'starting log std of the Gaussian policy',
  learningRate: 'Adam step size (of the actor-critic, or of the critic for TRPO)',
  annealLearningRate: 'decay the learning rate linearly to 0 over totalSteps',
  totalSteps: 'environment steps the learning-rate schedule spans',
  adamEpsilon: "Adam's epsilon",
  maxGradNorm: 'clip the global gradient norm to this (0: no clipping)',
  entropyCoef: 'beta of the MaxEnt bonus beta H(pi(.|s))',
  valueCoef: 'weight of the critic loss in the combined loss',
  normaliseAdvantages: 'standardise advantages (per minibatch for PPO, per rollout otherwise)',
  normaliseObservations: 'running mean/std normalisation of observations',
  normaliseRewards: 'scale rewards by the std of the discounted return',
  clipObservations: 'normalised observations are clipped to +-this',
  clipRewards: 'scaled rewards are clipped to +-this',
};

/** The learning rate at `envSteps` under the linear schedule. */
export function scheduledLearningRate(config: OnPolicyConfig, envSteps: number): number {
  if (!config.annealLearningRate) return config.learningRate;
  return config.learningRate * Math.max(1 - envSteps / config.totalSteps, 0.01);
}
