import { checkFiniteLoss } from '../shared/divergence.ts';
import { tf } from '../shared/tf.ts';
import { validateConfig, type FieldRule } from '../shared/config.ts';
import { gaussianKl } from '../shared/distributions.ts';
import { clipGradientNorm, FlatAdam } from '../shared/flat-adam.ts';
import { normaliseAdvantages } from '../shared/advantage.ts';
import { onPolicyDefaults, onPolicyDocs, onPolicyRules, type OnPolicyConfig } from './config.ts';
import type { PolicyObjective } from '../shared/policy-gradient-math.ts';
import type { GaussianActorCritic } from '../shared/gaussian-actor-critic.ts';
import type { OnPolicyAlgorithm, StateArrays } from './trainer.ts';
import type { Minibatch, RolloutBuffer } from '../shared/rollout-buffer.ts';
import { onPolicyEntry } from './entry.ts';
import type { Rng } from '../../sim/rng.ts';
import ppoPresets from '../../assets/presets/ppo.json' with { type: 'json' };
import ppoKlPresets from '../../assets/presets/ppo-kl.json' with { type: 'json' };

/**
 * PPO (the seed's two forms): the clipped surrogate min(r A, clip(r, 1 - eps, 1 + eps) A), or the adaptive
 * KL penalty r A - beta KL(pi_old || pi) with beta halved when d < delta / 1.5 and doubled when d > 1.5 delta.
 * Either way: GAE advantages, several epochs of shuffled minibatches, one Adam over actor and critic on
 *   loss = policy loss - entropyCoef H + valueCoef (G - V)^2 (optionally value-clipped),
 * its gradient written out by hand (shared/policy-gradient-math.ts, checked in the tests against tfjs's autodiff
 * of the same losses): a minibatch of 64 is too small for tfjs's tape to pay for itself.
 * Defaults follow CleanRL's ppo_continuous_action (64-64 tanh, 2048 steps, 32 minibatches of 64, 10 epochs).
 */

export type PpoConfig = OnPolicyConfig & {
  objective: string;
  updateEpochs: number;
  minibatchSize: number;
  clipRange: number;
  valueClipRange: number;
  klTarget: number;
  initialKlBeta: number;
  targetKl: number;
};

export const ppoDefaults: PpoConfig = {
  ...onPolicyDefaults,
  objective: 'clip',
  updateEpochs: 10,
  minibatchSize: 64,
  clipRange: 0.2,
  valueClipRange: 0.2,
  klTarget: 0.01,
  initialKlBeta: 1,
  targetKl: 0,
};

export const ppoDocs: Record<keyof PpoConfig, string> = {
  ...onPolicyDocs,
  objective: "'clip' (clipped surrogate) or 'kl' (adaptive KL penalty)",
  updateEpochs: 'passes over the rollout per update',
  minibatchSize: 'rows per gradient step',
  clipRange: 'epsilon of the clipped surrogate',
  valueClipRange: 'keep V within this of the collecting V in the critic loss (0: no value clipping)',
  klTarget: 'delta of the KL-penalty variant: the mean KL beta steers toward',
  initialKlBeta: 'starting beta of the KL-penalty variant',
  targetKl: 'stop the epochs early once the approximate KL exceeds this (0: never)',
};

const ppoRules: Partial<Record<keyof PpoConfig, FieldRule>> = {
  ...onPolicyRules,
  objective: { oneOf: ['clip', 'kl'] },
  updateEpochs: { min: 1, integer: true },
  minibatchSize: { min: 1, integer: true },
  clipRange: { min: 0, max: 1, exclusiveMin: true },
  valueClipRange: { min: 0 },
  klTarget: { min: 0, exclusiveMin: true },
  initialKlBeta: { min: 0 },
  targetKl: { min: 0 },
};

export function validatePpoConfig(config: Readonly<Record<string, unknown>>, name = 'ppo'): PpoConfig {
  const result = validateConfig(name, ppoDefaults, config, ppoRules);
  if (result.minibatchSize > result.numEnvs * result.numSteps) {
    throw new Error(
      `${name}: minibatchSize (${result.minibatchSize}) exceeds the rollout (numEnvs * numSteps = ${result.numEnvs * result.numSteps})`,
    );
  }
  return result;
}

/** The seed's beta rule: halve when d < delta / 1.5, double when d > 1.5 delta, else keep. */
export function adaptKlBeta(beta: number, meanKl: number, klTarget: number): number {
  if (!(klTarget > 0)) throw new Error(`klTarget must be > 0, got ${klTarget}`);
  if (meanKl < klTarget / 1.5) return beta / 2;
  if (meanKl > klTarget * 1.5) return beta * 2;
  return beta;
}

export class Ppo implements OnPolicyAlgorithm {
  readonly config: PpoConfig;
  private readonly model: GaussianActorCritic;
  private readonly random: () => Rng;
  private readonly adam: FlatAdam;
  private readonly parameters: Float32Array;
  private readonly gradient: Float32Array;
  /** beta of the KL-penalty variant. */
  klBeta: number;

  constructor(model: GaussianActorCritic, config: PpoConfig, random: () => Rng) {
    this.model = model;
    this.config = config;
    this.random = random;
    this.adam = new FlatAdam(model.parameterCount, { learningRate: config.learningRate, epsilon: config.adamEpsilon });
    this.parameters = model.readParameters();
    this.gradient = new Float32Array(model.parameterCount);
    this.klBeta = config.initialKlBeta;
  }

  /** One gradient step on one minibatch (normalising its advantages in place when configured). */
  minibatchStep(batch: Minibatch): { policyLoss: number; valueLoss: number; entropy: number; approxKl: number; clipFraction: number } {
    const c = this.config;
    if (c.normaliseAdvantages && batch.size > 1) normaliseAdvantages(batch.advantages);
    const objective: PolicyObjective = c.objective === 'kl' ? { kind: 'kl', beta: this.klBeta } : { kind: 'clip', clipRange: c.clipRange };
    const coefficients = { entropyCoef: c.entropyCoef, valueCoef: c.valueCoef, valueClip: c.valueClipRange };
    const result = this.model.lossGradient(batch, objective, coefficients, this.gradient);
    checkFiniteLoss('ppo: the loss', result.loss);
    if (c.maxGradNorm > 0) clipGradientNorm(this.gradient, c.maxGradNorm);
    this.adam.step(this.parameters, this.gradient);
    this.model.writeParameters(this.parameters);
    return result;
  }

  update(buffer: RolloutBuffer, lastValues: Float32Array, learningRate: number): Record<string, number> {
    const c = this.config;
    buffer.computeGae(lastValues, c.gamma, c.gaeLambda);
    this.adam.learningRate = learningRate;
    this.model.readParameters(this.parameters);
    const batchSize = Math.min(c.minibatchSize, buffer.size);
    const minibatches = Math.floor(buffer.size / batchSize);
    const order = new Int32Array(buffer.size);
    let scratch: Minibatch | undefined;
    const sums = { policyLoss: 0, valueLoss: 0, entropy: 0, approxKl: 0, clipFraction: 0 };
    let steps = 0;
    let epochs = 0;
    for (let epoch = 0; epoch < c.updateEpochs; epoch++) {
      this.random().permutation(buffer.size, order);
      let epochKl = 0;
      for (let m = 0; m < minibatches; m++) {
        scratch = buffer.gather(order, m * batchSize, batchSize, scratch);
        const result = this.minibatchStep(scratch);
        for (const key of Object.keys(sums) as (keyof typeof sums)[]) sums[key] += result[key];
        epochKl += result.approxKl;
        steps++;
      }
      epochs++;
      if (c.targetKl > 0 && epochKl / minibatches > c.targetKl) break;
    }
    const metrics: Record<string, number> = {
      actor_loss: sums.policyLoss / steps,
      critic_loss: sums.valueLoss / steps,
      entropy: sums.entropy / steps,
      approx_kl: sums.approxKl / steps,
      clip_fraction: sums.clipFraction / steps,
      epochs,
    };
    metrics.kl = this.meanKl(buffer);
    if (c.objective === 'kl') {
      this.klBeta = adaptKlBeta(this.klBeta, metrics.kl, c.klTarget);
      metrics.kl_beta = this.klBeta;
    }
    return metrics;
  }

  /** d = E[KL(pi_old(.|s) || pi(.|s))] over the rollout, exactly (Gaussians). */
  meanKl(buffer: RolloutBuffer): number {
    const { observationSize, actionSize } = this.model.spec;
    const n = buffer.size;
    const kl = tf.tidy(() => {
      const mean = this.model.actor.apply(tf.tensor2d(buffer.observations, [n, observationSize]));
      const oldMean = tf.tensor2d(buffer.means, [n, actionSize]);
      const oldLogStd = tf.tensor2d(buffer.logStds, [n, actionSize]);
      return tf.mean(gaussianKl(oldMean, oldLogStd, mean, this.model.logStd));
    });
    const value = kl.dataSync()[0];
    kl.dispose();
    return value;
  }

  getState(): { json: Record<string, number>; arrays: StateArrays } {
    const adam = this.adam.getState();
    return { json: { adamSteps: adam.steps, klBeta: this.klBeta }, arrays: { adamM: adam.firstMoment, adamV: adam.secondMoment } };
  }

  setState(json: Record<string, number>, arrays: Readonly<StateArrays>): void {
    const { adamM, adamV } = arrays;
    if (!(adamM instanceof Float32Array) || !(adamV instanceof Float32Array)) throw new Error('ppo.setState: Adam moments missing');
    this.adam.setState({ firstMoment: adamM, secondMoment: adamV, steps: json.adamSteps });
    this.klBeta = json.klBeta;
    this.model.readParameters(this.parameters);
  }
}

/** PPO with the clipped surrogate (`ppo`) and with the adaptive KL penalty (`ppo-kl`). */
export const ppoEntry = onPolicyEntry({
  name: 'ppo',
  summary: 'PPO, clipped surrogate objective (on-policy, GAE, minibatch epochs)',
  defaults: ppoDefaults,
  presets: ppoPresets,
  docs: ppoDocs,
  validate: (config) => validatePpoConfig({ ...config, objective: config.objective ?? 'clip' }),
  createAlgorithm: (model, config, random) => new Ppo(model, config, random),
});

export const ppoKlEntry = onPolicyEntry({
  name: 'ppo-kl',
  summary: 'PPO with the adaptive KL penalty (beta halved/doubled around klTarget)',
  defaults: { ...ppoDefaults, objective: 'kl' },
  presets: ppoKlPresets,
  docs: ppoDocs,
  validate: (config) => validatePpoConfig({ ...config, objective: config.objective ?? 'kl' }, 'ppo-kl'),
  createAlgorithm: (model, config, random) => new Ppo(model, config, random),
});
