import { generalisedAdvantages, nStepReturns, normaliseAdvantages, type RolloutSignals } from './advantage.ts';

/** Sizes of a rollout: numSteps steps of numEnvs environments in parallel. */
export interface RolloutShape {
  readonly numSteps: number;
  readonly numEnvs: number;
  readonly observationSize: number;
  readonly actionSize: number;
}

/** What the policy produced for one step of every environment (flat, env-major rows). */
export interface PolicyStep {
  /** The sampled (unclipped) Gaussian actions, [numEnvs * actionSize]. */
  readonly actions: ArrayLike<number>;
  readonly logProbs: ArrayLike<number>;
  readonly values: ArrayLike<number>;
  /** Gaussian means and log standard deviations, kept for the KL to the collecting policy. */
  readonly means: ArrayLike<number>;
  readonly logStds: ArrayLike<number>;
}

/** What the environments answered for that step. */
export interface EnvStep {
  readonly rewards: ArrayLike<number>;
  readonly terminated: ArrayLike<number>;
  readonly truncated: ArrayLike<number>;
}

/** Rows of a rollout gathered for one (mini)batch. */
export interface Minibatch {
  readonly size: number;
  readonly observations: Float32Array;
  readonly actions: Float32Array;
  readonly logProbs: Float32Array;
  readonly values: Float32Array;
  readonly means: Float32Array;
  readonly logStds: Float32Array;
  readonly advantages: Float32Array;
  readonly returns: Float32Array;
}

/**
 * A preallocated on-policy rollout (SB3's RolloutBuffer, without the replay parts). Arrays are time-major:
 * row t * numEnvs + e is step t of environment e, so one step of all environments is one contiguous block.
 */
export class RolloutBuffer implements RolloutSignals {
  readonly numSteps: number;
  readonly numEnvs: number;
  readonly observationSize: number;
  readonly actionSize: number;
  readonly size: number;
  readonly observations: Float32Array;
  readonly actions: Float32Array;
  readonly logProbs: Float32Array;
  readonly values: Float32Array;
  readonly means: Float32Array;
  readonly logStds: Float32Array;
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly truncationValues: Float32Array;
  readonly lastValues: Float32Array;
  readonly advantages: Float32Array;
  readonly returns: Float32Array;
  /** Steps written so far (0 .. numSteps). */
  stepsFilled = 0;

  constructor(shape: RolloutShape) {
    for (const key of ['numSteps', 'numEnvs', 'observationSize', 'actionSize'] as const) {
      const value = shape[key];
      if (!Number.isInteger(value) || value < 1) throw new Error(`RolloutBuffer: ${key} must be a positive integer, got ${value}`);
    }
    this.numSteps = shape.numSteps;
    this.numEnvs = shape.numEnvs;
    this.observationSize = shape.observationSize;
    this.actionSize = shape.actionSize;
    this.size = shape.numSteps * shape.numEnvs;
    this.observations = new Float32Array(this.size * shape.observationSize);
    this.actions = new Float32Array(this.size * shape.actionSize);
    this.means = new Float32Array(this.size * shape.actionSize);
    this.logStds = new Float32Array(this.size * shape.actionSize);
    this.logProbs = new Float32Array(this.size);
    this.values = new Float32Array(this.size);
    this.rewards = new Float32Array(this.size);
    this.terminated = new Uint8Array(this.size);
    this.truncated = new Uint8Array(this.size);
    this.truncationValues = new Float32Array(this.size);
    this.lastValues = new Float32Array(this.numEnvs);
    this.advantages = new Float32Array(this.size);
    this.returns = new Float32Array(this.size);
  }

  get full(): boolean {
    return this.stepsFilled === this.numSteps;
  }

  /** Starts a new rollout (the arrays are overwritten, not cleared). */
  clear(): void {
    this.stepsFilled = 0;
    this.truncationValues.fill(0);
  }

  /** Appends one step of every environment: the observations acted on, the policy's output, the outcome. */
  add(observations: ArrayLike<number>, policy: PolicyStep, env: EnvStep): void {
    if (this.full) throw new Error(`RolloutBuffer is full (${this.numSteps} steps); call clear() first`);
    const n = this.numEnvs;
    const row = this.stepsFilled * n;
    copyRow(this.observations, row * this.observationSize, observations, n * this.observationSize, 'observations');
    copyRow(this.actions, row * this.actionSize, policy.actions, n * this.actionSize, 'actions');
    copyRow(this.means, row * this.actionSize, policy.means, n * this.actionSize, 'means');
    copyRow(this.logStds, row * this.actionSize, policy.logStds, n * this.actionSize, 'logStds');
    copyRow(this.logProbs, row, policy.logProbs, n, 'logProbs');
    copyRow(this.values, row, policy.values, n, 'values');
    copyRow(this.rewards, row, env.rewards, n, 'rewards');
    copyRow(this.terminated, row, env.terminated, n, 'terminated');
    copyRow(this.truncated, row, env.truncated, n, 'truncated');
    this.stepsFilled++;
  }

  /** V(final observation) of environment `env` truncated on the step just added. */
  setTruncationValue(env: number, value: number): void {
    if (this.stepsFilled === 0) throw new Error('setTruncationValue before any step was added');
    const i = (this.stepsFilled - 1) * this.numEnvs + env;
    if (!this.truncated[i]) throw new Error(`environment ${env} was not truncated on step ${this.stepsFilled - 1}`);
    this.truncationValues[i] = value;
  }

  /** GAE(lambda) advantages and their returns, bootstrapped from V(s_T) = lastValues. */
  computeGae(lastValues: ArrayLike<number>, gamma: number, lambda: number): void {
    this.setLastValues(lastValues);
    generalisedAdvantages(this, gamma, lambda, this.advantages, this.returns);
  }

  /** The seed's n-step returns and advantages G - V (A2C / A3C). */
  computeNStep(lastValues: ArrayLike<number>, gamma: number): void {
    this.setLastValues(lastValues);
    nStepReturns(this, gamma, this.returns);
    for (let i = 0; i < this.size; i++) this.advantages[i] = this.returns[i] - this.values[i];
  }

  /** Copies the rows `indices[start .. start + count)` into a minibatch (reusing `out` when given). */
  gather(indices: Int32Array, start = 0, count = indices.length - start, out?: Minibatch): Minibatch {
    if (start < 0 || count < 1 || start + count > indices.length) throw new Error(`gather: bad range [${start}, ${start + count})`);
    const o = this.observationSize;
    const a = this.actionSize;
    const batch = out ?? {
      size: count,
      observations: new Float32Array(count * o),
      actions: new Float32Array(count * a),
      logProbs: new Float32Array(count),
      values: new Float32Array(count),
      means: new Float32Array(count * a),
      logStds: new Float32Array(count * a),
      advantages: new Float32Array(count),
      returns: new Float32Array(count),
    };
    if (batch.size !== count) throw new Error(`gather: the minibatch holds ${batch.size} rows, asked for ${count}`);
    for (let k = 0; k < count; k++) {
      const row = indices[start + k];
      if (!(row >= 0 && row < this.size)) throw new Error(`gather: row ${row} outside the rollout of ${this.size}`);
      batch.observations.set(this.observations.subarray(row * o, (row + 1) * o), k * o);
      batch.actions.set(this.actions.subarray(row * a, (row + 1) * a), k * a);
      batch.means.set(this.means.subarray(row * a, (row + 1) * a), k * a);
      batch.logStds.set(this.logStds.subarray(row * a, (row + 1) * a), k * a);
      batch.logProbs[k] = this.logProbs[row];
      batch.values[k] = this.values[row];
      batch.advantages[k] = this.advantages[row];
      batch.returns[k] = this.returns[row];
    }
    return batch;
  }

  /** Every row in order, as one batch. */
  all(): Minibatch {
    return this.gather(Int32Array.from({ length: this.size }, (_, i) => i));
  }

  normaliseAdvantages(): void {
    normaliseAdvantages(this.advantages);
  }

  private setLastValues(lastValues: ArrayLike<number>): void {
    if (!this.full) throw new Error(`RolloutBuffer holds ${this.stepsFilled} of ${this.numSteps} steps; fill it before computing returns`);
    copyRow(this.lastValues, 0, lastValues, this.numEnvs, 'lastValues');
  }
}

function copyRow(target: Float32Array | Uint8Array, offset: number, source: ArrayLike<number>, length: number, name: string): void {
  if (source.length !== length) throw new Error(`RolloutBuffer: ${name} holds ${source.length} entries, expected ${length}`);
  for (let i = 0; i < length; i++) target[offset + i] = source[i];
}
