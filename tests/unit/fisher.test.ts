import { beforeAll, describe, expect, it } from 'vitest';
import { initTf, tf } from '../../agents/shared/tf.ts';
import { Mlp } from '../../agents/shared/mlp.ts';
import { fisherVectorProduct, flatten, parameterCount, unflatten, type GaussianPolicyParameters } from '../../agents/shared/fisher.ts';
import { Rng } from '../../sim/rng.ts';

beforeAll(async () => {
  await initTf({ backend: 'cpu' });
});

const observations = [
  [0.3, -1.2],
  [1.5, 0.4],
  [-0.7, 0.9],
];
const logStds = [-0.5, 0.3];

function tinyPolicy(hiddenActivation: 'tanh' | 'relu'): GaussianPolicyParameters {
  const actor = new Mlp({ inputSize: 2, hiddenSizes: [3], outputSize: 2, hiddenActivation }, new Rng(7));
  return { actor, logStd: tf.variable(tf.tensor1d(logStds)) };
}

/**
 * The Fisher matrix written out: F = (1/n) sum_s sum_k (1/sigma_k^2) grad mu_k(s) grad mu_k(s)^T for the
 * network's parameters (each gradient by reverse mode, one output at a time), and 2 I for the log stds.
 */
function explicitFisher(policy: GaussianPolicyParameters): number[][] {
  const actorCount = policy.actor.parameterCount;
  const size = actorCount + logStds.length;
  const fisher = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (const obs of observations) {
    for (let k = 0; k < logStds.length; k++) {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(policy.actor.apply(tf.tensor2d([obs])), tf.oneHot([k], 2))),
        policy.actor.variables,
      );
      const g = flatten(policy.actor.variables.map((v) => grads[v.name]));
      tf.dispose([value, ...Object.values(grads)]);
      const precision = Math.exp(-2 * logStds[k]);
      for (let i = 0; i < actorCount; i++) {
        for (let j = 0; j < actorCount; j++) fisher[i][j] += (precision * g[i] * g[j]) / observations.length;
      }
    }
  }
  for (let k = 0; k < logStds.length; k++) fisher[actorCount + k][actorCount + k] = 2;
  return fisher;
}

describe('fisherVectorProduct', () => {
  for (const activation of ['tanh', 'relu'] as const) {
    it(`equals the explicit Fisher matrix times v (${activation} hidden layer)`, () => {
      const policy = tinyPolicy(activation);
      const size = parameterCount(policy);
      expect(size).toBe(2 * 3 + 3 + 3 * 2 + 2 + 2);
      const fisher = explicitFisher(policy);
      const rng = new Rng(3);
      const v = Float64Array.from({ length: size }, () => rng.normal());
      const obs = tf.tensor2d(observations);
      const product = fisherVectorProduct(policy, obs, v);
      const expected = fisher.map((row) => row.reduce((sum, f, j) => sum + f * v[j], 0));
      const scale = Math.max(...expected.map(Math.abs));
      product.forEach((p, i) => expect(Math.abs(p - expected[i]) / scale).toBeLessThan(1e-5));
      // Damping adds damping * v.
      const damped = fisherVectorProduct(policy, obs, v, 0.1);
      damped.forEach((p, i) => expect(p).toBeCloseTo(product[i] + 0.1 * v[i], 5));
      obs.dispose();
      policy.actor.dispose();
      policy.logStd.dispose();
    });
  }

  it('leaks no tensors', () => {
    const policy = tinyPolicy('tanh');
    const obs = tf.tensor2d(observations);
    const v = new Float64Array(parameterCount(policy)).fill(0.5);
    fisherVectorProduct(policy, obs, v);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) fisherVectorProduct(policy, obs, v);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([obs, policy.logStd]);
    policy.actor.dispose();
  });

  it('rejects a vector of the wrong length', () => {
    const policy = tinyPolicy('tanh');
    expect(() => unflatten([1, 2], [policy.logStd, policy.logStd])).toThrow(/2 entries, the parameters 4/);
    policy.actor.dispose();
    policy.logStd.dispose();
  });
});
