import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

/** Serialisable state of an Rng: enough to continue the exact same stream after a resume. */
export interface RngState {
  readonly words: readonly number[];
  /** A cached second normal from the last Box-Muller pair, or null. */
  readonly spareNormal: number | null;
}

/**
 * The one seeded random source of Sinew (xoroshiro128+ from pure-rand).
 * Everything random (reset noise, exploration, minibatch order, weight init) draws from an Rng
 * so that a run is reproducible from its seed and resumable from its state.
 */
export class Rng {
  private generator: JumpableRandomGenerator;
  private spareNormal: number | null = null;
  /** The generator's state words as writeState last read them; null after a draw (getState allocates). */
  private writtenWords: readonly number[] | null = null;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng seed must be a finite number, got ${seed}`);
    this.generator = xoroshiro128plus(seed | 0);
  }

  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.generator = xoroshiro128plusFromState(state.words);
    rng.spareNormal = state.spareNormal;
    return rng;
  }

  getState(): RngState {
    return { words: [...this.generator.getState()], spareNormal: this.spareNormal };
  }

  /**
   * Writes the state as 5 numbers at out[offset...]: the 4 words, then the spare normal (NaN for none), the
   * layout of packSnapshot. Allocates only when the stream has moved since the last write.
   */
  writeState(out: Float64Array, offset: number): void {
    this.writtenWords ??= this.generator.getState();
    for (let i = 0; i < 4; i++) out[offset + i] = this.writtenWords[i];
    out[offset + 4] = this.spareNormal ?? Number.NaN;
  }

  /** An independent stream (xoroshiro's jump: 2^64 draws ahead), e.g. one per environment or worker. */
  split(): Rng {
    const child = Rng.fromState({ words: this.generator.getState(), spareNormal: null });
    child.generator.jump();
    this.generator.jump();
    this.generator.jump();
    this.writtenWords = null;
    return child;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    this.writtenWords = null;
    return uniformFloat64(this.generator);
  }

  /** Uniform in [low, high). */
  uniformRange(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Integer uniform in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box-Muller, the second value of each pair cached). */
  normal(): number {
    if (this.spareNormal !== null) {
      const value = this.spareNormal;
      this.spareNormal = null;
      return value;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** Fisher-Yates shuffle of 0..n-1 into `out` (allocated when absent). */
  permutation(n: number, out: Int32Array = new Int32Array(n)): Int32Array {
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = out[i];
      out[i] = out[j];
      out[j] = tmp;
    }
    return out;
  }
}
