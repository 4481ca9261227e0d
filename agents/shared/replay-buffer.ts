import type { Rng } from '../../sim/rng.ts';

/**
 * Experience replay on preallocated ring buffers (SB3's ReplayBuffer without its 954 lines). Each transition
 * keeps its own next observation, so the final observation of a truncated episode is kept and bootstrapped
 * from, while `terminated` (a true end, no bootstrap) is stored apart from truncation.
 */

/** A sampled minibatch, row-major. obsActions holds [obs | action] per row: the critics' input as is. */
export interface TransitionBatch {
  readonly size: number;
  readonly obs: Float32Array; // [size * obsSize]
  readonly actions: Float32Array; // [size * actionSize]
  readonly obsActions: Float32Array; // [size * (obsSize + actionSize)]
  readonly rewards: Float32Array; // [size]
  readonly nextObs: Float32Array; // [size * obsSize]
  readonly terminated: Float32Array; // [size], 1 for a true terminal state
}

/** The buffer's arrays: in SharedArrayBuffers when an acting thread writes and a learner thread samples them. */
export interface ReplayMemory {
  readonly obs: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly nextObs: Float32Array;
  readonly terminated: Uint8Array;
}

export interface ReplayBufferState {
  readonly json: { readonly capacity: number; readonly position: number; readonly size: number };
  readonly arrays: { obs: Float32Array; actions: Float32Array; rewards: Float32Array; nextObs: Float32Array; terminated: Uint8Array };
}

export function allocateBatch(size: number, obsSize: number, actionSize: number): TransitionBatch {
  return {
    size,
    obs: new Float32Array(size * obsSize),
    actions: new Float32Array(size * actionSize),
    obsActions: new Float32Array(size * (obsSize + actionSize)),
    rewards: new Float32Array(size),
    nextObs: new Float32Array(size * obsSize),
    terminated: new Float32Array(size),
  };
}

export class ReplayBuffer {
  readonly capacity: number;
  readonly obsSize: number;
  readonly actionSize: number;
  private readonly obs: Float32Array;
  private readonly actions: Float32Array;
  private readonly rewards: Float32Array;
  private readonly nextObs: Float32Array;
  private readonly terminated: Uint8Array;
  /** Where the next transition goes. */
  private position = 0;
  private count = 0;

  /** Arrays for `capacity` transitions, in shared memory when `shared`. */
  static allocate(capacity: number, obsSize: number, actionSize: number, shared: boolean): ReplayMemory {
    const floats = (n: number) => new Float32Array(shared ? new SharedArrayBuffer(n * 4) : new ArrayBuffer(n * 4));
    return {
      obs: floats(capacity * obsSize),
      actions: floats(capacity * actionSize),
      rewards: floats(capacity),
      nextObs: floats(capacity * obsSize),
      terminated: new Uint8Array(shared ? new SharedArrayBuffer(capacity) : new ArrayBuffer(capacity)),
    };
  }

  /** A buffer on `memory` (ReplayBuffer.allocate's) when given, else on arrays of its own. */
  constructor(capacity: number, obsSize: number, actionSize: number, memory?: ReplayMemory) {
    for (const [name, value] of [
      ['capacity', capacity],
      ['obsSize', obsSize],
      ['actionSize', actionSize],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`ReplayBuffer: ${name} must be a positive integer, got ${value}`);
    }
    this.capacity = capacity;
    this.obsSize = obsSize;
    this.actionSize = actionSize;
    const arrays = memory ?? ReplayBuffer.allocate(capacity, obsSize, actionSize, false);
    if (arrays.obs.length !== capacity * obsSize || arrays.actions.length !== capacity * actionSize || arrays.terminated.length !== capacity) {
      throw new Error(`ReplayBuffer: the given memory does not hold ${capacity} transitions of obs ${obsSize}, action ${actionSize}`);
    }
    this.obs = arrays.obs;
    this.actions = arrays.actions;
    this.rewards = arrays.rewards;
    this.nextObs = arrays.nextObs;
    this.terminated = arrays.terminated;
  }

  /** A reader of memory another buffer writes: it now holds the first `total` transitions ever added. */
  markAdded(total: number): void {
    if (!Number.isInteger(total) || total < 0) throw new Error(`ReplayBuffer.markAdded: total must be a non-negative integer, got ${total}`);
    this.position = total % this.capacity;
    this.count = Math.min(total, this.capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Stores one transition; the oldest is overwritten once the buffer is full. */
  add(obs: ArrayLike<number>, action: ArrayLike<number>, reward: number, nextObs: ArrayLike<number>, terminated: boolean): void {
    const i = this.position;
    for (let j = 0; j < this.obsSize; j++) {
      this.obs[i * this.obsSize + j] = obs[j];
      this.nextObs[i * this.obsSize + j] = nextObs[j];
    }
    for (let j = 0; j < this.actionSize; j++) this.actions[i * this.actionSize + j] = action[j];
    this.rewards[i] = reward;
    this.terminated[i] = terminated ? 1 : 0;
    this.position = (i + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** Fills `batch` with batch.size transitions drawn uniformly with replacement. */
  sample(rng: Rng, batch: TransitionBatch): void {
    if (this.count === 0) throw new Error('ReplayBuffer.sample: the buffer is empty');
    const { obsSize: o, actionSize: a } = this;
    for (let b = 0; b < batch.size; b++) {
      const i = rng.int(this.count);
      batch.obs.set(this.obs.subarray(i * o, (i + 1) * o), b * o);
      batch.nextObs.set(this.nextObs.subarray(i * o, (i + 1) * o), b * o);
      batch.actions.set(this.actions.subarray(i * a, (i + 1) * a), b * a);
      batch.obsActions.set(this.obs.subarray(i * o, (i + 1) * o), b * (o + a));
      batch.obsActions.set(this.actions.subarray(i * a, (i + 1) * a), b * (o + a) + o);
      batch.rewards[b] = this.rewards[i];
      batch.terminated[b] = this.terminated[i];
    }
  }

  getState(): ReplayBufferState {
    const n = this.count;
    return {
      json: { capacity: this.capacity, position: this.position, size: n },
      arrays: {
        obs: this.obs.slice(0, n * this.obsSize),
        actions: this.actions.slice(0, n * this.actionSize),
        rewards: this.rewards.slice(0, n),
        nextObs: this.nextObs.slice(0, n * this.obsSize),
        terminated: this.terminated.slice(0, n),
      },
    };
  }

  setState(state: ReplayBufferState): void {
    const { capacity, position, size } = state.json;
    if (capacity !== this.capacity) throw new Error(`ReplayBuffer.setState: capacity ${capacity} != ${this.capacity}`);
    if (state.arrays.obs.length !== size * this.obsSize || state.arrays.actions.length !== size * this.actionSize) {
      throw new Error(`ReplayBuffer.setState: arrays do not hold ${size} transitions of obs ${this.obsSize}, action ${this.actionSize}`);
    }
    this.obs.set(state.arrays.obs);
    this.actions.set(state.arrays.actions);
    this.rewards.set(state.arrays.rewards);
    this.nextObs.set(state.arrays.nextObs);
    this.terminated.set(state.arrays.terminated);
    this.position = position;
    this.count = size;
  }
}
