import { Rng } from '../../sim/rng.ts';
import type { PhysicsName } from '../../sim/physics.ts';
import { yieldToEventLoop } from '../shared/event-loop.ts';
import type { VecEnv } from '../../sim/env.ts';
import type { EvaluationResult, MetricsRecord, Trainer, TrainerState, VecEnvFactory } from '../contract.ts';
import type { PolicySnapshot } from '../policy.ts';
import type { OffPolicyAgent, OffPolicyConfig } from './agent.ts';
import { ReplayBuffer } from '../shared/replay-buffer.ts';
import { RunningNormaliser } from '../shared/normaliser.ts';
import { evaluateEpisodes } from '../shared/evaluation.ts';
import { LearnerLink } from './learner-link.ts';
import { inlineLearner } from './learner-core.ts';
import type { LearnerThreadFactory } from './learner-protocol.ts';
import { loadTrainerState, saveTrainerState, type TrainerCounters, type TrainerParts } from './trainer-state.ts';

/**
 * The off-policy training loop (DDPG, TD3, SAC) over a VecEnv: uniform random actions until learningStarts,
 * then the agent's exploratory actions; every transition into the replay buffer (with the true final
 * observation when an episode is truncated); `updatesPerStep` gradient steps per environment step.
 *
 * The gradient steps run in a learner (learner-core.ts), in a second thread when `learnerThread` is given,
 * else in this one; this thread steps the environments and acts with its own copy of the actor. The two work
 * at once: while the learner takes the steps due after one environment step, this thread acts and steps the
 * environments again, with the actor published one message earlier (learner-link.ts). The buffer changes only
 * once the learner has finished, so results are the same in one thread or two, at any machine speed.
 */

export interface OffPolicyTrainerOptions {
  readonly robot: string;
  readonly algorithm: string;
  readonly config: OffPolicyConfig;
  readonly seed: number;
  readonly workers: number;
  /** The robots' physics; default the robot's (sim/physics.ts defaultPhysics). */
  readonly physics?: PhysicsName;
  readonly makeVecEnv: VecEnvFactory;
  readonly createAgent: (obsSize: number, actionSize: number, rng: Rng) => OffPolicyAgent;
  /** Starts the learner's thread; absent: the learner runs in this thread. */
  readonly learnerThread?: LearnerThreadFactory;
}

const now = (): number => Date.now() / 1000;

/** Shared memory when there is a second thread to share it with (and the page is cross-origin isolated). */
function canShareMemory(): boolean {
  return typeof SharedArrayBuffer === 'function' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
}

export class OffPolicyTrainer implements Trainer {
  readonly robot: string;
  readonly algorithm: string;
  private readonly options: OffPolicyTrainerOptions;
  private readonly config: OffPolicyConfig;
  private readonly env: VecEnv;
  /** The acting copy of the agent: acts and keeps the exploration noise; its actor follows the learner's. */
  private readonly agent: OffPolicyAgent;
  private readonly buffer: ReplayBuffer;
  private readonly learner: LearnerLink;
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
  /** The actor both copies start from (the acting copy acts with it until the learner has published twice). */
  private readonly initialActor: Float32Array;
  /** Which message's actor the acting copy holds (-1: the initial one, -2: another, e.g. the newest for an evaluation). */
  private actingIndex = -1;
  private evalEnv: VecEnv | null = null;

  static async create(options: OffPolicyTrainerOptions): Promise<OffPolicyTrainer> {
    const { robot, seed, workers, config, physics, algorithm } = options;
    const env = await options.makeVecEnv({ robot, numEnvs: config.numEnvs, workers, seed, physics });
    try {
      await env.reset(seed);
      const { observationSize: o, actionSize: a } = env;
      // The acting copy and the learner's agent start from the same seed, hence the same initial actor.
      const rng = new Rng(seed);
      const agent = options.createAgent(o, a, rng);
      const threaded = options.learnerThread !== undefined && canShareMemory();
      const memory = ReplayBuffer.allocate(config.bufferSize, o, a, threaded);
      const actorSize = agent.actorParameters().length;
      const actorSlots = new Float32Array(threaded ? new SharedArrayBuffer(2 * actorSize * 4) : new ArrayBuffer(2 * actorSize * 4));
      const port =
        threaded && options.learnerThread
          ? options.learnerThread()
          : inlineLearner((setup, r) => options.createAgent(setup.obsSize, setup.actionSize, r));
      const setup = { algorithm, config, obsSize: o, actionSize: a, seed, memory, actorSlots };
      const learner = await LearnerLink.start(port, setup);
      return new OffPolicyTrainer(options, env, agent, rng, new ReplayBuffer(config.bufferSize, o, a, memory), learner);
    } catch (error) {
      await env.close();
      throw error;
    }
  }

  private constructor(options: OffPolicyTrainerOptions, env: VecEnv, agent: OffPolicyAgent, rng: Rng, buffer: ReplayBuffer, learner: LearnerLink) {
    this.options = options;
    this.robot = options.robot;
    this.algorithm = options.algorithm;
    this.config = options.config;
    this.env = env;
    this.agent = agent;
    this.rng = rng;
    this.buffer = buffer;
    this.learner = learner;
    this.initialActor = Float32Array.from(agent.actorParameters());
    const { observationSize: o, actionSize: a, numEnvs } = env;
    this.normaliser = this.config.normaliseObservations ? new RunningNormaliser(o) : null;
    this.normaliser?.update(env.obs, numEnvs);
    this.lastObs = Float32Array.from(env.obs);
    this.episodeReturns = new Float64Array(numEnvs);
    this.episodeLengths = new Float64Array(numEnvs);
    this.actionScratch = new Float32Array(numEnvs * a);
    this.obsScratch = new Float32Array(numEnvs * o);
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
    const firstMessage = this.learner.sent;
    this.learner.takeMetrics();
    let lastYield = Date.now();
    while (this.steps - startSteps < this.config.stepsPerIteration) {
      if (Date.now() - lastYield > 100) {
        await yieldToEventLoop();
        lastYield = Date.now();
      }
      if (this.steps < this.config.learningStarts) {
        for (let i = 0; i < this.actionScratch.length; i++) this.actionScratch[i] = this.rng.uniformRange(-1, 1);
      } else {
        await this.followLearner();
        this.agent.act(this.normalised(this.lastObs, numEnvs), numEnvs, true, this.rng, this.actionScratch);
      }
      await this.env.step(this.actionScratch);
      // The learner samples the buffer until it is done: it changes only after that.
      await this.learner.settled();
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
        const updates = Math.floor(this.updateCredit);
        this.updateCredit -= updates;
        this.updates += updates;
        this.learner.step(this.steps, updates, this.learner.sent === firstMessage, this.normaliser?.getState() ?? null);
      }
    }
    await this.learner.settled();
    const learned = this.learner.takeMetrics();
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

  /** Gives the acting copy the actor it must act with now (learner-link.ts says which). */
  private async followLearner(): Promise<void> {
    const acting = (await this.learner.actingParameters()) ?? ([-1, this.initialActor] as const);
    if (acting[0] === this.actingIndex) return;
    this.agent.setActorParameters(acting[1]);
    this.actingIndex = acting[0];
  }

  /** Runs f with the newest actor in the acting copy (evaluations and exports show the latest policy). */
  private async withLatestActor<T>(f: () => T | Promise<T>): Promise<T> {
    await this.learner.settled();
    const latest = this.learner.latestParameters();
    if (!latest) return f();
    this.agent.setActorParameters(latest);
    this.actingIndex = -2;
    return f();
  }

  private normalised(obs: Float32Array, rows: number): Float32Array {
    if (!this.normaliser) return obs;
    return this.normaliser.normalise(obs, rows, this.obsScratch.subarray(0, obs.length));
  }

  async evaluate(episodes: number): Promise<EvaluationResult> {
    if (!Number.isInteger(episodes) || episodes < 1) throw new Error(`evaluate: episodes must be a positive integer, got ${episodes}`);
    if (this.evalEnv?.numEnvs !== episodes) {
      await this.evalEnv?.close();
      this.evalEnv = await this.options.makeVecEnv({
        robot: this.robot,
        numEnvs: episodes,
        workers: 0,
        seed: this.options.seed + 1_000_003,
        physics: this.options.physics,
      });
    }
    const evalEnv = this.evalEnv;
    // The same start states at every evaluation, so successive evaluations compare policies, not luck.
    await evalEnv.reset(this.options.seed + 1_000_003);
    const obsScratch = new Float32Array(evalEnv.obs.length);
    return this.withLatestActor(() =>
      evaluateEpisodes(evalEnv, (obs, rows, out) => {
        this.agent.act(this.normaliser ? this.normaliser.normalise(obs, rows, obsScratch) : obs, rows, false, this.rng, out);
      }),
    );
  }

  async getState(): Promise<TrainerState> {
    return saveTrainerState(this.parts(), this.counters());
  }

  async setState(state: TrainerState): Promise<void> {
    const counters = await loadTrainerState(this.parts(), state);
    ({ steps: this.steps, updates: this.updates, updateCredit: this.updateCredit, wallTime: this.wallTime, rng: this.rng } = counters);
    this.actingIndex = -2;
  }

  private parts(): TrainerParts {
    const { env, agent, learner, buffer, normaliser, lastObs, episodeReturns, episodeLengths } = this;
    return { seed: this.options.seed, env, agent, learner, buffer, normaliser, lastObs, episodeReturns, episodeLengths };
  }

  private counters(): TrainerCounters {
    return { steps: this.steps, updates: this.updates, updateCredit: this.updateCredit, wallTime: this.wallTime, rng: this.rng };
  }

  exportPolicy(): PolicySnapshot {
    // Iterations end with the learner settled: the newest actor is published.
    const latest = this.learner.latestParameters();
    if (latest) {
      this.agent.setActorParameters(latest);
      this.actingIndex = -2;
    }
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
    await this.learner.terminate();
    this.agent.dispose();
    await this.env.close();
    await this.evalEnv?.close();
  }
}
