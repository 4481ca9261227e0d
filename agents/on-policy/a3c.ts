import type { PhysicsName } from '../../sim/physics.ts';
import { GaussianActorCritic } from '../shared/gaussian-actor-critic.ts';
import { clipGradientNorm, FlatAdam } from '../shared/flat-adam.ts';
import { RunningNormaliser } from '../shared/normaliser.ts';
import { evaluateGaussianPolicy } from './evaluate.ts';
import { loadNormalisers, saveNormalisers, type NamedNormalisers } from './state.ts';
import { scheduledLearningRate } from './config.ts';
import { a3cDefaults, a3cDocs, validateA3cConfig, type A3cConfig } from './a3c-config.ts';
import { simVecEnv } from '../shared/sim-vec-env.ts';
import { initTf } from '../shared/tf.ts';
import { inThreadWorkers } from './a3c-worker.ts';
import type { A3cWorkerFactory, A3cWorkerPort, FromWorker } from './a3c-protocol.ts';
import { Rng } from '../../sim/rng.ts';
import type { Activation, PolicySnapshot } from '../policy.ts';
import type { AlgorithmEntry, CreateTrainerOptions, EvaluationResult, MetricsRecord, Trainer, TrainerState } from '../contract.ts';
import type { VecEnv } from '../../sim/env.ts';
import a3cPresets from '../../assets/presets/a3c.json' with { type: 'json' };

/**
 * A3C, the seed's global side: a global network theta, numWorkers actor-learners (a3c-worker.ts) each with
 * its own theta' and environments. A worker pulls theta, computes d theta over t_max steps and pushes it;
 * the global network applies every gradient as it arrives (Hogwild-style: no waiting for the others, so a
 * gradient may have been computed at parameters that are already `staleness` updates old) and sends the
 * worker the current theta. Observation and return statistics travel the same way and are merged globally.
 */

export interface A3cTrainerOptions {
  readonly robot: string;
  readonly config: A3cConfig;
  readonly seed: number;
  /** The robots' physics, for the workers' environments. */
  readonly physics?: PhysicsName;
  readonly workers: A3cWorkerFactory;
  readonly makeEvalEnv: (seed: number) => Promise<VecEnv>;
}

export class A3cTrainer implements Trainer {
  readonly algorithm = 'a3c';
  private readonly model: GaussianActorCritic;
  private readonly parameters: Float32Array;
  private readonly adam: FlatAdam;
  private readonly obsNormaliser: RunningNormaliser | null;
  private readonly returnNormaliser: RunningNormaliser | null;
  private version = 0;
  private steps = 0;
  private wallTime = 0;
  private iterations = 0;
  private parked: number[] = [];
  private inFlight = 0;
  private dispatched = 0;
  private target = 0;
  private finish: ((error?: Error) => void) | null = null;
  private sums = new Map<string, number>();
  private episodes: { ret: number; len: number }[] = [];
  private maxStaleness = 0;

  private constructor(
    private readonly options: A3cTrainerOptions,
    private readonly ports: A3cWorkerPort[],
    observationSize: number,
    actionSize: number,
  ) {
    const { config } = options;
    const spec = {
      observationSize,
      actionSize,
      hiddenSizes: config.hiddenSizes,
      activation: config.activation as Activation,
      initialLogStd: config.initialLogStd,
    };
    this.model = new GaussianActorCritic(spec, new Rng(options.seed));
    this.parameters = this.model.readParameters();
    this.adam = new FlatAdam(this.model.parameterCount, { learningRate: config.learningRate, epsilon: config.adamEpsilon });
    this.obsNormaliser = config.normaliseObservations ? new RunningNormaliser(observationSize, { clip: config.clipObservations }) : null;
    this.returnNormaliser = config.normaliseRewards ? new RunningNormaliser(1) : null;
    this.parked = ports.map((_, i) => i);
    ports.forEach((port) => port.onMessage((message) => this.receive(message)));
  }

  /** Starts the workers and waits until each has built its environments. */
  static async create(options: A3cTrainerOptions): Promise<A3cTrainer> {
    const seeds = new Rng(options.seed ^ 0x5a3c);
    const ports = Array.from({ length: options.config.numWorkers }, (_, i) => options.workers(i));
    const ready = await Promise.all(
      ports.map(
        (port, index) =>
          new Promise<Extract<FromWorker, { type: 'ready' }>>((resolve, reject) => {
            port.onMessage((m) => (m.type === 'ready' ? resolve(m) : reject(new Error(m.type === 'error' ? m.message : `unexpected ${m.type}`))));
            port.post({ type: 'init', index, robot: options.robot, config: options.config, seed: seeds.int(2 ** 31), physics: options.physics });
          }),
      ),
    );
    return new A3cTrainer(options, ports, ready[0].observationSize, ready[0].actionSize);
  }

  get robot(): string {
    return this.options.robot;
  }

  get envSteps(): number {
    return this.steps;
  }

  private dispatch(index: number): void {
    this.inFlight++;
    this.dispatched++;
    this.ports[index].post({
      type: 'parameters',
      version: this.version,
      parameters: Float32Array.from(this.parameters),
      obsStatistics: this.obsNormaliser?.getState() ?? null,
      returnStatistics: this.returnNormaliser?.getState() ?? null,
    });
  }

  private receive(message: FromWorker): void {
    if (message.type === 'error') {
      this.finish?.(new Error(`A3C worker ${message.index}: ${message.message}`));
      return;
    }
    if (message.type !== 'gradient') return;
    this.inFlight--;
    const staleness = this.version - message.version;
    this.maxStaleness = Math.max(this.maxStaleness, staleness);
    const gradient = message.gradient;
    if (this.options.config.maxGradNorm > 0) clipGradientNorm(gradient, this.options.config.maxGradNorm);
    this.adam.learningRate = scheduledLearningRate(this.options.config, this.steps);
    this.adam.step(this.parameters, gradient);
    this.version++;
    this.steps += message.steps;
    if (message.obsStatistics) this.obsNormaliser?.merge(message.obsStatistics);
    if (message.returnStatistics) this.returnNormaliser?.merge(message.returnStatistics);
    this.episodes.push(...message.episodes);
    const add = (key: string, value: number) => this.sums.set(key, (this.sums.get(key) ?? 0) + value);
    add('staleness', staleness);
    for (const [key, value] of Object.entries(message.metrics)) add(key, value);
    if (this.dispatched < this.target) this.dispatch(message.index);
    else this.parked.push(message.index);
    if (this.inFlight === 0) this.finish?.();
  }

  /** Applies updatesPerIteration gradients from the workers as they arrive, then lets them rest. */
  async iterate(): Promise<MetricsRecord[]> {
    const started = Date.now();
    const stepsBefore = this.steps;
    this.target = this.options.config.updatesPerIteration;
    this.dispatched = 0;
    this.sums.clear();
    this.episodes = [];
    this.maxStaleness = 0;
    const done = new Promise<void>((resolve, reject) => (this.finish = (error) => (error ? reject(error) : resolve())));
    const parked = this.parked;
    this.parked = [];
    for (const index of parked) {
      if (this.dispatched < this.target) this.dispatch(index);
      else this.parked.push(index);
    }
    try {
      await done;
    } finally {
      this.finish = null;
    }
    this.iterations++;
    const seconds = (Date.now() - started) / 1000;
    this.wallTime += seconds;
    const updates = this.dispatched;
    const record: Record<string, number> = {
      envSteps: this.steps,
      wallTime: this.wallTime,
      iteration: this.iterations,
      updates,
      learning_rate: this.adam.learningRate,
      steps_per_s: (this.steps - stepsBefore) / seconds,
      staleness_mean: (this.sums.get('staleness') ?? 0) / updates,
      staleness_max: this.maxStaleness,
    };
    for (const key of ['actor_loss', 'critic_loss', 'entropy']) record[key] = (this.sums.get(key) ?? 0) / updates;
    if (this.episodes.length > 0) {
      record.episode_return = this.episodes.reduce((s, e) => s + e.ret, 0) / this.episodes.length;
      record.episode_length = this.episodes.reduce((s, e) => s + e.len, 0) / this.episodes.length;
      record.episodes = this.episodes.length;
    }
    return [record as MetricsRecord];
  }

  async evaluate(episodes: number): Promise<EvaluationResult> {
    this.model.writeParameters(this.parameters);
    const seed = this.options.seed + 1_000_003;
    return evaluateGaussianPolicy(this.model, this.obsNormaliser, await this.options.makeEvalEnv(seed), seed + this.iterations, episodes);
  }

  private normalisers(): NamedNormalisers {
    return [
      ['obsNormaliser', this.obsNormaliser],
      ['returnNormaliser', this.returnNormaliser],
    ];
  }

  async getState(): Promise<TrainerState> {
    const adam = this.adam.getState();
    const arrays: Record<string, Float32Array | Float64Array> = {
      parameters: Float32Array.from(this.parameters),
      adamM: adam.firstMoment,
      adamV: adam.secondMoment,
    };
    saveNormalisers(this.normalisers(), arrays);
    return {
      json: { envSteps: this.steps, version: this.version, wallTime: this.wallTime, iterations: this.iterations, adamSteps: adam.steps },
      arrays,
    };
  }

  /** Restores the global network, optimiser, normalisers and counters; workers pull them on their next segment. */
  async setState(state: TrainerState): Promise<void> {
    const json = state.json as { envSteps: number; version: number; wallTime: number; iterations: number; adamSteps: number };
    const { parameters, adamM, adamV } = state.arrays;
    if (
      !(parameters instanceof Float32Array) ||
      !(adamM instanceof Float32Array) ||
      !(adamV instanceof Float32Array) ||
      typeof json?.version !== 'number'
    ) {
      throw new Error('A3cTrainer.setState: not an A3C trainer state');
    }
    if (parameters.length !== this.parameters.length)
      throw new Error(`A3cTrainer.setState: ${parameters.length} parameters, expected ${this.parameters.length}`);
    this.parameters.set(parameters);
    this.adam.setState({ firstMoment: adamM, secondMoment: adamV, steps: json.adamSteps });
    loadNormalisers(this.normalisers(), state.arrays);
    this.steps = json.envSteps;
    this.version = json.version;
    this.wallTime = json.wallTime;
    this.iterations = json.iterations;
  }

  exportPolicy(): PolicySnapshot {
    this.model.writeParameters(this.parameters);
    return {
      robot: this.robot,
      algorithm: this.algorithm,
      observationSize: this.model.spec.observationSize,
      actionSize: this.model.spec.actionSize,
      obsNormaliser: this.obsNormaliser ? this.obsNormaliser.snapshot() : null,
      layers: this.model.actorLayers(),
      outputSquash: 'clip',
      envSteps: this.steps,
    };
  }

  async dispose(): Promise<void> {
    await Promise.all(this.ports.map((port) => port.terminate()));
    this.model.dispose();
  }
}

/** The given workers; else Node worker threads under Node without an injected env factory; else in-thread workers. */
async function defaultWorkers(options: CreateTrainerOptions): Promise<A3cWorkerFactory> {
  if (options.a3cWorkers) return options.a3cWorkers;
  if (options.makeVecEnv) return inThreadWorkers(options.makeVecEnv);
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (typeof process?.versions?.node !== 'string') return inThreadWorkers(simVecEnv);
  const adapterPath = './a3c.node.ts'; // a variable specifier keeps Node types out of the platform-free build
  const adapter = (await import(/* @vite-ignore */ adapterPath)) as { nodeWorkers: () => A3cWorkerFactory };
  return adapter.nodeWorkers();
}

export const a3cEntry: AlgorithmEntry = {
  kind: 'on-policy',
  summary: 'A3C: asynchronous actor-learner threads pushing gradients to a global network (Hogwild-style)',
  defaultConfig: a3cDefaults,
  presets: a3cPresets,
  fieldDocs: a3cDocs,
  validate: (config) => validateA3cConfig(config),
  async createTrainer(options) {
    const config = validateA3cConfig(options.config);
    await initTf();
    const makeVecEnv = options.makeVecEnv ?? simVecEnv;
    const workers = await defaultWorkers(options);
    const { robot, physics } = options;
    return A3cTrainer.create({
      robot,
      config,
      seed: options.seed,
      physics,
      workers,
      makeEvalEnv: (seed) => makeVecEnv({ robot, numEnvs: 1, workers: 0, seed, physics }),
    });
  },
};
