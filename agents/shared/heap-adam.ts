import { adamDivergence, adamScalars, adamSettings, type AdamOptions, type AdamState } from './flat-adam.ts';
import type { HeapMatrix, HeapSpace } from './heap-gemm.ts';

/**
 * Adam for parameters that live in the wasm heap (the off-policy learners' networks, heap-mlp.ts): the moments
 * are heap matrices too and one gemm.wat call updates everything, with flat-adam.ts's arithmetic in the same
 * order and precision, so the two give the same float32 parameters bit for bit (tests/unit/heap-adam.test.ts).
 * Saved and restored as FlatAdam's state, so checkpoints keep their format.
 */
export class HeapAdam {
  readonly size: number;
  private readonly settings: Required<AdamOptions>;
  private readonly space: HeapSpace;
  private readonly firstMoment: HeapMatrix;
  private readonly secondMoment: HeapMatrix;
  private steps = 0;

  constructor(space: HeapSpace, size: number, options: AdamOptions) {
    this.settings = adamSettings(size, options);
    this.size = size;
    this.space = space;
    this.firstMoment = space.matrix(1, size);
    this.secondMoment = space.matrix(1, size);
  }

  /** params -= lr * mhat / (sqrt(vhat) + eps), in place; the gradient is of a loss to minimise. */
  step(params: HeapMatrix, gradient: HeapMatrix): void {
    this.steps++;
    if (this.space.adam(params, gradient, this.firstMoment, this.secondMoment, adamScalars(this.settings, this.steps))) return;
    // The slow path, once: the same figure FlatAdam reports (a sum of the parameters and second moments).
    const p = params.values;
    const v = this.secondMoment.values;
    let check = 0;
    for (let i = 0; i < this.size; i++) check += p[i] + v[i];
    throw adamDivergence(check, this.steps);
  }

  getState(): AdamState {
    return { firstMoment: Float32Array.from(this.firstMoment.values), secondMoment: Float32Array.from(this.secondMoment.values), steps: this.steps };
  }

  setState(state: AdamState): void {
    if (state.firstMoment.length !== this.size || state.secondMoment.length !== this.size) {
      throw new Error(`HeapAdam.setState: expected moments of ${this.size}, got ${state.firstMoment.length}/${state.secondMoment.length}`);
    }
    this.firstMoment.values.set(state.firstMoment);
    this.secondMoment.values.set(state.secondMoment);
    this.steps = state.steps;
  }

  dispose(): void {
    this.space.free(this.firstMoment);
    this.space.free(this.secondMoment);
  }
}
