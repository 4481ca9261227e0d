import type { NormaliserState } from '../shared/normaliser.ts';
import type { FromLearner, LearnerPort, LearnerSetup, LearnerState } from './learner-protocol.ts';

/**
 * The acting thread's side of a learner (learner-core.ts): numbers the 'step' messages, knows which are done,
 * and tells which published actor to act with. Message m's actor goes to slot m % 2; the acting thread acts
 * with message m - 2's while the learner works on m - 1, so both threads work at once and no slot is read while
 * it is written. A learner that reports an error or whose thread ends fails every wait at once, with its reason.
 */
export class LearnerLink {
  private readonly port: LearnerPort;
  private readonly slots: Float32Array;
  private readonly slotSize: number;
  private sentCount = 0;
  private doneCount = 0;
  private failure: Error | null = null;
  private metrics: Record<string, number> | null = null;
  private waiters: { count: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  private replyWaiter: { type: FromLearner['type']; resolve: (message: FromLearner) => void; reject: (error: Error) => void } | null = null;

  private constructor(port: LearnerPort, setup: LearnerSetup) {
    this.port = port;
    this.slots = setup.actorSlots;
    this.slotSize = setup.actorSlots.length / 2;
    port.onMessage((message) => this.receive(message));
  }

  /** Starts the learner on `setup` (its agent built, the buffer attached). */
  static async start(port: LearnerPort, setup: LearnerSetup): Promise<LearnerLink> {
    const link = new LearnerLink(port, setup);
    try {
      await link.request({ type: 'init', setup }, 'ready');
    } catch (error) {
      await port.terminate();
      throw error;
    }
    return link;
  }

  /** Step messages sent so far. */
  get sent(): number {
    return this.sentCount;
  }

  /** Asks for `updates` gradient steps now that the buffer holds `transitions` transitions ever added. */
  step(transitions: number, updates: number, wantMetrics: boolean, normaliser: NormaliserState | null): void {
    if (this.failure) throw this.failure;
    this.port.post({ type: 'step', index: this.sentCount++, transitions, updates, wantMetrics, normaliser });
  }

  /** Resolves once every message sent so far is done: the learner no longer reads the buffer. */
  settled(): Promise<void> {
    return this.doneThrough(this.sentCount);
  }

  /** The first metrics reported since the last call. */
  takeMetrics(): Record<string, number> | null {
    const metrics = this.metrics;
    this.metrics = null;
    return metrics;
  }

  /**
   * The actor to act with now, as [message index, parameters], after waiting for that message: message
   * sent - 2's, or null while fewer than two messages were sent (the actor is still the initial one).
   */
  async actingParameters(): Promise<[number, Float32Array] | null> {
    const index = this.sentCount - 2;
    if (index < 0) return null;
    await this.doneThrough(index + 1);
    return [index, this.slot(index)];
  }

  /** The newest actor (call after settled()), or null before any message. */
  latestParameters(): Float32Array | null {
    return this.sentCount === 0 ? null : this.slot(this.sentCount - 1);
  }

  /** Both slots, for a checkpoint. */
  slotValues(): Float32Array {
    return Float32Array.from(this.slots);
  }

  async getState(): Promise<LearnerState> {
    await this.settled();
    const reply = await this.request({ type: 'getState' }, 'state');
    return (reply as Extract<FromLearner, { type: 'state' }>).state;
  }

  /** Restores the learner, its published slots and the message count of a checkpoint. */
  async setState(state: LearnerState, slots: Float32Array, sent: number): Promise<void> {
    if (slots.length !== this.slots.length) throw new Error(`learner state: ${slots.length} actor slot values, expected ${this.slots.length}`);
    await this.settled();
    await this.request({ type: 'setState', state }, 'stateSet');
    this.slots.set(slots);
    this.sentCount = sent;
    this.doneCount = sent;
  }

  async terminate(): Promise<void> {
    this.fail(new Error('the learner was stopped'));
    await this.port.terminate();
  }

  private slot(index: number): Float32Array {
    const start = (index % 2) * this.slotSize;
    return this.slots.subarray(start, start + this.slotSize);
  }

  private doneThrough(count: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.doneCount >= count) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ count, resolve, reject }));
  }

  private request(message: Parameters<LearnerPort['post']>[0], replyType: FromLearner['type']): Promise<FromLearner> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.replyWaiter = { type: replyType, resolve, reject };
      this.port.post(message);
    });
  }

  private receive(message: FromLearner): void {
    switch (message.type) {
      case 'done': {
        this.doneCount = message.index + 1;
        this.metrics ??= message.metrics;
        const ready = this.waiters.filter((w) => w.count <= this.doneCount);
        this.waiters = this.waiters.filter((w) => w.count > this.doneCount);
        for (const waiter of ready) waiter.resolve();
        return;
      }
      case 'error':
        this.fail(new Error(`the learner failed: ${message.message}`));
        return;
      case 'exit':
        this.fail(new Error(`${message.message}; the run stops (its last checkpoint is kept)`));
        return;
      default:
        if (this.replyWaiter?.type === message.type) {
          const waiter = this.replyWaiter;
          this.replyWaiter = null;
          waiter.resolve(message);
        }
    }
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters = [];
    this.replyWaiter?.reject(error);
    this.replyWaiter = null;
  }
}
