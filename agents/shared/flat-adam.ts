/**
 * Adam on a flat Float32Array of parameters, in plain JavaScript. Why not tf.train.adam: on the wasm backend
 * its ~10 kernel launches per variable dominate a small (64-64) update, its moments are hard to save and
 * restore exactly, and A3C's global network receives gradients as arrays from worker threads anyway. With
 * the state in typed arrays, checkpoints and resumes are exact.
 */
import { DivergenceError } from './divergence.ts';

export interface AdamOptions {
  readonly learningRate: number;
  /** Exponential decay of the first moment (0.9). */
  readonly beta1?: number;
  /** Exponential decay of the second moment (0.999). */
  readonly beta2?: number;
  /** Added to sqrt(v) (PyTorch / CleanRL: 1e-8; SB3 PPO: 1e-5). */
  readonly epsilon?: number;
}

export interface AdamState {
  readonly firstMoment: Float32Array;
  readonly secondMoment: Float32Array;
  readonly steps: number;
}

/** What one Adam step uses besides the arrays: the decays, and lr and epsilon with their bias corrections. */
export interface AdamScalars {
  readonly beta1: number;
  readonly beta2: number;
  /** lr sqrt(1 - beta2^t) / (1 - beta1^t). */
  readonly stepSize: number;
  /** epsilon sqrt(1 - beta2^t). */
  readonly epsilonHat: number;
}

/** The defaults (PyTorch's) and the checks of AdamOptions, for FlatAdam and the learners' heap Adam (heap-adam.ts). */
export function adamSettings(size: number, options: AdamOptions): Required<AdamOptions> {
  if (!Number.isInteger(size) || size < 1) throw new Error(`Adam: size must be a positive integer, got ${size}`);
  if (!(options.learningRate > 0)) throw new Error(`Adam: learningRate must be > 0, got ${options.learningRate}`);
  return { learningRate: options.learningRate, beta1: options.beta1 ?? 0.9, beta2: options.beta2 ?? 0.999, epsilon: options.epsilon ?? 1e-8 };
}

/** The scalars of Adam step number `steps` (from 1): lr * mhat / (sqrt(vhat) + eps) with the corrections folded in. */
export function adamScalars(settings: Required<AdamOptions>, steps: number): AdamScalars {
  const { learningRate, beta1, beta2, epsilon } = settings;
  const stepSize = (learningRate * Math.sqrt(1 - beta2 ** steps)) / (1 - beta1 ** steps);
  return { beta1, beta2, stepSize, epsilonHat: epsilon * Math.sqrt(1 - beta2 ** steps) };
}

/** The error every optimiser step throws at its first non-finite gradient, moment or parameter. */
export function adamDivergence(what: number | string, steps: number): DivergenceError {
  return new DivergenceError(`a gradient, an Adam moment or a parameter became ${what} at Adam step ${steps}`);
}

export class FlatAdam {
  readonly size: number;
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private firstMoment: Float32Array;
  private secondMoment: Float32Array;
  private steps = 0;

  constructor(size: number, options: AdamOptions) {
    const settings = adamSettings(size, options);
    this.size = size;
    this.learningRate = settings.learningRate;
    this.beta1 = settings.beta1;
    this.beta2 = settings.beta2;
    this.epsilon = settings.epsilon;
    this.firstMoment = new Float32Array(size);
    this.secondMoment = new Float32Array(size);
  }

  /** params -= lr * mhat / (sqrt(vhat) + eps), in place; the gradient is of a loss to minimise. */
  step(params: Float32Array, gradient: ArrayLike<number>): void {
    if (params.length !== this.size || gradient.length !== this.size) {
      throw new Error(`FlatAdam.step: expected ${this.size} parameters and gradients, got ${params.length} and ${gradient.length}`);
    }
    this.steps++;
    const { beta1, beta2, stepSize, epsilonHat } = adamScalars(this, this.steps);
    const m = this.firstMoment;
    const v = this.secondMoment;
    // A sum of finite float32 values cannot overflow a float64: it is finite exactly when every term is.
    let check = 0;
    for (let i = 0; i < this.size; i++) {
      const g = gradient[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      // Same as lr * mhat / (sqrt(vhat) + eps), with the bias corrections folded into two scalars.
      params[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) + epsilonHat);
      check += params[i] + v[i];
    }
    // Every algorithm's optimiser steps come through here: the first non-finite gradient, moment or
    // parameter stops the run before it is trained on or saved.
    if (!Number.isFinite(check)) throw adamDivergence(check, this.steps);
  }

  getState(): AdamState {
    return { firstMoment: Float32Array.from(this.firstMoment), secondMoment: Float32Array.from(this.secondMoment), steps: this.steps };
  }

  setState(state: AdamState): void {
    if (state.firstMoment.length !== this.size || state.secondMoment.length !== this.size) {
      throw new Error(`FlatAdam.setState: expected moments of ${this.size}, got ${state.firstMoment.length}/${state.secondMoment.length}`);
    }
    this.firstMoment = Float32Array.from(state.firstMoment);
    this.secondMoment = Float32Array.from(state.secondMoment);
    this.steps = state.steps;
  }
}

/** Scales `gradient` in place so its L2 norm is at most maxNorm; returns the norm before clipping. */
export function clipGradientNorm(gradient: Float32Array, maxNorm: number): number {
  let squares = 0;
  for (let i = 0; i < gradient.length; i++) squares += gradient[i] * gradient[i];
  const norm = Math.sqrt(squares);
  if (norm > maxNorm) {
    const scale = maxNorm / (norm + 1e-6);
    for (let i = 0; i < gradient.length; i++) gradient[i] *= scale;
  }
  return norm;
}
