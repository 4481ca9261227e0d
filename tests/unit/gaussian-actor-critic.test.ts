import { beforeAll, describe, expect, it } from 'vitest';
import { initTf, tf } from '../../agents/shared/tf.ts';
import { GaussianActorCritic } from '../../agents/shared/gaussian-actor-critic.ts';
import { RolloutBuffer } from '../../agents/shared/rollout-buffer.ts';
import { clippedSurrogateLoss, valueLoss } from '../oracles/policy-gradient-losses.ts';
import { probabilityRatio } from '../../agents/shared/distributions.ts';
import { Rng } from '../../sim/rng.ts';

beforeAll(async () => {
  await initTf({ backend: 'cpu' });
});

function network(): GaussianActorCritic {
  return new GaussianActorCritic({ observationSize: 3, actionSize: 2, hiddenSizes: [4], activation: 'tanh', initialLogStd: -0.5 }, new Rng(1));
}

describe('GaussianActorCritic', () => {
  it('samples actions whose log-probability is the diagonal Gaussian density', () => {
    const net = network();
    const out = net.actOutput(2);
    net.act(new Float32Array([0.1, 0.2, 0.3, -1, 0, 1]), 2, new Rng(5), out);
    const sigma = Math.exp(-0.5);
    for (let r = 0; r < 2; r++) {
      // log N(a; m, s^2) = sum_j -(a_j - m_j)^2 / (2 s^2) - log s - 0.5 log(2 pi)
      let expected = 0;
      for (let j = 0; j < 2; j++) {
        const z = (out.actions[r * 2 + j] - out.means[r * 2 + j]) / sigma;
        expected += -0.5 * z * z + 0.5 - 0.5 * Math.log(2 * Math.PI);
      }
      expect(out.logProbs[r]).toBeCloseTo(expected, 5);
    }
    expect([...out.logStds]).toEqual([-0.5, -0.5, -0.5, -0.5]);
    expect(Array.from(out.values, Number.isFinite)).toEqual([true, true]);
    net.dispose();
  });

  it('acts with the mean when no Rng is given', () => {
    const net = network();
    const out = net.actOutput(1);
    net.act(new Float32Array([1, 2, 3]), 1, null, out);
    expect([...out.actions]).toEqual([...out.means]);
    net.dispose();
  });

  it('round-trips its flat parameter vector and orders gradients as actor, log std, critic', () => {
    const net = network();
    // actor 3*4 + 4 + 4*2 + 2 = 26, log std 2, critic 3*4 + 4 + 4 + 1 = 21
    expect(net.policyParameterCount).toBe(28);
    expect(net.parameterCount).toBe(49);
    const flat = Float32Array.from({ length: 49 }, (_, i) => i / 100);
    net.writeParameters(flat);
    expect([...net.readParameters()]).toEqual([...flat]);
    // d/dlogStd of sum(logStd) = 1 at positions 26, 27 and nothing elsewhere
    const { loss, gradient } = net.gradient(() => tf.sum(net.logStd));
    expect(loss).toBeCloseTo(0.26 + 0.27, 5);
    expect([...gradient].map((g, i) => (g !== 0 ? i : -1)).filter((i) => i >= 0)).toEqual([26, 27]);
    expect(() => net.writeParameters(new Float32Array(3))).toThrow(/expected 49 values/);
    net.dispose();
  });

  it('lossGradient (hand-written path) equals the tape gradient of the same PPO loss', () => {
    const net = network();
    const rng = new Rng(9);
    const buffer = new RolloutBuffer({ numSteps: 5, numEnvs: 1, observationSize: 3, actionSize: 2 });
    const draw = (array: Float32Array, scale: number) => array.forEach((_, i) => (array[i] = scale * rng.normal()));
    draw(buffer.observations, 1);
    draw(buffer.actions, 1);
    draw(buffer.means, 0.2);
    draw(buffer.logStds, 0.2);
    draw(buffer.logProbs, 0.3);
    buffer.logProbs.forEach((_, i) => (buffer.logProbs[i] -= 2.5));
    draw(buffer.values, 1);
    draw(buffer.advantages, 1);
    draw(buffer.returns, 1);
    const batch = buffer.all();
    const fast = new Float32Array(net.parameterCount);
    const result = net.lossGradient(batch, { kind: 'clip', clipRange: 0.2 }, { entropyCoef: 0.01, valueCoef: 0.5, valueClip: 0.2 }, fast);
    const { loss, gradient } = net.gradient(() => {
      const e = net.evaluateActions(tf.tensor2d(batch.observations, [5, 3]), tf.tensor2d(batch.actions, [5, 2]));
      const ratio = probabilityRatio(e.logProbs, tf.tensor1d(batch.logProbs));
      const policy = clippedSurrogateLoss(ratio, tf.tensor1d(batch.advantages), 0.2);
      const critic = valueLoss(e.values, tf.tensor1d(batch.returns), tf.tensor1d(batch.values), 0.2);
      return tf.add(tf.sub(policy, tf.mul(0.01, e.entropy)), tf.mul(0.5, critic)) as tf.Scalar;
    });
    expect(result.loss).toBeCloseTo(loss, 5);
    fast.forEach((g, i) => expect(g).toBeCloseTo(gradient[i], 5));
    net.dispose();
  });

  it('valueGradient equals the critic part of the tape gradient of mean (G - V)^2', () => {
    const net = network();
    const buffer = new RolloutBuffer({ numSteps: 3, numEnvs: 1, observationSize: 3, actionSize: 2 });
    buffer.observations.set([0.5, -1, 2, 1, 1, 1, -0.3, 0.2, 0.1]);
    buffer.returns.set([1, -2, 0.5]);
    const batch = buffer.all();
    const fast = new Float32Array(net.parameterCount - net.policyParameterCount);
    const loss = net.valueGradient(batch, fast);
    const reference = net.gradient(() =>
      valueLoss(tf.reshape(net.critic.apply(tf.tensor2d(batch.observations, [3, 3])), [-1]) as tf.Tensor1D, tf.tensor1d(batch.returns)),
    );
    expect(loss).toBeCloseTo(reference.loss, 5);
    fast.forEach((g, i) => expect(g).toBeCloseTo(reference.gradient[net.policyParameterCount + i], 5));
    net.dispose();
  });

  it('leaks no tensors while acting and differentiating', () => {
    const net = network();
    const out = net.actOutput(1);
    const obs = new Float32Array([1, 2, 3]);
    const bufferOfOne = new RolloutBuffer({ numSteps: 1, numEnvs: 1, observationSize: 3, actionSize: 2 });
    const round = () => {
      net.act(obs, 1, new Rng(1), out);
      net.predictValues(obs, 1);
      net.gradient(() => tf.sum(net.critic.apply(tf.tensor2d(obs, [1, 3]))));
      net.writeParameters(net.readParameters());
      net.lossGradient(bufferOfOne.all(), { kind: 'pg' }, { entropyCoef: 0, valueCoef: 1, valueClip: 0 }, new Float32Array(net.parameterCount));
    };
    round(); // the first round creates the networks' cached transposed kernels
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) round();
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
  });
});
