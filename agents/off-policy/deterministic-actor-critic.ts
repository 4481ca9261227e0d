import { HeapSpace } from '../shared/heap-gemm.ts';
import {
  concatRows,
  createLearner,
  criticLossGradient,
  learnerState,
  restoreLearner,
  stepLearner,
  updateTarget,
  type Learner,
} from '../shared/host-learner.ts';
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
 * Speed: the networks' products, relu gradients, Adam and Polyak averaging run in our wasm kernels on the
 * networks' memory (shared/heap-mlp.ts, shared/gemm.wat); the [batch, action]-sized work (targets, smoothing,
 * loss gradients) in plain JavaScript.
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
  private readonly space = new HeapSpace();
  private updates = 0;
  // Scratch arrays reused by every update (sized on first use).
  private scratch: {
    size: number;
    nextActions: Float32Array;
    nextInput: Float32Array;
    nextQs: Float32Array[];
    y: Float32Array;
    actorInput: Float32Array;
    dq: Float32Array;
    dActions: Float32Array;
  } | null = null;

  constructor(options: DeterministicAgentOptions, rng: Rng) {
    this.options = options;
    const { obsSize, actionSize, hiddenSizes } = options;
    const actorSpec = { inputSize: obsSize, hiddenSizes, outputSize: actionSize, outputActivation: 'tanh' as const };
    const criticSpec = { inputSize: obsSize + actionSize, hiddenSizes, outputSize: 1 };
    this.actor = createLearner(actorSpec, rng, options.actorLearningRate, this.space);
    this.critics = Array.from({ length: options.criticCount }, () => createLearner(criticSpec, rng, options.criticLearningRate, this.space));
  }

  act(obs: Float32Array, rows: number, explore: boolean, rng: Rng, out: Float32Array): void {
    out.set(this.actor.net.forward(obs, rows));
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
      const { loss, gradient, qMean: q } = criticLossGradient(critic, batch.obsActions, y);
      stepLearner(critic, gradient);
      criticLoss += loss / this.critics.length;
      if (k === 0) qMean = q;
    });
    if (this.updates % this.options.policyDelay !== 0) return wantMetrics ? { critic_loss: criticLoss, q_mean: qMean } : null;

    const { loss: actorLoss, gradient } = this.actorLossGradient(batch);
    stepLearner(this.actor, gradient);
    for (const learner of [this.actor, ...this.critics]) {
      updateTarget(learner, this.options.tau);
    }
    return wantMetrics ? { critic_loss: criticLoss, q_mean: qMean, actor_loss: actorLoss } : null;
  }

  /** Critic targets y for a batch: smoothed target actions, then the (min of the) target critics. */
  computeTargets(batch: TransitionBatch, rng: Rng): Float32Array {
    const n = batch.size;
    const s = this.scratchFor(n);
    s.nextActions.set(this.actor.target.forward(batch.nextObs, n));
    smoothTargetActions(s.nextActions, this.options.targetPolicyNoise, this.options.targetNoiseClip, rng, s.nextActions);
    concatRows(batch.nextObs, s.nextActions, n, s.nextInput);
    this.critics.forEach((critic, k) => s.nextQs[k].set(critic.target.forward(s.nextInput, n)));
    criticTargets(batch.rewards, batch.terminated, this.options.gamma, s.nextQs, s.y);
    return s.y;
  }

  /** The actor's loss -mean Q1(s, mu(s)) and its gradient: d/dQ1 = -1/n, through Q1's input into the actor. */
  actorLossGradient(batch: TransitionBatch): { loss: number; gradient: Float32Array } {
    const { obsSize: o, actionSize: a } = this.options;
    const n = batch.size;
    const s = this.scratchFor(n);
    const critic = this.critics[0].net;
    concatRows(batch.obs, this.actor.net.forward(batch.obs, n), n, s.actorInput);
    const q = critic.forward(s.actorInput, n);
    let loss = 0;
    for (let b = 0; b < n; b++) loss -= q[b] / n;
    s.dq.fill(-1 / n);
    const inputGradient = critic.backward(s.dq, false, true) as Float32Array;
    for (let b = 0; b < n; b++) s.dActions.set(inputGradient.subarray(b * (o + a) + o, (b + 1) * (o + a)), b * a);
    this.actor.net.backward(s.dActions, true, false);
    return { loss, gradient: this.actor.gradient };
  }

  /** The networks, for tests and export: online and target networks of the actor and each critic, and their heap. */
  get networks(): { actor: Learner; critics: readonly Learner[]; space: HeapSpace } {
    return { actor: this.actor, critics: this.critics, space: this.space };
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
        actorInput: new Float32Array(size * (obsSize + actionSize)),
        dq: new Float32Array(size),
        dActions: new Float32Array(size * actionSize),
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

  actorParameters(): Float32Array {
    return this.actor.params;
  }

  setActorParameters(params: Float32Array): void {
    this.actor.net.setParameters(params, false);
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
    this.space.dispose();
  }
}
