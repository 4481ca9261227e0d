import type { ObservationNormaliserSnapshot } from '../policy.ts';

/** Running statistics of a normaliser: plain numbers, saved with the model and in checkpoints. */
export interface NormaliserState {
  readonly mean: Float64Array;
  readonly variance: Float64Array;
  readonly count: number;
}

export interface NormaliserOptions {
  /** Added to the variance before the square root (SB3's VecNormalize: 1e-8). */
  readonly epsilon?: number;
  /** Normalised values are clipped to [-clip, clip] (SB3: 10). */
  readonly clip?: number;
}

/**
 * Running mean and (population) variance of vectors, as in SB3's RunningMeanStd: batches are folded in with
 * the parallel formula of Chan et al., so merging two normalisers (e.g. from two workers) equals having seen
 * all their data in one. Statistics are in float64; normalised outputs in float32.
 */
export class RunningNormaliser {
  readonly size: number;
  readonly epsilon: number;
  readonly clip: number;
  private mean: Float64Array;
  private variance: Float64Array;
  private count = 0;

  constructor(size: number, options: NormaliserOptions = {}) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`RunningNormaliser: size must be a positive integer, got ${size}`);
    this.size = size;
    this.epsilon = options.epsilon ?? 1e-8;
    this.clip = options.clip ?? 10;
    if (!(this.epsilon >= 0)) throw new Error(`RunningNormaliser: epsilon must be >= 0, got ${this.epsilon}`);
    if (!(this.clip > 0)) throw new Error(`RunningNormaliser: clip must be > 0, got ${this.clip}`);
    this.mean = new Float64Array(size);
    this.variance = new Float64Array(size).fill(1);
  }

  get samples(): number {
    return this.count;
  }

  /** Folds in `rows` vectors stored row-major in `data` (rows * size values). */
  update(data: ArrayLike<number>, rows: number): void {
    if (data.length < rows * this.size) {
      throw new Error(`RunningNormaliser.update: ${rows} rows of ${this.size} need ${rows * this.size} values, got ${data.length}`);
    }
    if (rows === 0) return;
    const batchMean = new Float64Array(this.size);
    const batchVariance = new Float64Array(this.size);
    for (let r = 0; r < rows; r++) for (let j = 0; j < this.size; j++) batchMean[j] += data[r * this.size + j];
    for (let j = 0; j < this.size; j++) batchMean[j] /= rows;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < this.size; j++) {
        const d = data[r * this.size + j] - batchMean[j];
        batchVariance[j] += d * d;
      }
    }
    for (let j = 0; j < this.size; j++) batchVariance[j] /= rows;
    this.merge({ mean: batchMean, variance: batchVariance, count: rows });
  }

  /** Folds in another set of statistics (parallel variance formula). */
  merge(other: NormaliserState): void {
    if (other.mean.length !== this.size) throw new Error(`RunningNormaliser.merge: size ${other.mean.length} != ${this.size}`);
    if (other.count === 0) return;
    if (this.count === 0) {
      this.mean = Float64Array.from(other.mean);
      this.variance = Float64Array.from(other.variance);
      this.count = other.count;
      return;
    }
    const total = this.count + other.count;
    for (let j = 0; j < this.size; j++) {
      const delta = other.mean[j] - this.mean[j];
      const m2 = this.variance[j] * this.count + other.variance[j] * other.count + (delta * delta * this.count * other.count) / total;
      this.mean[j] += (delta * other.count) / total;
      this.variance[j] = m2 / total;
    }
    this.count = total;
  }

  /** Writes clip((x - mean) / sqrt(variance + epsilon)) for `rows` vectors into `out` (may be `data`). */
  normalise(data: ArrayLike<number>, rows: number, out: Float32Array = new Float32Array(rows * this.size)): Float32Array {
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < this.size; j++) {
        const i = r * this.size + j;
        const z = (data[i] - this.mean[j]) / Math.sqrt(this.variance[j] + this.epsilon);
        out[i] = Math.min(this.clip, Math.max(-this.clip, z));
      }
    }
    return out;
  }

  getState(): NormaliserState {
    return { mean: Float64Array.from(this.mean), variance: Float64Array.from(this.variance), count: this.count };
  }

  setState(state: NormaliserState): void {
    if (state.mean.length !== this.size || state.variance.length !== this.size) {
      throw new Error(`RunningNormaliser.setState: expected ${this.size} values, got ${state.mean.length}/${state.variance.length}`);
    }
    this.mean = Float64Array.from(state.mean);
    this.variance = Float64Array.from(state.variance);
    this.count = state.count;
  }

  /** The statistics as the exported policy needs them. */
  snapshot(): ObservationNormaliserSnapshot {
    return {
      mean: Float32Array.from(this.mean),
      variance: Float32Array.from(this.variance),
      epsilon: this.epsilon,
      clip: this.clip,
    };
  }
}
