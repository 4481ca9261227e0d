import { tf } from './tf.ts';
import { Mlp } from './mlp.ts';
import { gaussianEntropy, gaussianLogProb } from './distributions.ts';
import { gaussianPolicyLoss, valueLossGradient, type PolicyLossResult, type PolicyObjective } from './policy-gradient-math.ts';
import type { Minibatch } from './rollout-buffer.ts';
import type { Activation, DenseLayerSnapshot } from '../policy.ts';
import type { Rng } from '../../sim/rng.ts';

/**
 * The on-policy networks (CleanRL's ppo_continuous_action Agent): an actor MLP giving the Gaussian mean, a
 * state-independent log std vector, and a separate critic MLP. Every parameter also lives in one flat
 * Float32Array (actor layers, log std, critic layers, in that order) so optimisers, TRPO's natural-gradient
 * step, A3C's gradient messages and checkpoints all work on plain arrays.
 */

export interface ActorCriticSpec {
  readonly observationSize: number;
  readonly actionSize: number;
  readonly hiddenSizes: readonly number[];
  readonly activation: Activation;
  /** Starting log standard deviation of the exploration noise (CleanRL: 0). */
  readonly initialLogStd: number;
}

/** Per-environment outputs of one acting step (preallocate with actOutput()). */
export interface ActOutput {
  readonly actions: Float32Array;
  readonly logProbs: Float32Array;
  readonly values: Float32Array;
  readonly means: Float32Array;
  readonly logStds: Float32Array;
}

export interface LossCoefficients {
  readonly entropyCoef: number;
  readonly valueCoef: number;
  /** PPO2's value clipping range (0: none). */
  readonly valueClip: number;
}

export interface ActorCriticLoss extends PolicyLossResult {
  readonly valueLoss: number;
  /** policyLoss - entropyCoef H + valueCoef valueLoss. */
  readonly loss: number;
}

export interface BatchEvaluation {
  readonly mean: tf.Tensor2D;
  readonly logProbs: tf.Tensor1D;
  readonly entropy: tf.Scalar;
  readonly values: tf.Tensor1D;
}

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

export class GaussianActorCritic {
  readonly spec: ActorCriticSpec;
  readonly actor: Mlp;
  readonly critic: Mlp;
  readonly logStd: tf.Variable<tf.Rank.R1>;
  /** actor variables, log std, critic variables: the order of every flat vector. */
  readonly variables: tf.Variable[];
  /** Parameters before the critic's (actor + log std). */
  readonly policyParameterCount: number;
  readonly parameterCount: number;

  constructor(spec: ActorCriticSpec, rng: Rng) {
    if (!Number.isFinite(spec.initialLogStd)) throw new Error(`initialLogStd must be finite, got ${spec.initialLogStd}`);
    this.spec = spec;
    const common = { inputSize: spec.observationSize, hiddenSizes: spec.hiddenSizes, hiddenActivation: spec.activation };
    // A small policy head starts every action near zero (CleanRL: std 0.01); the value head at full scale.
    this.actor = new Mlp({ ...common, outputSize: spec.actionSize, outputInitScale: 0.01 }, rng);
    this.critic = new Mlp({ ...common, outputSize: 1 }, rng);
    const initial = tf.fill([spec.actionSize], spec.initialLogStd) as tf.Tensor1D;
    this.logStd = tf.variable(initial, true);
    initial.dispose();
    this.variables = [...this.actor.variables, this.logStd, ...this.critic.variables];
    this.policyParameterCount = this.actor.parameterCount + spec.actionSize;
    this.parameterCount = this.policyParameterCount + this.critic.parameterCount;
  }

  actOutput(rows: number): ActOutput {
    const a = this.spec.actionSize;
    return {
      actions: new Float32Array(rows * a),
      logProbs: new Float32Array(rows),
      values: new Float32Array(rows),
      means: new Float32Array(rows * a),
      logStds: new Float32Array(rows * a),
    };
  }

  /**
   * Samples a ~ N(mean(s), std^2) for `rows` observations (noise from `rng`; the mean itself when rng is
   * null), with log pi(a|s) and V(s). Actions are left unclipped: the caller clips what it sends to the env.
   */
  act(observations: Float32Array, rows: number, rng: Rng | null, out: ActOutput): void {
    const [means, values] = tf.tidy(() => {
      const x = tf.tensor2d(observations, [rows, this.spec.observationSize]);
      return [this.actor.apply(x), this.critic.apply(x)];
    });
    out.means.set(means.dataSync() as Float32Array);
    out.values.set(values.dataSync() as Float32Array);
    tf.dispose([means, values]);
    const logStd = this.logStd.dataSync() as Float32Array;
    const a = this.spec.actionSize;
    let logStdSum = 0;
    for (let j = 0; j < a; j++) logStdSum += logStd[j];
    for (let r = 0; r < rows; r++) {
      let squares = 0;
      for (let j = 0; j < a; j++) {
        const noise = rng === null ? 0 : rng.normal();
        out.actions[r * a + j] = out.means[r * a + j] + Math.exp(logStd[j]) * noise;
        out.logStds[r * a + j] = logStd[j];
        squares += noise * noise;
      }
      out.logProbs[r] = -0.5 * squares - logStdSum - a * HALF_LOG_TWO_PI;
    }
  }

  /**
   * Differentiable pieces of every on-policy loss for a batch: the policy mean, log pi(a|s) of the taken
   * actions, the entropy H(pi(.|s)) (analytic; the same for every state with a state-independent std)
   * and V(s). Call inside a tidy or a gradient.
   */
  evaluateActions(observations: tf.Tensor2D, actions: tf.Tensor2D): BatchEvaluation {
    const mean = this.actor.apply(observations);
    return {
      mean,
      logProbs: gaussianLogProb(mean, this.logStd, actions),
      entropy: gaussianEntropy(this.logStd) as tf.Scalar,
      values: tf.reshape(this.critic.apply(observations), [-1]) as tf.Tensor1D,
    };
  }

  /** mean (G - V)^2 on a batch and its gradient over the critic's parameters only (TRPO's critic fit). */
  valueGradient(batch: Minibatch, out: Float32Array): number {
    let loss = Number.NaN;
    tf.tidy(() => {
      const trace = this.critic.forwardTrace(tf.tensor2d(batch.observations, [batch.size, this.spec.observationSize]));
      const gradient = new Float32Array(batch.size);
      loss = valueLossGradient(trace.output.dataSync() as Float32Array, batch.returns, batch.values, 0, 1, gradient);
      out.set(this.critic.backward(trace, tf.tensor2d(gradient, [batch.size, 1]), { parameters: true, input: false }).parameters as Float32Array);
    });
    return loss;
  }

  /** Overwrites the critic's parameters only (the tail of the flat vector). */
  writeCriticParameters(flat: Float32Array): void {
    this.critic.setParameters(flat);
  }

  /** V(s) for `rows` observations. */
  predictValues(observations: Float32Array, rows: number): Float32Array {
    const values = tf.tidy(() => this.critic.apply(tf.tensor2d(observations, [rows, this.spec.observationSize])));
    const out = Float32Array.from(values.dataSync() as Float32Array);
    values.dispose();
    return out;
  }

  /** All parameters as one flat vector. */
  readParameters(out: Float32Array = new Float32Array(this.parameterCount)): Float32Array {
    out.set(this.actor.getParameters(), 0);
    out.set(this.logStd.dataSync() as Float32Array, this.actor.parameterCount);
    out.set(this.critic.getParameters(), this.policyParameterCount);
    return out;
  }

  /** Overwrites every parameter from one flat vector. */
  writeParameters(flat: Float32Array): void {
    if (flat.length !== this.parameterCount) {
      throw new Error(`writeParameters: expected ${this.parameterCount} values, got ${flat.length}`);
    }
    const actorSize = this.actor.parameterCount;
    this.actor.setParameters(flat.subarray(0, actorSize));
    tf.tidy(() => this.logStd.assign(tf.tensor1d(flat.subarray(actorSize, this.policyParameterCount))));
    this.critic.setParameters(flat.subarray(this.policyParameterCount));
  }

  /**
   * The fast path of every actor-critic update: objective - entropyCoef H + valueCoef (value loss) on a
   * batch and its gradient, flat in the parameter order, without tfjs's tape (policy-gradient-math.ts for
   * the loss, Mlp.backward for the networks). valueClip > 0 clips the value loss as PPO2.
   */
  lossGradient(batch: Minibatch, objective: PolicyObjective, coefficients: LossCoefficients, out: Float32Array): ActorCriticLoss {
    const n = batch.size;
    const a = this.spec.actionSize;
    if (out.length !== this.parameterCount) throw new Error(`lossGradient: out holds ${out.length}, expected ${this.parameterCount}`);
    let result: ActorCriticLoss | null = null;
    tf.tidy(() => {
      const x = tf.tensor2d(batch.observations, [n, this.spec.observationSize]);
      const actorTrace = this.actor.forwardTrace(x);
      const criticTrace = this.critic.forwardTrace(x);
      const means = actorTrace.output.dataSync() as Float32Array;
      const values = criticTrace.output.dataSync() as Float32Array;
      const meanGradient = new Float32Array(n * a);
      const logStdGradient = new Float32Array(a);
      const logStd = this.logStd.dataSync() as Float32Array;
      const policy = gaussianPolicyLoss(
        {
          size: n,
          actionSize: a,
          means,
          logStd,
          actions: batch.actions,
          oldLogProbs: batch.logProbs,
          oldMeans: batch.means,
          oldLogStds: batch.logStds,
          advantages: batch.advantages,
        },
        objective,
        coefficients.entropyCoef,
        meanGradient,
        logStdGradient,
      );
      const valueGradient = new Float32Array(n);
      const valueLoss = valueLossGradient(values, batch.returns, batch.values, coefficients.valueClip, coefficients.valueCoef, valueGradient);
      out.set(this.actor.backward(actorTrace, tf.tensor2d(meanGradient, [n, a]), { parameters: true, input: false }).parameters as Float32Array, 0);
      out.set(logStdGradient, this.actor.parameterCount);
      out.set(
        this.critic.backward(criticTrace, tf.tensor2d(valueGradient, [n, 1]), { parameters: true, input: false }).parameters as Float32Array,
        this.policyParameterCount,
      );
      const loss = policy.policyLoss - coefficients.entropyCoef * policy.entropy + coefficients.valueCoef * valueLoss;
      result = { ...policy, valueLoss, loss };
    });
    if (result === null) throw new Error('lossGradient: no result');
    return result;
  }

  /**
   * The loss (a scalar to minimise) and its gradient with respect to every parameter, flattened in the
   * parameter order (zero for parameters the loss does not touch).
   */
  gradient(loss: () => tf.Scalar, out: Float32Array = new Float32Array(this.parameterCount)): { loss: number; gradient: Float32Array } {
    const { value, grads } = tf.variableGrads(loss, this.variables);
    let offset = 0;
    for (const v of this.variables) {
      const g = grads[v.name];
      if (g) out.set(g.dataSync() as Float32Array, offset);
      else out.fill(0, offset, offset + v.size);
      offset += v.size;
    }
    const lossValue = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads)]);
    return { loss: lossValue, gradient: out };
  }

  /** The actor's layers as plain numbers (the deterministic policy is their output, clipped to [-1, 1]). */
  actorLayers(): DenseLayerSnapshot[] {
    return this.actor.snapshot();
  }

  dispose(): void {
    this.actor.dispose();
    this.critic.dispose();
    this.logStd.dispose();
  }
}
