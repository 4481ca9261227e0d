import { describe, it, expect, beforeAll } from 'vitest';
import { initTf, tf } from '../../agents/shared/tf.ts';
import { SoftActorCritic, sacDefaults, sacEntry, temperatureLoss, type SacConfig } from '../../agents/off-policy/sac.ts';
import { squashedGaussianLogProb } from '../../agents/shared/distributions.ts';
import { allocateBatch, type TransitionBatch } from '../../agents/shared/replay-buffer.ts';
import { Rng } from '../../sim/rng.ts';
import type { Mlp } from '../../agents/shared/mlp.ts';
import { tfMlpOf } from '../oracles/tf-mlp.ts';

beforeAll(async () => {
  await initTf();
});

const OBS = 3;
const ACTIONS = 2;

function sac(seed: number, overrides: Partial<SacConfig> = {}): SoftActorCritic {
  return new SoftActorCritic({ obsSize: OBS, actionSize: ACTIONS, config: { ...sacDefaults, hiddenSizes: [16, 16], ...overrides } }, new Rng(seed));
}

function randomBatch(size: number, rng: Rng): TransitionBatch {
  const batch = allocateBatch(size, OBS, ACTIONS);
  for (const array of [batch.obs, batch.nextObs, batch.rewards]) for (let i = 0; i < array.length; i++) array[i] = rng.normal();
  for (let i = 0; i < batch.actions.length; i++) batch.actions[i] = rng.uniformRange(-1, 1);
  for (let b = 0; b < size; b++) {
    batch.terminated[b] = b % 4 === 0 ? 1 : 0;
    batch.obsActions.set(batch.obs.subarray(b * OBS, (b + 1) * OBS), b * (OBS + ACTIONS));
    batch.obsActions.set(batch.actions.subarray(b * ACTIONS, (b + 1) * ACTIONS), b * (OBS + ACTIONS) + OBS);
  }
  return batch;
}

function normals(count: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: count }, () => rng.normal());
}

/** The actor's sample as tensors, through tfjs ops and distributions.ts: an independent route to SAC's numbers. */
function tensorSample(actor: Mlp, obs: tf.Tensor2D, noise: Float32Array, n: number) {
  const raw = actor.apply(obs);
  const mean = tf.slice(raw, [0, 0], [n, ACTIONS]);
  const logStd = tf.add(-5, tf.mul(3.5, tf.add(tf.tanh(tf.slice(raw, [0, ACTIONS], [n, ACTIONS])), 1)));
  const u = tf.add(mean, tf.mul(tf.exp(logStd), tf.tensor2d(noise, [n, ACTIONS])));
  return { action: tf.tanh(u) as tf.Tensor2D, logProb: squashedGaussianLogProb(mean, logStd, u) };
}

describe('SAC temperature', () => {
  it('loss mean(-alpha (log pi + target entropy)) on hand-worked numbers', () => {
    // alpha 0.5; mean(log pi + H) = ((-1 - 2) + (-3 - 2)) / 2 = -4: loss 2, d/dlog alpha = 2.
    const { loss, gradient } = temperatureLoss(Math.log(0.5), new Float32Array([-1, -3]), -2);
    expect(loss).toBeCloseTo(2, 6);
    expect(gradient).toBeCloseTo(2, 6);
    // Entropy (-log pi = -1) above the target (-2): the gradient is positive, so descent lowers alpha.
    expect(temperatureLoss(0, new Float32Array([1, 1]), -2).gradient).toBeGreaterThan(0);
  });
});

describe('SAC', () => {
  it("soft targets y = r + gamma (1 - d) (min Q' - alpha log pi) match an independent computation", () => {
    const agent = sac(1, { alpha: 0.3 });
    const batch = randomBatch(8, new Rng(2));
    const noise = normals(8 * ACTIONS, 3);
    const y = agent.computeTargets(batch, noise);
    const { actor, critics } = agent.networks;
    const [actorNet, q1Target, q2Target] = [actor.net, critics[0].target, critics[1].target].map(tfMlpOf);
    const expected = tf.tidy(() => {
      const nextObs = tf.tensor2d(batch.nextObs, [8, OBS]);
      const { action, logProb } = tensorSample(actorNet, nextObs, noise, 8);
      const input = tf.concat([nextObs, action], 1) as tf.Tensor2D;
      const soft = tf.sub(tf.minimum(q1Target.apply(input), q2Target.apply(input)), tf.mul(0.3, tf.reshape(logProb, [8, 1])));
      const notDone = tf.sub(1, tf.tensor2d(batch.terminated, [8, 1]));
      return Array.from(tf.add(tf.tensor2d(batch.rewards, [8, 1]), tf.mul(0.99, tf.mul(notDone, soft))).dataSync());
    });
    y.forEach((v, b) => expect(v).toBeCloseTo(expected[b], 4));
    for (const net of [actorNet, q1Target, q2Target]) net.dispose();
    agent.dispose();
  });

  it('actor gradient equals autograd of mean(alpha log pi - min(Q1, Q2)), tanh correction included', () => {
    const agent = sac(4, { alpha: 0.7 });
    const batch = randomBatch(16, new Rng(5));
    const noise = normals(16 * ACTIONS, 6);
    const { loss, gradient } = agent.actorLossGradient(batch, noise);
    const { actor, critics } = agent.networks;
    const [actorNet, q1, q2] = [actor.net, critics[0].net, critics[1].net].map(tfMlpOf);
    const obs = tf.tensor2d(batch.obs, [16, OBS]);
    const actorLoss = () => {
      const { action, logProb } = tensorSample(actorNet, obs, noise, 16);
      const input = tf.concat([obs, action], 1) as tf.Tensor2D;
      const minQ = tf.reshape(tf.minimum(q1.apply(input), q2.apply(input)), [16]);
      return tf.mean(tf.sub(tf.mul(0.7, logProb), minQ)) as tf.Scalar;
    };
    const reference: number[] = [];
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(actorLoss, actorNet.variables);
      expect(value.dataSync()[0]).toBeCloseTo(loss, 4);
      for (const v of actorNet.variables) reference.push(...grads[v.name].dataSync());
    });
    gradient.forEach((g, i) => expect(g).toBeCloseTo(reference[i], 4));
    for (const t of [obs, actorNet, q1, q2]) t.dispose();
    agent.dispose();
  });

  it('tunes alpha, keeps the tensor and heap matrix counts flat and exports the mean head', () => {
    const agent = sac(7, { hiddenSizes: [8] });
    const batch = randomBatch(8, new Rng(8));
    const rng = new Rng(9);
    for (let i = 0; i < 2; i++) agent.update(batch, rng, false);
    const before = tf.memory().numTensors;
    const matrices = agent.networks.space.liveMatrices;
    for (let i = 0; i < 1000; i++) agent.update(batch, rng, false);
    expect(tf.memory().numTensors).toBe(before);
    expect(agent.networks.space.liveMatrices).toBe(matrices);
    expect(agent.alpha).not.toBeCloseTo(0.2, 3);
    const layers = agent.actorLayers();
    expect(layers[layers.length - 1].outputSize).toBe(ACTIONS);
    const obs = new Float32Array([0.1, -0.2, 0.3]);
    const action = new Float32Array(ACTIONS);
    agent.act(obs, 1, false, rng, action);
    const hidden = Array.from(layers[0].bias).map((b, o) =>
      Math.max(0, b + Array.from(obs).reduce((s, x, i) => s + x * layers[0].kernel[i * 8 + o], 0)),
    );
    for (let j = 0; j < ACTIONS; j++) {
      const z = layers[1].bias[j] + hidden.reduce((s, h, i) => s + h * layers[1].kernel[i * ACTIONS + j], 0);
      expect(action[j]).toBeCloseTo(Math.tanh(z), 5);
    }
    agent.dispose();
  });

  it('validates its config', () => {
    expect(() => sacEntry.validate({ targetEntropy: 'high' })).toThrow(/targetEntropy must be 'auto' or a number/);
    expect(sacEntry.validate({ targetEntropy: '-1.5' }).targetEntropy).toBe('-1.5');
    expect(() => sacEntry.validate({ alpha: 0 })).toThrow(/alpha must be > 0/);
  });
});
