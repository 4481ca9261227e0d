import { checkFiniteLoss } from './divergence.ts';
import { HeapAdam } from './heap-adam.ts';
import { HeapMlp } from './heap-mlp.ts';
import { initialParameters, type MlpSpec } from './mlp.ts';
import type { HeapSpace } from './heap-gemm.ts';
import type { Rng } from '../../sim/rng.ts';

/**
 * A network and its target as the off-policy agents train them: the parameters, their gradient and Adam's
 * moments all live in the wasm heap (heap-mlp.ts), where the backward pass writes the gradient and Adam and
 * Polyak averaging update in place (gemm.wat), so a step copies nothing between JavaScript and wasm.
 */
export class Learner {
  readonly net: HeapMlp;
  readonly adam: HeapAdam;
  /** The Polyak-averaged target network. */
  readonly target: HeapMlp;

  constructor(net: HeapMlp, target: HeapMlp, adam: HeapAdam) {
    this.net = net;
    this.target = target;
    this.adam = adam;
  }

  /** The network's parameters (a heap view: valid until the memory grows; take it anew each time). */
  get params(): Float32Array {
    return this.net.parameters;
  }

  get targetParams(): Float32Array {
    return this.target.parameters;
  }

  /** Where backward passes write the parameter gradient (a heap view, as `params`). */
  get gradient(): Float32Array {
    return this.net.parameterGradient;
  }
}

/** A network with PyTorch's initialisation (mlp.ts) and its target, a copy (CleanRL's load_state_dict). */
export function createLearner(spec: MlpSpec, rng: Rng, learningRate: number, space: HeapSpace): Learner {
  const params = initialParameters(spec, rng);
  const net = new HeapMlp(spec, space);
  net.setParameters(params);
  const target = new HeapMlp(spec, space);
  target.setParameters(params, false);
  return new Learner(net, target, new HeapAdam(space, params.length, { learningRate }));
}

/**
 * One Adam step along the gradient of the last backward pass (of a loss to minimise), in place, and the
 * transposes the next backward pass multiplies by; `gradient`, when given, is copied in first.
 */
export function stepLearner(learner: Learner, gradient?: Float32Array): void {
  if (gradient && gradient !== learner.gradient) learner.gradient.set(gradient);
  learner.adam.step(learner.net.parameterBlock, learner.net.gradientMatrix);
  learner.net.updateTransposes();
}

/** target <- tau online + (1 - tau) target (tau = 1 copies), in place in the heap. */
export function updateTarget(learner: Learner, tau: number): void {
  learner.target.averageTowards(learner.net, tau);
}

/** Writes the learner's parameters, target and Adam moments into `arrays` under `prefix`; returns Adam's step count. */
export function learnerState(learner: Learner, prefix: string, arrays: Record<string, Float32Array | Float64Array>): number {
  const adam = learner.adam.getState();
  arrays[prefix] = Float32Array.from(learner.params);
  arrays[`${prefix}.target`] = Float32Array.from(learner.targetParams);
  arrays[`${prefix}.adam.m`] = adam.firstMoment;
  arrays[`${prefix}.adam.v`] = adam.secondMoment;
  return adam.steps;
}

export function restoreLearner(
  learner: Learner,
  prefix: string,
  arrays: Readonly<Record<string, Float32Array | Float64Array>>,
  adamSteps: number,
): void {
  const get = (name: string): Float32Array => {
    const array = arrays[name];
    if (!(array instanceof Float32Array) || array.length !== learner.params.length) {
      throw new Error(`restoreLearner: '${name}' is missing or does not hold ${learner.params.length} float32 values`);
    }
    return array;
  };
  learner.net.setParameters(get(prefix));
  learner.target.setParameters(get(`${prefix}.target`), false);
  learner.adam.setState({ firstMoment: get(`${prefix}.adam.m`), secondMoment: get(`${prefix}.adam.v`), steps: adamSteps });
}

/**
 * A critic's regression loss mean((Q(s, a) - y)^2) on [obs | action] rows, its parameter gradient
 * (2 (Q - y) / n backpropagated; written into critic.gradient) and the mean of Q: the critic step TD3, DDPG
 * and SAC share.
 */
export function criticLossGradient(
  critic: Learner,
  obsActions: Float32Array,
  y: Float32Array,
): { loss: number; gradient: Float32Array; qMean: number } {
  const n = y.length;
  const q = critic.net.forward(obsActions, n);
  const dq = new Float32Array(n);
  let loss = 0;
  let qSum = 0;
  for (let b = 0; b < n; b++) {
    dq[b] = (2 * (q[b] - y[b])) / n;
    loss += (q[b] - y[b]) ** 2 / n;
    qSum += q[b];
  }
  checkFiniteLoss('the critic loss', loss);
  critic.net.backward(dq, true, false);
  return { loss, gradient: critic.gradient, qMean: qSum / n };
}

/** Rows [left | right] from n rows of each, e.g. [next obs | next action] for the target critics. */
export function concatRows(
  left: Float32Array,
  right: Float32Array,
  n: number,
  out: Float32Array = new Float32Array(left.length + right.length),
): Float32Array {
  const l = left.length / n;
  const r = right.length / n;
  for (let b = 0; b < n; b++) {
    out.set(left.subarray(b * l, (b + 1) * l), b * (l + r));
    out.set(right.subarray(b * r, (b + 1) * r), b * (l + r) + l);
  }
  return out;
}
