import { tf } from '../shared/tf.ts';
import { Mlp } from '../shared/mlp.ts';
import { polyakUpdateFlat } from '../shared/polyak.ts';
import { concatRows, createLearner, criticLossGradient, forwardToHost, learnerState, restoreLearner, stepLearner, tidyToHost, type Learner } from '../shared/host-learner.ts';
import type { ActionNoise } from '../shared/noise.ts';
import type { TransitionBatch } from '../shared/replay-buffer.ts';
import { criticTargets, type OffPolicyAgent, type AgentState } from './agent.ts';
import type { DenseLayerSnapshot } from '../policy.ts';
import type { Rng } from '../../sim/rng.ts';

/**
 * The deterministic actor-critic of DDPG (ddpg.ts) and TD3 (td3.ts): a deterministic actor, one or two critics
 * trained towards y = r + gamma (1 - d) min(Q1', Q2')(s', clip(mu'(s') + clip(eps, -c, c), -1, 1)), and the
 * actor and all targets updated every `policyDelay` critic steps. TD3 uses all three of its additions (twin
 * critics, target smoothing, the delay); DDPG none of them (one critic, no smoothing, delay 1 by default).
 *
 * Speed: matMuls run in tfjs (wasm) through Mlp's hand-written backward pass; everything elementwise on
 * [batch, action] arrays (targets, smoothing, loss gradients) and Adam/Polyak run in plain JavaScript, because
 * on wasm each kernel launch costs more than the arithmetic of such small arrays.
 */

export interface DeterministicAgentOptions {
  readonly obsSize: number;
  readonly actionSize: number;
  readonly hiddenSizes: readonly number[];
  readonly actorLearningRate: number;
  readonly criticLearningRate: number;
  readonly gamma: number;
  readonly tau: number;
  /** 2 for TD3, 1 for DDPG. */
  readonly criticCount: 1 | 2;
  /** Std of the target-policy smoothing noise (0: none, as DDPG). */
  readonly targetPolicyNoise: number;
  /** The smoothing noise is clipped to +-targetNoiseClip. */
  readonly targetNoiseClip: number;
  /** Actor and target updates happen every policyDelay critic updates. */
  readonly policyDelay: number;
  readonly explorationNoise: ActionNoise;
}

/** Target-policy smoothing: out = clip(a + clip(sigma * N(0, 1), -c, c), -1, 1), per component. */
export function smoothTargetActions(actions: Float32Array, sigma: number, noiseClip: number, rng: Rng, out: Float32Array): void {
  for (let i = 0; i < actions.length; i++) {
    const noise = sigma > 0 ? Math.min(noiseClip, Math.max(-noiseClip, sigma * rng.normal())) : 0;
    out[i] = Math.min(1, Math.max(-1, actions[i] + noise));
  }
}

export class DeterministicActorCritic implements OffPolicyAgent {
  private readonly options: DeterministicAgentOptions;
  private readonly actor: Learner;
  private readonly critics: Learner[];
  private updates = 0;
  // Scratch arrays reused by every update (sized on first use).
  private scratch: { size: number; nextActions: Float32Array; nextInput: Float32Array; nextQs: Float32Array[]; y: Float32Array; q: Float32Array; dq: Float32Array } | null = null;

  constructor(options: DeterministicAgentOptions, rng: Rng) {
    this.options = options;
    const { obsSize, actionSize, hiddenSizes } = options;
    const actorSpec = { inputSize: obsSize, hiddenSizes, outputSize: actionSize, outputActivation: 'tanh' as const };
    const criticSpec = { inputSize: obsSize + actionSize, hiddenSizes, outputSize: 1 };
    this.actor = createLearner(new Mlp(actorSpec, rng), new Mlp(actorSpec, rng), options.actorLearningRate);
    this.critics = Array.from({ length: options.criticCount }, () =>
      createLearner(new Mlp(criticSpec, rng), new Mlp(criticSpec, rng), options.criticLearningRate),
    );
  }

  act(obs: Float32Array, rows: number, explore: boolean, rng: Rng, out: Float32Array): void {
    forwardToHost(this.actor.net, obs, rows, out);
    if (!explore) return;
    this.options.explorationNoise.addTo(out, rng);
    for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(-1, out[i]));
  }

  resetNoise(env: number): void {
    this.options.explorationNoise.reset(env);
  }

  update(batch: TransitionBatch, rng: Rng, wantMetrics: boolean): Record<string, number> | null {
    this.updates++;
    const y = this.computeTargets(batch, rng);
    let criticLoss = 0;
    let qMean = 0;
    this.critics.forEach((critic, k) => {
      const { loss, gradient, q } = criticLossGradient(critic, batch.obsActions, y);
      stepLearner(critic, gradient);
      criticLoss += loss / this.critics.length;
      if (k === 0 && wantMetrics) qMean = q.reduce((sum, v) => sum + v, 0) / q.length;
    });
    if (this.updates % this.options.policyDelay !== 0) return wantMetrics ? { critic_loss: criticLoss, q_mean: qMean } : null;

    const { loss: actorLoss, gradient } = this.actorLossGradient(batch);
    stepLearner(this.actor, gradient);
    for (const learner of [this.actor, ...this.critics]) {
      polyakUpdateFlat(learner.targetParams, learner.params, this.options.tau);
      learner.target.setParameters(learner.targetParams, false);
    }
    return wantMetrics ? { critic_loss: criticLoss, q_mean: qMean, actor_loss: actorLoss } : null;
  }

  /** Critic targets y for a batch: smoothed target actions, then the (min of the) target critics. */
  computeTargets(batch: TransitionBatch, rng: Rng): Float32Array {
    const n = batch.size;
    const s = this.scratchFor(n);
    forwardToHost(this.actor.target, batch.nextObs, n, s.nextActions);
    smoothTargetActions(s.nextActions, this.options.targetPolicyNoise, this.options.targetNoiseClip, rng, s.nextActions);
    concatRows(batch.nextObs, s.nextActions, n, s.nextInput);
    this.critics.forEach((critic, k) => forwardToHost(critic.target, s.nextInput, n, s.nextQs[k]));
    criticTargets(batch.rewards, batch.terminated, this.options.gamma, s.nextQs, s.y);
    return s.y;
  }

  /** The actor's loss -mean Q1(s, mu(s)) and its gradient: d/dQ1 = -1/n, through Q1's input into the actor. */
  actorLossGradient(batch: TransitionBatch): { loss: number; gradient: Float32Array } {
    const { obsSize, actionSize } = this.options;
    const n = batch.size;
    let loss = 0;
    const gradient = tidyToHost(() => {
      const obs = tf.tensor2d(batch.obs, [n, obsSize]);
      const actorTrace = this.actor.net.forwardTrace(obs);
      const criticTrace = this.critics[0].net.forwardTrace(tf.concat([obs, actorTrace.output], 1));
      loss = -tf.mean(criticTrace.output).dataSync()[0];
      const { input } = this.critics[0].net.backward(criticTrace, tf.fill([n, 1], -1 / n), { parameters: false, input: true });
      const actionGradient = tf.slice(input as tf.Tensor2D, [0, obsSize], [n, actionSize]);
      return this.actor.net.backward(actorTrace, actionGradient, { parameters: true, input: false }).parameters;
    });
    return { loss, gradient: gradient as Float32Array };
  }

  /** The networks, for tests and export: online and target Mlps of the actor and each critic. */
  get networks(): { actor: Learner; critics: readonly Learner[] } {
    return { actor: this.actor, critics: this.critics };
  }

  private scratchFor(size: number) {
    if (this.scratch?.size !== size) {
      const { obsSize, actionSize } = this.options;
      this.scratch = {
        size,
        nextActions: new Float32Array(size * actionSize),
        nextInput: new Float32Array(size * (obsSize + actionSize)),
        nextQs: this.critics.map(() => new Float32Array(size)),
        y: new Float32Array(size),
        q: new Float32Array(size),
        dq: new Float32Array(size),
      };
    }
    return this.scratch;
  }

  /** The actor's layers with the final tanh left to PolicySnapshot.outputSquash (applied once, there). */
  actorLayers(): DenseLayerSnapshot[] {
    const layers = this.actor.net.snapshot();
    layers[layers.length - 1] = { ...layers[layers.length - 1], activation: 'linear' };
    return layers;
  }

  getState(): AgentState {
    const arrays: Record<string, Float32Array | Float64Array> = { noise: this.options.explorationNoise.getState() };
    const adamSteps = [this.actor, ...this.critics].map((learner, k) => learnerState(learner, `net${k}`, arrays));
    return { json: { updates: this.updates, adamSteps }, arrays };
  }

  setState(state: AgentState): void {
    const json = state.json as { updates: number; adamSteps: number[] };
    this.updates = json.updates;
    this.options.explorationNoise.setState(state.arrays.noise as Float64Array);
    [this.actor, ...this.critics].forEach((learner, k) => restoreLearner(learner, `net${k}`, state.arrays, json.adamSteps[k]));
  }

  dispose(): void {
    for (const learner of [this.actor, ...this.critics]) {
      learner.net.dispose();
      learner.target.dispose();
    }
  }
}
