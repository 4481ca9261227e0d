import { checkFiniteLoss } from './divergence.ts';
import { FlatAdam } from './flat-adam.ts';
import { HeapMlp } from './heap-mlp.ts';
import { initialParameters, type MlpSpec } from './mlp.ts';
import type { HeapSpace } from './heap-gemm.ts';
import type { Rng } from '../../sim/rng.ts';

/**
 * Networks trained from host-side parameters, as the off-policy agents do: the master copy of the weights is
 * a Float32Array that Adam (flat-adam.ts) and Polyak averaging update in plain JavaScript, then copy into the
 * network's matrices in the wasm heap (heap-mlp.ts).
 */
export interface Learner {
  readonly net: HeapMlp;
  readonly params: Float32Array;
  readonly adam: FlatAdam;
  /** The Polyak-averaged target network and its parameters. */
  readonly target: HeapMlp;
  readonly targetParams: Float32Array;
  /** Where backward passes write the parameter gradient (reused by every step). */
  readonly gradient: Float32Array;
}

/** A network with PyTorch's initialisation (mlp.ts) and its target, a copy (CleanRL's load_state_dict). */
export function createLearner(spec: MlpSpec, rng: Rng, learningRate: number, space: HeapSpace): Learner {
  const params = initialParameters(spec, rng);
  const net = new HeapMlp(spec, space);
  net.setParameters(params);
  const targetParams = Float32Array.from(params);
  const target = new HeapMlp(spec, space);
  target.setParameters(targetParams, false);
  return { net, params, adam: new FlatAdam(params.length, { learningRate }), target, targetParams, gradient: new Float32Array(params.length) };
}

/** One Adam step along `gradient` (of a loss to minimise), copied into the network. */
export function stepLearner(learner: Learner, gradient: Float32Array): void {
  learner.adam.step(learner.params, gradient);
  learner.net.setParameters(learner.params);
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
  learner.params.set(get(prefix));
  learner.targetParams.set(get(`${prefix}.target`));
  learner.net.setParameters(learner.params);
  learner.target.setParameters(learner.targetParams, false);
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
  critic.net.backward(dq, critic.gradient, false);
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
