import { OnPolicyTrainer, type OnPolicyAlgorithm } from './trainer.ts';
import { actorCriticGradient } from './actor-critic-loss.ts';
import type { A3cConfig } from './a3c-config.ts';
import type { A3cWorkerFactory, EpisodeSummary, FromWorker, ToWorker } from './a3c-protocol.ts';
import type { GaussianActorCritic } from '../shared/gaussian-actor-critic.ts';
import type { VecEnvFactory } from '../contract.ts';
import type { RolloutBuffer } from '../shared/rollout-buffer.ts';

/**
 * One A3C actor-learner (the seed's pseudo-code, thread side), platform-free: it owns a copy of the
 * parameters theta' and its own environments. On each 'parameters' message it synchronises theta' = theta,
 * acts for t_max steps, accumulates d theta over them from the n-step returns (bootstrapped from V at the
 * cut, 0 at a terminal) and answers with that gradient. The global side (a3c.ts) applies it as it arrives.
 * The same core runs in a Node worker thread (a3c-worker.node.ts) or in this thread (inThreadWorkers).
 */

/** The thread-specific learner: computes d theta (no optimiser step) into `gradient`. */
class GradientOnly implements OnPolicyAlgorithm {
  readonly gradient: Float32Array;
  constructor(
    private readonly model: GaussianActorCritic,
    private readonly config: A3cConfig,
  ) {
    this.gradient = new Float32Array(model.parameterCount);
  }
  update(buffer: RolloutBuffer, lastValues: Float32Array): Record<string, number> {
    if (this.config.gaeLambda === 1) buffer.computeNStep(lastValues, this.config.gamma);
    else buffer.computeGae(lastValues, this.config.gamma, this.config.gaeLambda);
    if (this.config.normaliseAdvantages) buffer.normaliseAdvantages();
    const result = actorCriticGradient(this.model, buffer.all(), this.config, this.gradient);
    return { actor_loss: result.policyLoss, critic_loss: result.valueLoss, entropy: result.entropy };
  }
  getState(): { json: Record<string, number>; arrays: Record<string, Float32Array> } {
    return { json: {}, arrays: {} };
  }
  setState(): void {}
}

export class A3cWorkerCore {
  private trainer: OnPolicyTrainer | null = null;
  private learner: GradientOnly | null = null;
  private index = -1;

  constructor(private readonly makeVecEnv: VecEnvFactory) {}

  /** Handles one message; resolves to the reply (none for 'stop'). */
  async handle(message: ToWorker): Promise<FromWorker | null> {
    try {
      if (message.type === 'init') return await this.init(message);
      if (message.type === 'parameters') return await this.segment(message);
      await this.trainer?.dispose();
      this.trainer = null;
      return null;
    } catch (error) {
      return { type: 'error', index: this.index, message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
  }

  private async init(message: Extract<ToWorker, { type: 'init' }>): Promise<FromWorker> {
    this.index = message.index;
    const { config, seed, robot, physics } = message;
    const vecEnv = await this.makeVecEnv({ robot, numEnvs: config.numEnvs, workers: 0, seed, physics });
    const trainer = new OnPolicyTrainer({
      algorithm: 'a3c',
      config,
      seed,
      vecEnv,
      makeEvalEnv: () => Promise.reject(new Error('A3C workers do not evaluate; the global trainer does')),
      createAlgorithm: (model) => (this.learner = new GradientOnly(model, config)),
    });
    trainer.takeNewStatistics(); // start collecting the statistics this worker will report
    this.trainer = trainer;
    return { type: 'ready', index: this.index, observationSize: vecEnv.observationSize, actionSize: vecEnv.actionSize };
  }

  private async segment(message: Extract<ToWorker, { type: 'parameters' }>): Promise<FromWorker> {
    const trainer = this.trainer;
    const learner = this.learner;
    if (!trainer || !learner) throw new Error('A3C worker: parameters before init');
    trainer.model.writeParameters(message.parameters);
    trainer.loadStatistics(message.obsStatistics, message.returnStatistics);
    const before = trainer.envSteps;
    const [record] = await trainer.iterate();
    const statistics = trainer.takeNewStatistics();
    const episodes: EpisodeSummary[] = [...trainer.lastEpisodes];
    return {
      type: 'gradient',
      index: this.index,
      version: message.version,
      gradient: Float32Array.from(learner.gradient),
      steps: trainer.envSteps - before,
      episodes,
      obsStatistics: statistics.obs,
      returnStatistics: statistics.returns,
      metrics: { actor_loss: record.actor_loss, critic_loss: record.critic_loss, entropy: record.entropy },
    };
  }
}

/**
 * Workers in this thread (tests, or where threads are unavailable): still asynchronous, interleaved at
 * every await of the environment, but not parallel.
 */
export function inThreadWorkers(makeVecEnv: VecEnvFactory): A3cWorkerFactory {
  return () => {
    const core = new A3cWorkerCore(makeVecEnv);
    let handler: (message: FromWorker) => void = () => {};
    let queue = Promise.resolve();
    return {
      post(message) {
        queue = queue.then(async () => {
          const reply = await core.handle(message);
          if (reply) handler(reply);
        });
      },
      onMessage(h) {
        handler = h;
      },
      async terminate() {
        await queue;
        await core.handle({ type: 'stop' });
      },
    };
  };
}
