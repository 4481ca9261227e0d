import { GaussianActorCritic } from '../shared/gaussian-actor-critic.ts';
import { yieldToEventLoop } from '../shared/event-loop.ts';
import { RunningNormaliser, type NormaliserState } from '../shared/normaliser.ts';
import { evaluateGaussianPolicy } from './evaluate.ts';
import { loadNormalisers, saveNormalisers, type NamedNormalisers } from './state.ts';
import { RolloutBuffer } from '../shared/rollout-buffer.ts';
import { scheduledLearningRate, type OnPolicyConfig } from './config.ts';
import { Rng, type RngState } from '../../sim/rng.ts';
import type { VecEnv } from '../../sim/env.ts';
import type { EvaluationResult, MetricsRecord, Trainer, TrainerState } from '../contract.ts';
import type { PolicySnapshot } from '../policy.ts';
import type { Activation } from '../policy.ts';

/**
 * The synchronous on-policy loop (CleanRL's ppo_continuous_action, minus the update): collect numSteps
 * steps of every environment with the current policy, estimate advantages, hand the rollout to the
 * algorithm's update. A2C, TRPO and both PPOs plug in through OnPolicyAlgorithm.
 */

export type StateArrays = Record<string, Float32Array | Float64Array>;

export interface OnPolicyAlgorithm {
  /** Fills the buffer's advantages and returns (from `lastValues` = V(s_T)) and updates the networks. */
  update(buffer: RolloutBuffer, lastValues: Float32Array, learningRate: number): Record<string, number>;
  /** Optimiser moments and adaptive coefficients (the networks are saved by the trainer). */
  getState(): { json: Record<string, number>; arrays: StateArrays };
  setState(json: Record<string, number>, arrays: Readonly<StateArrays>): void;
}

export interface OnPolicyTrainerOptions {
  readonly algorithm: string;
  readonly config: OnPolicyConfig;
  readonly seed: number;
  readonly vecEnv: VecEnv;
  /** Builds the evaluation environments on demand. */
  readonly makeEvalEnv: (seed: number) => Promise<VecEnv>;
  /** `random()` is the trainer's Rng (minibatch order etc.); ask for it each time, a resume replaces it. */
  readonly createAlgorithm: (model: GaussianActorCritic, random: () => Rng) => OnPolicyAlgorithm;
}

interface SavedJson {
  envSteps: number;
  iterations: number;
  wallTime: number;
  rng: RngState;
  algorithm: Record<string, number>;
  /** The VecEnv's own state when it can save one (exact resume), else null (fresh episodes on resume). */
  env: unknown;
}

export class OnPolicyTrainer implements Trainer {
  readonly robot: string;
  readonly algorithm: string;
  readonly model: GaussianActorCritic;
  private readonly config: OnPolicyConfig;
  private readonly vecEnv: VecEnv;
  private readonly options: OnPolicyTrainerOptions;
  private rng: Rng;
  private readonly update: OnPolicyAlgorithm;
  private readonly buffer: RolloutBuffer;
  private readonly obsNormaliser: RunningNormaliser | null;
  private readonly returnNormaliser: RunningNormaliser | null;
  private newObsStatistics: RunningNormaliser | null = null;
  private newReturnStatistics: RunningNormaliser | null = null;
  /** Running discounted return per env, the statistic reward scaling divides by (gym's NormalizeReward). */
  private discountedReturns: Float64Array;
  private episodeReturns: Float64Array;
  private episodeLengths: Float64Array;
  private steps = 0;
  private iterations = 0;
  private wallTime = 0;
  private needsReset = true;
  /** Return and length of each episode that ended during the last iterate(). */
  lastEpisodes: { ret: number; len: number }[] = [];

  constructor(options: OnPolicyTrainerOptions) {
    const { config, vecEnv } = options;
    if (vecEnv.numEnvs !== config.numEnvs) throw new Error(`the VecEnv has ${vecEnv.numEnvs} envs, the config asks for ${config.numEnvs}`);
    this.options = options;
    this.robot = vecEnv.robot;
    this.algorithm = options.algorithm;
    this.config = config;
    this.vecEnv = vecEnv;
    this.rng = new Rng(options.seed);
    const spec = {
      observationSize: vecEnv.observationSize,
      actionSize: vecEnv.actionSize,
      hiddenSizes: config.hiddenSizes,
      activation: config.activation as Activation,
      initialLogStd: config.initialLogStd,
    };
    this.model = new GaussianActorCritic(spec, this.rng);
    this.update = options.createAlgorithm(this.model, () => this.rng);
    this.buffer = new RolloutBuffer({ numSteps: config.numSteps, numEnvs: config.numEnvs, ...spec });
    const clip = { clip: config.clipObservations };
    this.obsNormaliser = config.normaliseObservations ? new RunningNormaliser(vecEnv.observationSize, clip) : null;
    this.returnNormaliser = config.normaliseRewards ? new RunningNormaliser(1) : null;
    this.discountedReturns = new Float64Array(config.numEnvs);
    this.episodeReturns = new Float64Array(config.numEnvs);
    this.episodeLengths = new Float64Array(config.numEnvs);
  }

  get envSteps(): number {
    return this.steps;
  }

  private normalise(raw: Float32Array, rows: number, learn: boolean): Float32Array {
    if (!this.obsNormaliser) return Float32Array.from(raw);
    if (learn) {
      this.obsNormaliser.update(raw, rows);
      this.newObsStatistics?.update(raw, rows);
    }
    return this.obsNormaliser.normalise(raw, rows);
  }

  private scaleRewards(rewards: Float32Array, terminated: Uint8Array, truncated: Uint8Array): Float32Array {
    if (!this.returnNormaliser) return rewards;
    const { gamma, clipRewards } = this.config;
    for (let e = 0; e < rewards.length; e++) this.discountedReturns[e] = this.discountedReturns[e] * gamma + rewards[e];
    this.returnNormaliser.update(this.discountedReturns, rewards.length);
    this.newReturnStatistics?.update(this.discountedReturns, rewards.length);
    const std = Math.sqrt(this.returnNormaliser.getState().variance[0] + 1e-8);
    const scaled = new Float32Array(rewards.length);
    for (let e = 0; e < rewards.length; e++) {
      scaled[e] = Math.max(-clipRewards, Math.min(clipRewards, rewards[e] / std));
      if (terminated[e] || truncated[e]) this.discountedReturns[e] = 0;
    }
    return scaled;
  }

  async iterate(): Promise<MetricsRecord[]> {
    await yieldToEventLoop();
    const started = Date.now();
    const { numEnvs, actionSize, observationSize } = this.vecEnv;
    const env = this.vecEnv;
    if (this.needsReset) {
      await env.reset(this.rng.int(2 ** 31));
      this.needsReset = false;
    }
    const out = this.model.actOutput(numEnvs);
    const actions = new Float32Array(numEnvs * actionSize);
    const finished: { ret: number; len: number }[] = (this.lastEpisodes = []);
    this.buffer.clear();
    for (let t = 0; t < this.config.numSteps; t++) {
      const obs = this.normalise(env.obs, numEnvs, true);
      this.model.act(obs, numEnvs, this.rng, out);
      for (let i = 0; i < numEnvs * actionSize; i++) actions[i] = Math.max(-1, Math.min(1, out.actions[i]));
      await env.step(actions);
      this.steps += numEnvs;
      for (let e = 0; e < numEnvs; e++) {
        this.episodeReturns[e] += env.rewards[e];
        this.episodeLengths[e] += 1;
      }
      const rewards = this.scaleRewards(env.rewards, env.terminated, env.truncated);
      this.buffer.add(obs, out, { rewards, terminated: env.terminated, truncated: env.truncated });
      for (let e = 0; e < numEnvs; e++) {
        if (!env.terminated[e] && !env.truncated[e]) continue;
        finished.push({ ret: this.episodeReturns[e], len: this.episodeLengths[e] });
        this.episodeReturns[e] = 0;
        this.episodeLengths[e] = 0;
        if (env.truncated[e] && !env.terminated[e]) {
          const final = env.finalObs.subarray(e * observationSize, (e + 1) * observationSize);
          this.buffer.setTruncationValue(e, this.model.predictValues(this.normalise(final, 1, false), 1)[0]);
        }
      }
    }
    const lastValues = this.model.predictValues(this.normalise(env.obs, numEnvs, false), numEnvs);
    const learningRate = scheduledLearningRate(this.config, this.steps);
    const metrics = this.update.update(this.buffer, lastValues, learningRate);
    this.iterations++;
    const seconds = (Date.now() - started) / 1000;
    this.wallTime += seconds;
    const record: Record<string, number> = {
      envSteps: this.steps,
      wallTime: this.wallTime,
      iteration: this.iterations,
      learning_rate: learningRate,
      steps_per_s: (numEnvs * this.config.numSteps) / seconds,
      ...metrics,
    };
    if (finished.length > 0) {
      record.episode_return = finished.reduce((s, f) => s + f.ret, 0) / finished.length;
      record.episode_length = finished.reduce((s, f) => s + f.len, 0) / finished.length;
      record.episodes = finished.length;
    }
    return [record as MetricsRecord];
  }

  async evaluate(episodes: number): Promise<EvaluationResult> {
    const seed = this.options.seed + 1_000_003;
    return evaluateGaussianPolicy(this.model, this.obsNormaliser, await this.options.makeEvalEnv(seed), seed + this.iterations, episodes);
  }

  /** Normaliser statistics gathered since the last call (A3C's workers send them to the global normalisers). */
  takeNewStatistics(): { obs: NormaliserState | null; returns: NormaliserState | null } {
    const taken = { obs: this.newObsStatistics?.getState() ?? null, returns: this.newReturnStatistics?.getState() ?? null };
    this.newObsStatistics = this.obsNormaliser ? new RunningNormaliser(this.obsNormaliser.size) : null;
    this.newReturnStatistics = this.returnNormaliser ? new RunningNormaliser(1) : null;
    return taken;
  }

  /** Replaces the normalisers' statistics (A3C: the global ones). */
  loadStatistics(obs: NormaliserState | null, returns: NormaliserState | null): void {
    if (obs && this.obsNormaliser) this.obsNormaliser.setState(obs);
    if (returns && this.returnNormaliser) this.returnNormaliser.setState(returns);
  }

  private normalisers(): NamedNormalisers {
    return [
      ['obsNormaliser', this.obsNormaliser],
      ['returnNormaliser', this.returnNormaliser],
    ];
  }

  async getState(): Promise<TrainerState> {
    const algorithm = this.update.getState();
    const json: SavedJson = {
      envSteps: this.steps,
      iterations: this.iterations,
      wallTime: this.wallTime,
      rng: this.rng.getState(),
      algorithm: algorithm.json,
      env: null,
    };
    const arrays: Record<string, TrainerState['arrays'][string]> = { parameters: this.model.readParameters() };
    for (const [name, array] of Object.entries(algorithm.arrays)) arrays[`algorithm.${name}`] = array;
    saveNormalisers(this.normalisers(), arrays);
    if (this.vecEnv.saveState && !this.needsReset) {
      const envState = await this.vecEnv.saveState();
      json.env = envState.json;
      for (const [name, array] of Object.entries(envState.arrays)) arrays[`env.${name}`] = array;
      Object.assign(arrays, { episodeReturns: Float64Array.from(this.episodeReturns), episodeLengths: Float64Array.from(this.episodeLengths) });
      arrays.discountedReturns = Float64Array.from(this.discountedReturns);
    }
    return { json, arrays };
  }

  /**
   * Restores networks, optimiser, normalisers, counters and RNG, and the environments mid-episode when the
   * VecEnv saved its state (saveState/loadState); otherwise the environments start fresh episodes.
   */
  async setState(state: TrainerState): Promise<void> {
    const json = state.json as SavedJson;
    if (typeof json?.envSteps !== 'number' || !json.rng) throw new Error('OnPolicyTrainer.setState: not an on-policy trainer state');
    const parameters = state.arrays.parameters;
    if (!(parameters instanceof Float32Array)) throw new Error('OnPolicyTrainer.setState: the state has no Float32 parameters');
    this.model.writeParameters(parameters);
    const algorithmArrays: StateArrays = {};
    for (const [name, array] of Object.entries(state.arrays)) {
      if (name.startsWith('algorithm.') && !(array instanceof Int32Array) && !(array instanceof Uint8Array)) {
        algorithmArrays[name.slice('algorithm.'.length)] = array;
      }
    }
    this.update.setState(json.algorithm, algorithmArrays);
    loadNormalisers(this.normalisers(), state.arrays);
    this.steps = json.envSteps;
    this.iterations = json.iterations;
    this.wallTime = json.wallTime;
    this.rng = Rng.fromState(json.rng);
    const { episodeReturns, episodeLengths, discountedReturns } = state.arrays;
    if (json.env !== null && json.env !== undefined && this.vecEnv.loadState && episodeReturns && episodeLengths && discountedReturns) {
      const envArrays = Object.fromEntries(
        Object.entries(state.arrays)
          .filter(([k]) => k.startsWith('env.'))
          .map(([k, v]) => [k.slice(4), v]),
      );
      await this.vecEnv.loadState({ json: json.env, arrays: envArrays });
      this.episodeReturns.set(episodeReturns);
      this.episodeLengths.set(episodeLengths);
      this.discountedReturns.set(discountedReturns);
      this.needsReset = false;
    } else {
      this.discountedReturns.fill(0);
      this.episodeReturns.fill(0);
      this.episodeLengths.fill(0);
      this.needsReset = true;
    }
  }

  exportPolicy(): PolicySnapshot {
    return {
      robot: this.robot,
      algorithm: this.algorithm,
      observationSize: this.vecEnv.observationSize,
      actionSize: this.vecEnv.actionSize,
      obsNormaliser: this.obsNormaliser ? this.obsNormaliser.snapshot() : null,
      layers: this.model.actorLayers(),
      outputSquash: 'clip',
      envSteps: this.steps,
    };
  }

  async dispose(): Promise<void> {
    this.model.dispose();
    await this.vecEnv.close();
  }
}
