import { Rng } from '../../sim/rng.ts';
import { ReplayBuffer, allocateBatch, type TransitionBatch } from '../shared/replay-buffer.ts';
import { RunningNormaliser, type NormaliserState } from '../shared/normaliser.ts';
import type { OffPolicyAgent } from './agent.ts';
import type { FromLearner, LearnerSetup, ToLearner } from './learner-protocol.ts';

/** Builds the agent of a setup (agent-makers.ts in a worker; the trainer's own factory in the same thread). */
export type AgentMaker = (setup: LearnerSetup, rng: Rng) => OffPolicyAgent;

/** Seeds the learner's own random stream (minibatches, target noise) apart from the acting thread's. */
export const LEARNER_SEED_OFFSET = 7_919;

/**
 * The learner of an off-policy run, free of any platform: it owns the agent (networks, optimisers, targets),
 * samples minibatches from the shared replay buffer with its own random stream, takes the gradient steps each
 * 'step' message asks for and publishes the online actor's parameters for the acting thread. Messages are
 * handled one at a time and in order, so a run's numbers do not depend on which thread runs this.
 */
export class LearnerCore {
  private readonly makeAgent: AgentMaker;
  private agent: OffPolicyAgent | null = null;
  private buffer: ReplayBuffer | null = null;
  private batch: TransitionBatch | null = null;
  private normaliser: RunningNormaliser | null = null;
  private actorSlots: Float32Array | null = null;
  private rng = new Rng(0);

  constructor(makeAgent: AgentMaker) {
    this.makeAgent = makeAgent;
  }

  handle(message: ToLearner): FromLearner | null {
    switch (message.type) {
      case 'init': {
        const { setup } = message;
        // The agent's initial weights come from the run's seed, as the acting thread's copy of the actor does.
        this.agent = this.makeAgent(setup, new Rng(setup.seed));
        this.rng = new Rng(setup.seed + LEARNER_SEED_OFFSET);
        this.buffer = new ReplayBuffer(setup.config.bufferSize, setup.obsSize, setup.actionSize, setup.memory);
        this.batch = allocateBatch(setup.config.batchSize, setup.obsSize, setup.actionSize);
        this.normaliser = setup.config.normaliseObservations ? new RunningNormaliser(setup.obsSize) : null;
        this.actorSlots = setup.actorSlots;
        return { type: 'ready' };
      }
      case 'step':
        return this.step(message.index, message.transitions, message.updates, message.wantMetrics, message.normaliser);
      case 'getState':
        return { type: 'state', state: { agent: this.ready().agent.getState(), rng: this.rng.getState() } };
      case 'setState':
        this.ready().agent.setState(message.state.agent);
        this.rng = Rng.fromState(message.state.rng);
        return { type: 'stateSet' };
      case 'stop':
        this.agent?.dispose();
        this.agent = null;
        return null;
    }
  }

  private step(index: number, transitions: number, updates: number, wantMetrics: boolean, normaliser: NormaliserState | null): FromLearner {
    const { agent, buffer, batch, actorSlots } = this.ready();
    buffer.markAdded(transitions);
    if (normaliser) this.normaliser?.setState(normaliser);
    let metrics: Record<string, number> | null = null;
    for (let i = 0; i < updates; i++) {
      buffer.sample(this.rng, batch);
      this.normaliseBatch(batch, buffer.obsSize, buffer.actionSize);
      const result = agent.update(batch, this.rng, wantMetrics && i === 0);
      metrics ??= result;
    }
    const params = agent.actorParameters();
    actorSlots.set(params, (index % 2) * params.length);
    return { type: 'done', index, metrics };
  }

  /** Batches are stored raw and normalised with the statistics of their step (as SB3's VecNormalize). */
  private normaliseBatch(batch: TransitionBatch, o: number, a: number): void {
    if (!this.normaliser) return;
    const { size, obs, nextObs, obsActions } = batch;
    this.normaliser.normalise(obs, size, obs);
    this.normaliser.normalise(nextObs, size, nextObs);
    for (let b = 0; b < size; b++) obsActions.set(obs.subarray(b * o, (b + 1) * o), b * (o + a));
  }

  private ready() {
    const { agent, buffer, batch, actorSlots } = this;
    if (!agent || !buffer || !batch || !actorSlots) throw new Error('learner: a message before init');
    return { agent, buffer, batch, actorSlots };
  }
}

/** A learner in this thread: each message is handled at once, its reply delivered on a microtask. */
export function inlineLearner(makeAgent: AgentMaker) {
  const core = new LearnerCore(makeAgent);
  let handler: (message: FromLearner) => void = () => {};
  return {
    post(message: ToLearner): void {
      let reply: FromLearner | null;
      try {
        reply = core.handle(message);
      } catch (error) {
        reply = { type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
      }
      if (reply) {
        const delivered = reply;
        void Promise.resolve().then(() => handler(delivered));
      }
    },
    onMessage(h: (message: FromLearner) => void): void {
      handler = h;
    },
    async terminate(): Promise<void> {
      core.handle({ type: 'stop' });
    },
  };
}
