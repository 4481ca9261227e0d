import { Rng, type RngState } from '../../sim/rng.ts';
import type { PhysicsName } from '../../sim/physics.ts';
import { yieldToEventLoop } from '../shared/event-loop.ts';
import type { VecEnv } from '../../sim/env.ts';
import type { CreateTrainerOptions, EvaluationResult, MetricsRecord, Trainer, TrainerState, VecEnvFactory } from '../contract.ts';
import type { PolicySnapshot } from '../policy.ts';
import type { OffPolicyAgent, OffPolicyConfig } from './agent.ts';
import { initTf } from '../shared/tf.ts';
import { ReplayBuffer, allocateBatch, type TransitionBatch, type ReplayBufferState } from '../shared/replay-buffer.ts';
import { RunningNormaliser } from '../shared/normaliser.ts';
import { evaluateEpisodes } from '../shared/evaluation.ts';

/**
 * The off-policy training loop (DDPG, TD3, SAC) over a VecEnv: uniform random actions until learningStarts,
 * then the agent's exploratory actions; every transition into the replay buffer (with the true final
 * observation when an episode is truncated); `updatesPerStep` gradient steps per environment step.
 */

export interface OffPolicyTrainerOptions {
  readonly robot: string;
  readonly algorithm: string;
  readonly config: OffPolicyConfig;
  readonly seed: number;
  readonly workers: number;
  /** The robots' physics (default joint-space). */
  readonly physics?: PhysicsName;
  readonly makeVecEnv: VecEnvFactory;
  readonly createAgent: (obsSize: number, actionSize: number, rng: Rng) => OffPolicyAgent;
}

const now = (): number => Date.now() / 1000;

export class OffPolicyTrainer implements Trainer {
  readonly robot: string;
  readonly algorithm: string;
  private readonly options: OffPolicyTrainerOptions;
  private readonly config: OffPolicyConfig;
  private readonly env: VecEnv;
  private readonly agent: OffPolicyAgent;
  private readonly buffer: ReplayBuffer;
  private readonly batch: TransitionBatch;
  private readonly normaliser: RunningNormaliser | null;
  private rng: Rng;
  private readonly lastObs: Float32Array;
  private readonly episodeReturns: Float64Array;
  private readonly episodeLengths: Float64Array;
  private readonly actionScratch: Float32Array;
  private readonly obsScratch: Float32Array;
  private steps = 0;
  private updates = 0;
  private updateCredit = 0;
  private wallTime = 0;
  private evalEnv: VecEnv | null = null;

  static async create(options: OffPolicyTrainerOptions): Promise<OffPolicyTrainer> {
    const { robot, seed, workers, config, physics } = options;
    const env = await options.makeVecEnv({ robot, numEnvs: config.numEnvs, workers, seed, physics });
    await env.reset(seed);
    return new OffPolicyTrainer(options, env);
  }

  private constructor(options: OffPolicyTrainerOptions, env: VecEnv) {
    this.options = options;
    this.robot = options.robot;
    this.algorithm = options.algorithm;
    this.config = options.config;
    this.env = env;
    const { observationSize: o, actionSize: a, numEnvs } = env;
    this.rng = new Rng(options.seed);
    this.agent = options.createAgent(o, a, this.rng);
    this.buffer = new ReplayBuffer(this.config.bufferSize, o, a);
    this.batch = allocateBatch(this.config.batchSize, o, a);
    this.normaliser = this.config.normaliseObservations ? new RunningNormaliser(o) : null;
    this.normaliser?.update(env.obs, numEnvs);
    this.lastObs = Float32Array.from(env.obs);
    this.episodeReturns = new Float64Array(numEnvs);
    this.episodeLengths = new Float64Array(numEnvs);
    this.actionScratch = new Float32Array(numEnvs * a);
    this.obsScratch = new Float32Array(Math.max(numEnvs, this.config.batchSize) * o);
  }

  get envSteps(): number {
    return this.steps;
  }

  async iterate(): Promise<MetricsRecord[]> {
    const started = now();
    const records: MetricsRecord[] = [];
    const { numEnvs, observationSize: o, actionSize: a } = this.env;
    const startSteps = this.steps;
    const startUpdates = this.updates;
    let learned: Record<string, number> | null = null;
    let lastYield = Date.now();
    while (this.steps - startSteps < this.config.stepsPerIteration) {
      if (Date.now() - lastYield > 100) {
        await yieldToEventLoop();
        lastYield = Date.now();
      }
      if (this.steps < this.config.learningStarts) {
        for (let i = 0; i < this.actionScratch.length; i++) this.actionScratch[i] = this.rng.uniformRange(-1, 1);
      } else {
        this.agent.act(this.normalised(this.lastObs, numEnvs), numEnvs, true, this.rng, this.actionScratch);
      }
      await this.env.step(this.actionScratch);
      for (let i = 0; i < numEnvs; i++) {
        const done = this.env.terminated[i] === 1 || this.env.truncated[i] === 1;
        const next = (done ? this.env.finalObs : this.env.obs).subarray(i * o, (i + 1) * o);
        const obs = this.lastObs.subarray(i * o, (i + 1) * o);
        this.buffer.add(obs, this.actionScratch.subarray(i * a, (i + 1) * a), this.env.rewards[i], next, this.env.terminated[i] === 1);
        this.episodeReturns[i] += this.env.rewards[i];
        this.episodeLengths[i] += 1;
        if (done) {
          records.push({
            envSteps: this.steps + numEnvs,
            wallTime: this.wallTime + now() - started,
            episode_return: this.episodeReturns[i],
            episode_length: this.episodeLengths[i],
          });
          this.episodeReturns[i] = 0;
          this.episodeLengths[i] = 0;
          this.agent.resetNoise(i);
        }
      }
      this.lastObs.set(this.env.obs);
      this.normaliser?.update(this.env.obs, numEnvs);
      this.steps += numEnvs;
      if (this.steps >= this.config.learningStarts) {
        this.updateCredit += numEnvs * this.config.updatesPerStep;
        for (; this.updateCredit >= 1; this.updateCredit--) {
          this.buffer.sample(this.rng, this.batch);
          this.normaliseBatch();
          const metrics = this.agent.update(this.batch, this.rng, learned === null);
          learned ??= metrics;
          this.updates++;
        }
      }
    }
    const elapsed = now() - started;
    this.wallTime += elapsed;
    records.push({
      envSteps: this.steps,
      wallTime: this.wallTime,
      ...(learned ?? {}),
      steps_per_s: (this.steps - startSteps) / elapsed,
      updates_per_s: (this.updates - startUpdates) / elapsed,
    });
    return records;
  }

  private normalised(obs: Float32Array, rows: number): Float32Array {
    if (!this.normaliser) return obs;
    return this.normaliser.normalise(obs, rows, this.obsScratch.subarray(0, obs.length));
  }

  /** Batches are stored raw and normalised with the current statistics when sampled (as SB3's VecNormalize). */
  private normaliseBatch(): void {
    if (!this.normaliser) return;
    const { size, obs, nextObs, obsActions } = this.batch;
    const o = this.env.observationSize;
    const a = this.env.actionSize;
    this.normaliser.normalise(obs, size, obs);
    this.normaliser.normalise(nextObs, size, nextObs);
    for (let b = 0; b < size; b++) obsActions.set(obs.subarray(b * o, (b + 1) * o), b * (o + a));
  }

  async evaluate(episodes: number): Promise<EvaluationResult> {
    if (!Number.isInteger(episodes) || episodes < 1) throw new Error(`evaluate: episodes must be a positive integer, got ${episodes}`);
    if (this.evalEnv?.numEnvs !== episodes) {
      await this.evalEnv?.close();
      this.evalEnv = await this.options.makeVecEnv({ robot: this.robot, numEnvs: episodes, workers: 0, seed: this.options.seed + 1_000_003, physics: this.options.physics });
    }
    // The same start states at every evaluation, so successive evaluations compare policies, not luck.
    await this.evalEnv.reset(this.options.seed + 1_000_003);
    const obsScratch = new Float32Array(this.evalEnv.obs.length);
    return evaluateEpisodes(this.evalEnv, (obs, rows, out) => {
      this.agent.act(this.normaliser ? this.normaliser.normalise(obs, rows, obsScratch) : obs, rows, false, this.rng, out);
    });
  }

  async getState(): Promise<TrainerState> {
    const agent = this.agent.getState();
    const buffer = this.buffer.getState();
    const arrays: Record<string, Float32Array | Float64Array | Int32Array | Uint8Array> = {
      lastObs: Float32Array.from(this.lastObs),
      episodeReturns: Float64Array.from(this.episodeReturns),
      episodeLengths: Float64Array.from(this.episodeLengths),
    };
    for (const [name, array] of Object.entries(buffer.arrays)) arrays[`buffer.${name}`] = array;
    for (const [name, array] of Object.entries(agent.arrays)) arrays[`agent.${name}`] = array;
    const normaliser = this.normaliser?.getState();
    if (normaliser) {
      arrays['normaliser.mean'] = normaliser.mean;
      arrays['normaliser.variance'] = normaliser.variance;
    }
    const json: OffPolicyTrainerJson = {
      steps: this.steps,
      updates: this.updates,
      updateCredit: this.updateCredit,
      wallTime: this.wallTime,
      rng: this.rng.getState(),
      buffer: buffer.json,
      agent: agent.json,
      normaliserCount: normaliser?.count ?? 0,
      env: null,
    };
    if (this.env.saveState) {
      const envState = await this.env.saveState();
      json.env = envState.json;
      for (const [name, array] of Object.entries(envState.arrays)) arrays[`env.${name}`] = array;
    }
    return { json, arrays };
  }

  async setState(state: TrainerState): Promise<void> {
    const json = state.json as OffPolicyTrainerJson;
    const arrays = state.arrays;
    const prefixed = (prefix: string) =>
      Object.fromEntries(Object.entries(arrays).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    this.steps = json.steps;
    this.updates = json.updates;
    this.updateCredit = json.updateCredit;
    this.wallTime = json.wallTime;
    this.rng = Rng.fromState(json.rng);
    this.buffer.setState({ json: json.buffer, arrays: prefixed('buffer.') as unknown as ReplayBufferState['arrays'] });
    this.agent.setState({ json: json.agent, arrays: prefixed('agent.') as Record<string, Float32Array | Float64Array> });
    if (this.normaliser) {
      const mean = arrays['normaliser.mean'] as Float64Array;
      this.normaliser.setState({ mean, variance: arrays['normaliser.variance'] as Float64Array, count: json.normaliserCount });
    }
    this.episodeReturns.set(arrays.episodeReturns);
    this.episodeLengths.set(arrays.episodeLengths);
    if (json.env !== null && this.env.loadState) {
      await this.env.loadState({ json: json.env, arrays: prefixed('env.') });
      this.lastObs.set(arrays.lastObs);
    } else {
      // The environments cannot be restored: start fresh episodes, seeded by the step count.
      await this.env.reset(this.options.seed + this.steps);
      this.lastObs.set(this.env.obs);
      this.episodeReturns.fill(0);
      this.episodeLengths.fill(0);
    }
  }

  exportPolicy(): PolicySnapshot {
    return {
      robot: this.robot,
      algorithm: this.algorithm,
      observationSize: this.env.observationSize,
      actionSize: this.env.actionSize,
      obsNormaliser: this.normaliser?.snapshot() ?? null,
      layers: this.agent.actorLayers(),
      outputSquash: 'tanh',
      envSteps: this.steps,
    };
  }

  async dispose(): Promise<void> {
    this.agent.dispose();
    await this.env.close();
    await this.evalEnv?.close();
  }
}

/** The registry's createTrainer for an off-policy algorithm: tfjs started, environments built, agent created. */
export async function createOffPolicyTrainer(
  algorithm: string,
  options: CreateTrainerOptions,
  config: OffPolicyConfig,
  createAgent: OffPolicyTrainerOptions['createAgent'],
): Promise<OffPolicyTrainer> {
  await initTf();
  const makeVecEnv = options.makeVecEnv ?? (await defaultVecEnvFactory());
  return OffPolicyTrainer.create({ robot: options.robot, algorithm, config, seed: options.seed, workers: options.workers ?? 0, physics: options.physics, makeVecEnv, createAgent });
}

/** sim/'s createVecEnv: the robots. Imported on demand so that agents/ loads without the physics engine. */
async function defaultVecEnvFactory(): Promise<VecEnvFactory> {
  const { createVecEnv } = await import('../../sim/vec-env.ts');
  return createVecEnv;
}

interface OffPolicyTrainerJson {
  steps: number;
  updates: number;
  updateCredit: number;
  wallTime: number;
  rng: RngState;
  buffer: ReplayBufferState['json'];
  agent: unknown;
  normaliserCount: number;
  /** The VecEnv's own json when it can save its state, else null. */
  env: unknown;
}
