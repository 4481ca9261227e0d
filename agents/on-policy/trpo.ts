import { checkFiniteLoss } from '../shared/divergence.ts';
import { tf } from '../shared/tf.ts';
import { validateConfig, type FieldRule } from '../shared/config.ts';
import { conjugateGradient, dot } from '../shared/conjugate-gradient.ts';
import { fisherVectorProduct } from '../shared/fisher.ts';
import { gaussianEntropy, gaussianKl, probabilityRatio } from '../shared/distributions.ts';
import { clipGradientNorm, FlatAdam } from '../shared/flat-adam.ts';
import { onPolicyDefaults, onPolicyDocs, onPolicyRules, type OnPolicyConfig } from './config.ts';
import { onPolicyEntry } from './entry.ts';
import type { GaussianActorCritic } from '../shared/gaussian-actor-critic.ts';
import type { OnPolicyAlgorithm, StateArrays } from './trainer.ts';
import type { Minibatch, RolloutBuffer } from '../shared/rollout-buffer.ts';
import type { Rng } from '../../sim/rng.ts';
import trpoPresets from '../../assets/presets/trpo.json' with { type: 'json' };

/**
 * TRPO as the seed derives it: maximise the surrogate L = E[r A] (+ entropyCoef H) subject to
 * E[KL(pi_old || pi)] <= delta. With g = grad L and H the Hessian of the mean KL (the Fisher matrix):
 *   x ~ H^-1 g by conjugate gradient on Fisher-vector products (no matrix is formed, fisher.ts),
 *   theta = theta_old + alpha^j sqrt(2 delta / (x^T H x)) x, the smallest j whose step keeps the mean KL
 *   within delta and improves the surrogate (backtracking line search), else no step.
 * The critic is fitted separately: criticEpochs of Adam on minibatches of (G - V)^2.
 * Defaults follow SB3-contrib's TRPO.
 */

export type TrpoConfig = OnPolicyConfig & {
  maxKl: number;
  cgIterations: number;
  cgDamping: number;
  backtrackRatio: number;
  maxBacktracks: number;
  criticEpochs: number;
  criticMinibatchSize: number;
};

export const trpoDefaults: TrpoConfig = {
  ...onPolicyDefaults,
  learningRate: 1e-3,
  annealLearningRate: false,
  maxGradNorm: 0,
  maxKl: 0.01,
  cgIterations: 15,
  cgDamping: 0.1,
  backtrackRatio: 0.8,
  maxBacktracks: 10,
  criticEpochs: 10,
  criticMinibatchSize: 128,
};

export const trpoDocs: Record<keyof TrpoConfig, string> = {
  ...onPolicyDocs,
  maxKl: 'delta: the trust region, a bound on the mean KL(pi_old || pi)',
  cgIterations: 'conjugate-gradient iterations for x ~ H^-1 g',
  cgDamping: 'added to the Fisher matrix (H + damping I) to keep the solve stable',
  backtrackRatio: 'alpha of the line search: step fractions 1, alpha, alpha^2, ...',
  maxBacktracks: 'step fractions tried before giving up on the update',
  criticEpochs: 'passes of the critic over the rollout per update',
  criticMinibatchSize: 'rows per critic gradient step',
};

const trpoRules: Partial<Record<keyof TrpoConfig, FieldRule>> = {
  ...onPolicyRules,
  maxKl: { min: 0, exclusiveMin: true },
  cgIterations: { min: 1, integer: true },
  cgDamping: { min: 0 },
  backtrackRatio: { min: 0, max: 1, exclusiveMin: true },
  maxBacktracks: { min: 1, integer: true },
  criticEpochs: { min: 1, integer: true },
  criticMinibatchSize: { min: 1, integer: true },
};

export function validateTrpoConfig(config: Readonly<Record<string, unknown>>): TrpoConfig {
  return validateConfig('trpo', trpoDefaults, config, trpoRules);
}

export interface LineSearchTrial {
  /** Mean KL(pi_old || pi) at the trial parameters. */
  readonly kl: number;
  /** L(trial) - L(old). */
  readonly improvement: number;
}

export interface LineSearchResult extends LineSearchTrial {
  readonly accepted: boolean;
  /** alpha^j of the accepted step (0 when none was). */
  readonly fraction: number;
  readonly backtracks: number;
}

/** Tries fractions 1, ratio, ratio^2, ... of the full step; the first within the KL bound that improves wins. */
export function backtrackingLineSearch(
  evaluate: (fraction: number) => LineSearchTrial,
  maxKl: number,
  ratio: number,
  maxBacktracks: number,
): LineSearchResult {
  let fraction = 1;
  let last: LineSearchTrial = { kl: Number.NaN, improvement: Number.NaN };
  for (let j = 0; j < maxBacktracks; j++) {
    last = evaluate(fraction);
    if (Number.isFinite(last.kl) && last.kl <= maxKl && last.improvement > 0) return { ...last, accepted: true, fraction, backtracks: j };
    fraction *= ratio;
  }
  return { ...last, accepted: false, fraction: 0, backtracks: maxBacktracks };
}

export class Trpo implements OnPolicyAlgorithm {
  private readonly criticAdam: FlatAdam;
  private readonly parameters: Float32Array;
  private readonly gradient: Float32Array;

  constructor(
    private readonly model: GaussianActorCritic,
    readonly config: TrpoConfig,
    private readonly random: () => Rng,
  ) {
    this.criticAdam = new FlatAdam(model.parameterCount - model.policyParameterCount, {
      learningRate: config.learningRate,
      epsilon: config.adamEpsilon,
    });
    this.parameters = model.readParameters();
    this.gradient = new Float32Array(model.parameterCount);
  }

  /** -(surrogate) as a scalar: -(mean(r A) + entropyCoef H). */
  private surrogateLoss(batch: Minibatch): tf.Scalar {
    const { observationSize, actionSize } = this.model.spec;
    return tf.tidy(() => {
      const x = tf.tensor2d(batch.observations, [batch.size, observationSize]);
      const e = this.model.evaluateActions(x, tf.tensor2d(batch.actions, [batch.size, actionSize]));
      const ratio = probabilityRatio(e.logProbs, tf.tensor1d(batch.logProbs));
      return tf.neg(tf.add(tf.mean(tf.mul(ratio, tf.tensor1d(batch.advantages))), tf.mul(this.config.entropyCoef, e.entropy))) as tf.Scalar;
    });
  }

  private meanKl(batch: Minibatch): number {
    const { observationSize, actionSize } = this.model.spec;
    const kl = tf.tidy(() => {
      const mean = this.model.actor.apply(tf.tensor2d(batch.observations, [batch.size, observationSize]));
      const oldMean = tf.tensor2d(batch.means, [batch.size, actionSize]);
      return tf.mean(gaussianKl(oldMean, tf.tensor2d(batch.logStds, [batch.size, actionSize]), mean, this.model.logStd));
    });
    const value = kl.dataSync()[0];
    kl.dispose();
    return value;
  }

  private scalar(loss: tf.Scalar): number {
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  }

  update(buffer: RolloutBuffer, lastValues: Float32Array, learningRate: number): Record<string, number> {
    const c = this.config;
    buffer.computeGae(lastValues, c.gamma, c.gaeLambda);
    if (c.normaliseAdvantages) buffer.normaliseAdvantages();
    const batch = buffer.all();
    const policySize = this.model.policyParameterCount;
    const old = this.model.readParameters(this.parameters).slice(0, policySize);

    // g: the surrogate's gradient (ascent direction) over the policy parameters.
    const { loss: oldLoss, gradient } = this.model.gradient(() => this.surrogateLoss(batch), this.gradient);
    checkFiniteLoss('trpo: the surrogate loss', oldLoss);
    const g = Float64Array.from(gradient.subarray(0, policySize), (v) => -v);
    const observations = tf.tensor2d(batch.observations, [batch.size, this.model.spec.observationSize]);
    const policy = { actor: this.model.actor, logStd: this.model.logStd };
    const fvp = (v: Float64Array) => fisherVectorProduct(policy, observations, v, c.cgDamping);
    const solve = conjugateGradient(fvp, g, { iterations: c.cgIterations });
    const curvature = dot(solve.x, fvp(solve.x));
    observations.dispose();
    const scale = curvature > 0 ? Math.sqrt((2 * c.maxKl) / curvature) : 0;

    const trial = new Float32Array(this.parameters);
    const search = backtrackingLineSearch(
      (fraction) => {
        for (let i = 0; i < policySize; i++) trial[i] = old[i] + fraction * scale * solve.x[i];
        this.model.writeParameters(trial);
        return { kl: this.meanKl(batch), improvement: oldLoss - this.scalar(this.surrogateLoss(batch)) };
      },
      c.maxKl,
      c.backtrackRatio,
      c.maxBacktracks,
    );
    if (!search.accepted) trial.set(old);
    else for (let i = 0; i < policySize; i++) trial[i] = old[i] + search.fraction * scale * solve.x[i];
    this.model.writeParameters(trial);
    this.parameters.set(trial);

    const criticLoss = this.fitCritic(buffer, learningRate);
    return {
      actor_loss: search.accepted ? oldLoss - search.improvement : oldLoss,
      critic_loss: criticLoss,
      entropy: this.scalar(gaussianEntropy(this.model.logStd) as tf.Scalar),
      kl: search.accepted ? search.kl : 0,
      line_search_backtracks: search.backtracks,
      line_search_accepted: search.accepted ? 1 : 0,
      cg_residual: solve.residualSquared,
    };
  }

  /** criticEpochs of Adam on (G - V)^2 over shuffled minibatches; returns the mean loss. */
  private fitCritic(buffer: RolloutBuffer, learningRate: number): number {
    const c = this.config;
    const start = this.model.policyParameterCount;
    const batchSize = Math.min(c.criticMinibatchSize, buffer.size);
    const minibatches = Math.floor(buffer.size / batchSize);
    const order = new Int32Array(buffer.size);
    const criticParameters = this.parameters.subarray(start);
    const criticGradient = this.gradient.subarray(start);
    this.criticAdam.learningRate = learningRate;
    let scratch: Minibatch | undefined;
    let sum = 0;
    for (let epoch = 0; epoch < c.criticEpochs; epoch++) {
      this.random().permutation(buffer.size, order);
      for (let m = 0; m < minibatches; m++) {
        const batch = (scratch = buffer.gather(order, m * batchSize, batchSize, scratch));
        sum += this.model.valueGradient(batch, criticGradient);
        if (c.maxGradNorm > 0) clipGradientNorm(criticGradient, c.maxGradNorm);
        this.criticAdam.step(criticParameters, criticGradient);
        this.model.writeCriticParameters(criticParameters);
      }
    }
    return sum / (c.criticEpochs * minibatches);
  }

  getState(): { json: Record<string, number>; arrays: StateArrays } {
    const adam = this.criticAdam.getState();
    return { json: { adamSteps: adam.steps }, arrays: { adamM: adam.firstMoment, adamV: adam.secondMoment } };
  }

  setState(json: Record<string, number>, arrays: Readonly<StateArrays>): void {
    const { adamM, adamV } = arrays;
    if (!(adamM instanceof Float32Array) || !(adamV instanceof Float32Array)) throw new Error('trpo.setState: Adam moments missing');
    this.criticAdam.setState({ firstMoment: adamM, secondMoment: adamV, steps: json.adamSteps });
    this.model.readParameters(this.parameters);
  }
}

export const trpoEntry = onPolicyEntry({
  name: 'trpo',
  summary: 'TRPO: natural-gradient step by conjugate gradient, KL-bounded line search (on-policy)',
  defaults: trpoDefaults,
  presets: trpoPresets,
  docs: trpoDocs,
  validate: validateTrpoConfig,
  createAlgorithm: (model, config, random) => new Trpo(model, config, random),
});
