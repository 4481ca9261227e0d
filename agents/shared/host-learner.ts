import { tf } from './tf.ts';
import { FlatAdam } from './flat-adam.ts';
import type { Mlp } from './mlp.ts';

/**
 * Networks trained from host-side parameters, as the off-policy agents do: the master copy of the weights is
 * a Float32Array that Adam (flat-adam.ts) and Polyak averaging update in plain JavaScript, then upload to the
 * Mlp's variables. On wasm this replaces ~10 kernel launches per variable with one upload.
 */
export interface Learner {
  readonly net: Mlp;
  readonly params: Float32Array;
  readonly adam: FlatAdam;
  /** The Polyak-averaged target network and its parameters. */
  readonly target: Mlp;
  readonly targetParams: Float32Array;
}

/** Wraps a network and its target; the target starts as a copy of the network (CleanRL's load_state_dict). */
export function createLearner(net: Mlp, target: Mlp, learningRate: number): Learner {
  const params = net.getParameters();
  net.setParameters(params);
  const targetParams = Float32Array.from(params);
  target.setParameters(targetParams, false);
  return { net, params, adam: new FlatAdam(params.length, { learningRate }), target, targetParams };
}

/** One Adam step along `gradient` (of a loss to minimise), uploaded to the network. */
export function stepLearner(learner: Learner, gradient: Float32Array | null): void {
  if (!gradient) throw new Error('stepLearner: no parameter gradient was computed');
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

/** Runs f inside tf.tidy and hands back its host-side result (a typed array must not be returned by a tidy). */
export function tidyToHost<T>(f: () => T): T {
  let result: T | undefined;
  tf.tidy(() => {
    result = f();
  });
  return result as T;
}

/** Forward pass of `net` on `rows` host-side inputs, written into `out`. */
export function forwardToHost(net: Mlp, input: Float32Array, rows: number, out: Float32Array): void {
  tf.tidy(() => {
    out.set(net.forwardTrace(tf.tensor2d(input, [rows, input.length / rows])).output.dataSync() as Float32Array);
  });
}

/**
 * A critic's regression loss mean((Q(s, a) - y)^2) on [obs | action] rows, its parameter gradient
 * (2 (Q - y) / n backpropagated by hand) and Q itself: the critic step TD3, DDPG and SAC share.
 */
export function criticLossGradient(critic: Learner, obsActions: Float32Array, y: Float32Array): { loss: number; gradient: Float32Array; q: Float32Array } {
  const n = y.length;
  const q = new Float32Array(n);
  const gradient = tidyToHost(() => {
    const trace = critic.net.forwardTrace(tf.tensor2d(obsActions, [n, obsActions.length / n]));
    q.set(trace.output.dataSync() as Float32Array);
    const dq = q.map((v, b) => (2 * (v - y[b])) / n);
    return critic.net.backward(trace, tf.tensor2d(dq, [n, 1]), { parameters: true, input: false }).parameters;
  });
  if (!gradient) throw new Error('criticLossGradient: no parameter gradient was computed');
  const loss = q.reduce((sum, v, b) => sum + (v - y[b]) ** 2 / n, 0);
  return { loss, gradient, q };
}

/** Rows [left | right] from n rows of each, e.g. [next obs | next action] for the target critics. */
export function concatRows(left: Float32Array, right: Float32Array, n: number, out: Float32Array = new Float32Array(left.length + right.length)): Float32Array {
  const l = left.length / n;
  const r = right.length / n;
  for (let b = 0; b < n; b++) {
    out.set(left.subarray(b * l, (b + 1) * l), b * (l + r));
    out.set(right.subarray(b * r, (b + 1) * r), b * (l + r) + l);
  }
  return out;
}
