import { describe, it, expect, beforeAll } from 'vitest';
import { initTf } from '../../agents/shared/tf.ts';
import { FlatAdam } from '../../agents/shared/flat-adam.ts';
import { HeapSpace } from '../../agents/shared/heap-gemm.ts';
import { initialParameters } from '../../agents/shared/mlp.ts';
import { concatRows, createLearner, criticLossGradient, learnerState, restoreLearner, stepLearner } from '../../agents/shared/host-learner.ts';
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

  it("starts from PyTorch's initialisation, the target a copy, and steps with Adam into the network", () => {
    const space = new HeapSpace();
    const learner = createLearner(spec, new Rng(1), 0.01, space);
    expect(learner.params).toEqual(initialParameters(spec, new Rng(1)));
    expect(learner.targetParams).toEqual(learner.params);
    expect(learner.target.getParameters()).toEqual(learner.params);
    const reference = Float32Array.from(learner.params);
    const gradient = Float32Array.from(reference, (_, i) => (i % 3) - 1);
    new FlatAdam(reference.length, { learningRate: 0.01 }).step(reference, gradient);
    stepLearner(learner, gradient);
    expect(learner.params).toEqual(reference);
    expect(learner.net.getParameters()).toEqual(reference);
    space.dispose();
  });

  it('saves and restores parameters, target and Adam moments exactly', () => {
    const space = new HeapSpace();
    const a = createLearner(spec, new Rng(1), 0.01, space);
    stepLearner(
      a,
      Float32Array.from(a.params, () => 0.5),
    );
    const arrays: Record<string, Float32Array | Float64Array> = {};
    const steps = learnerState(a, 'critic', arrays);
    const b = createLearner(spec, new Rng(3), 0.01, space);
    restoreLearner(b, 'critic', arrays, steps);
    const gradient = Float32Array.from(a.params, (_, i) => Math.sin(i));
    stepLearner(a, gradient);
    stepLearner(b, gradient);
    expect(b.params).toEqual(a.params);
    expect(b.target.getParameters()).toEqual(a.targetParams);
    expect(() => restoreLearner(b, 'actor', arrays, steps)).toThrow(/'actor' is missing/);
    space.dispose();
  });

  it('critic loss mean((Q - y)^2) and Q on a network worked by hand', () => {
    const space = new HeapSpace();
    const critic = createLearner(spec, new Rng(5), 0.01, space);
    // K1 = [[1, 0, 0, 0], [0, 1, 0, 0]], b1 = 0, K2 = [1, 1, 0, 0]^T, b2 = 0.5: Q(x) = relu(x1) + relu(x2) + 0.5.
    critic.net.setParameters(new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0.5]));
    // Q([1, 2]) = 3.5, Q([-3, 1]) = 1.5; y = [3, 2]: loss ((0.5)^2 + (-0.5)^2) / 2 = 0.25.
    const { loss, qMean, gradient } = criticLossGradient(critic, new Float32Array([1, 2, -3, 1]), new Float32Array([3, 2]));
    expect(loss).toBeCloseTo(0.25, 6);
    expect(qMean).toBeCloseTo(2.5, 6);
    // d loss / d b2 = mean(2 (Q - y)) = (1 - 1) / 2 = 0.
    expect(gradient[gradient.length - 1]).toBeCloseTo(0, 6);
    space.dispose();
  });
});
