import { describe, it, expect, beforeAll } from 'vitest';
import { initTf, tf } from '../../agents/shared/tf.ts';
import { Mlp } from '../../agents/shared/mlp.ts';
import { FlatAdam } from '../../agents/shared/flat-adam.ts';
import { concatRows, createLearner, forwardToHost, learnerState, restoreLearner, stepLearner, tidyToHost } from '../../agents/shared/host-learner.ts';
import { Rng } from '../../sim/rng.ts';

beforeAll(async () => {
  await initTf();
});

const spec = { inputSize: 2, hiddenSizes: [4], outputSize: 1 };

describe('host learner', () => {
  it('concatenates rows [left | right]', () => {
    const out = concatRows(new Float32Array([1, 2, 3, 4]), new Float32Array([9, 8]), 2);
    expect(Array.from(out)).toEqual([1, 2, 9, 3, 4, 8]);
  });

  it('starts the target as a copy and steps with Adam, uploading to the network', () => {
    const learner = createLearner(new Mlp(spec, new Rng(1)), new Mlp(spec, new Rng(2)), 0.01);
    expect(learner.targetParams).toEqual(learner.params);
    expect(learner.target.getParameters()).toEqual(learner.params);
    const reference = Float32Array.from(learner.params);
    const gradient = Float32Array.from(reference, (_, i) => (i % 3) - 1);
    new FlatAdam(reference.length, { learningRate: 0.01 }).step(reference, gradient);
    stepLearner(learner, gradient);
    expect(learner.params).toEqual(reference);
    expect(learner.net.getParameters()).toEqual(reference);
    expect(() => stepLearner(learner, null)).toThrow(/no parameter gradient/);
  });

  it('saves and restores parameters, target and Adam moments exactly', () => {
    const a = createLearner(new Mlp(spec, new Rng(1)), new Mlp(spec, new Rng(2)), 0.01);
    stepLearner(a, Float32Array.from(a.params, () => 0.5));
    const arrays: Record<string, Float32Array | Float64Array> = {};
    const steps = learnerState(a, 'critic', arrays);
    const b = createLearner(new Mlp(spec, new Rng(3)), new Mlp(spec, new Rng(4)), 0.01);
    restoreLearner(b, 'critic', arrays, steps);
    const gradient = Float32Array.from(a.params, (_, i) => Math.sin(i));
    stepLearner(a, gradient);
    stepLearner(b, gradient);
    expect(b.params).toEqual(a.params);
    expect(b.target.getParameters()).toEqual(a.targetParams);
    expect(() => restoreLearner(b, 'actor', arrays, steps)).toThrow(/'actor' is missing/);
  });

  it('runs forward passes to the host without leaking tensors', () => {
    const net = new Mlp(spec, new Rng(5));
    net.writeWeights([new Float32Array([1, 0, 0, 0, 0, 1, 0, 0]), new Float32Array(4), new Float32Array([1, 1, 0, 0]), new Float32Array([0.5])]);
    const out = new Float32Array(2);
    const before = tf.memory().numTensors;
    forwardToHost(net, new Float32Array([1, 2, -3, 1]), 2, out);
    // relu([1, 2] K1) = [1, 2, 0, 0] -> 1 + 2 + 0.5; relu([-3, 1] K1) = [0, 1, 0, 0] -> 1.5.
    expect(Array.from(out)).toEqual([3.5, 1.5]);
    expect(tidyToHost(() => tf.scalar(4).dataSync()[0])).toBe(4);
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
  });
});
