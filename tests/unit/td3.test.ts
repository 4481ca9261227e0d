import { describe, it, expect, beforeAll } from 'vitest';
import { initTf, tf } from '../../agents/shared/tf.ts';
import { createTd3Agent, td3Defaults, td3Entry } from '../../agents/off-policy/td3.ts';
import { smoothTargetActions, type DeterministicActorCritic } from '../../agents/off-policy/deterministic-actor-critic.ts';
import { criticTargets } from '../../agents/off-policy/agent.ts';
import { allocateBatch, type TransitionBatch } from '../../agents/shared/replay-buffer.ts';
import { Rng } from '../../sim/rng.ts';
import type { Mlp } from '../../agents/shared/mlp.ts';
import { criticLossGradient } from '../../agents/shared/host-learner.ts';
import { tfMlpOf } from '../oracles/tf-mlp.ts';

beforeAll(async () => {
  await initTf();
});

/** An Rng whose normals are given: smoothing noise checked against hand-worked numbers. */
class ScriptedRng extends Rng {
  constructor(private readonly normals: number[]) {
    super(0);
  }
  override normal(): number {
    const value = this.normals.shift();
    if (value === undefined) throw new Error('ScriptedRng: out of normals');
    return value;
  }
}

const OBS = 3;
const ACTIONS = 2;

function agent(seed: number, overrides: Partial<typeof td3Defaults> = {}): DeterministicActorCritic {
  return createTd3Agent({ ...td3Defaults, hiddenSizes: [16, 16], ...overrides }, OBS, ACTIONS, new Rng(seed));
}

function randomBatch(size: number, rng: Rng): TransitionBatch {
  const batch = allocateBatch(size, OBS, ACTIONS);
  for (const array of [batch.obs, batch.nextObs, batch.rewards]) for (let i = 0; i < array.length; i++) array[i] = rng.normal();
  for (let i = 0; i < batch.actions.length; i++) batch.actions[i] = rng.uniformRange(-1, 1);
  for (let b = 0; b < size; b++) {
    batch.terminated[b] = b % 3 === 0 ? 1 : 0;
    batch.obsActions.set(batch.obs.subarray(b * OBS, (b + 1) * OBS), b * (OBS + ACTIONS));
    batch.obsActions.set(batch.actions.subarray(b * ACTIONS, (b + 1) * ACTIONS), b * (OBS + ACTIONS) + OBS);
  }
  return batch;
}

/** Flattens tfjs autograd gradients in Mlp parameter order (kernel then bias per layer). */
function autogradFlat(net: Mlp, loss: () => tf.Scalar): Float32Array {
  const parts: Float32Array[] = [];
  tf.tidy(() => {
    const { grads } = tf.variableGrads(loss, net.variables);
    for (const v of net.variables) parts.push(Float32Array.from(grads[v.name].dataSync() as Float32Array));
  });
  const flat = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    flat.set(p, offset);
    offset += p.length;
  }
  return flat;
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

describe('TD3 target', () => {
  it('y = r + gamma (1 - d) min(Q1, Q2) on hand-worked numbers', () => {
    const y = new Float32Array(2);
    criticTargets(new Float32Array([1, -0.5]), new Float32Array([0, 1]), 0.9, [new Float32Array([2, 3]), new Float32Array([1.5, 4])], y);
    expect(y[0]).toBeCloseTo(1 + 0.9 * 1.5, 6);
    expect(y[1]).toBeCloseTo(-0.5, 6);
  });

  it('smooths target actions with clipped noise and clips the result to [-1, 1]', () => {
    const out = new Float32Array(3);
    // sigma 0.2, c 0.5: noises 0.2 * [3, -1, 0.5] = [0.6 -> 0.5, -0.2, 0.1].
    smoothTargetActions(new Float32Array([0.9, -0.2, 0]), 0.2, 0.5, new ScriptedRng([3, -1, 0.5]), out);
    expect(Array.from(out).map((v) => Number(v.toFixed(6)))).toEqual([1, -0.4, 0.1]);
  });

  it("matches an independent computation from the agent's target networks", () => {
    const td3 = agent(1);
    const rng = new Rng(5);
    const batch = randomBatch(8, rng);
    const noiseRng = Rng.fromState(rng.getState());
    const y = Float32Array.from(td3.computeTargets(batch, rng));
    const { actor, critics } = td3.networks;
    const [actorTarget, q1Target, q2Target] = [actor.target, critics[0].target, critics[1].target].map(tfMlpOf);
    const expected = tf.tidy(() => {
      const nextObs = tf.tensor2d(batch.nextObs, [8, OBS]);
      const noise = tf.tensor2d(
        Array.from({ length: 8 * ACTIONS }, () => Math.min(0.5, Math.max(-0.5, 0.2 * noiseRng.normal()))),
        [8, ACTIONS],
      );
      const nextActions = tf.clipByValue(tf.add(actorTarget.apply(nextObs), noise), -1, 1);
      const input = tf.concat([nextObs, nextActions], 1) as tf.Tensor2D;
      const minQ = tf.minimum(q1Target.apply(input), q2Target.apply(input));
      const notDone = tf.sub(1, tf.tensor2d(batch.terminated, [8, 1]));
      return tf.add(tf.tensor2d(batch.rewards, [8, 1]), tf.mul(0.99, tf.mul(notDone, minQ))).dataSync() as Float32Array;
    });
    expect(maxAbsDifference(y, expected)).toBeLessThan(1e-5);
    for (const net of [actorTarget, q1Target, q2Target]) net.dispose();
    td3.dispose();
  });
});

describe('TD3 gradients', () => {
  it("critic gradient equals tfjs autograd's of mean((Q - y)^2)", () => {
    const td3 = agent(2);
    const batch = randomBatch(16, new Rng(3));
    const y = Float32Array.from(td3.computeTargets(batch, new Rng(4)));
    const { loss, gradient } = criticLossGradient(td3.networks.critics[1], batch.obsActions, y);
    const critic = tfMlpOf(td3.networks.critics[1].net);
    const reference = autogradFlat(
      critic,
      () => tf.mean(tf.square(tf.sub(critic.apply(tf.tensor2d(batch.obsActions, [16, OBS + ACTIONS])), tf.tensor2d(y, [16, 1])))) as tf.Scalar,
    );
    expect(maxAbsDifference(gradient, reference)).toBeLessThan(1e-5);
    expect(loss).toBeGreaterThan(0);
    critic.dispose();
    td3.dispose();
  });

  it('actor gradient equals autograd of -mean Q1(s, mu(s)), and a step against it raises Q1', () => {
    const td3 = agent(3);
    const batch = randomBatch(16, new Rng(6));
    const { loss, gradient } = td3.actorLossGradient(batch);
    const { actor, critics } = td3.networks;
    const [actorNet, q1] = [actor.net, critics[0].net].map(tfMlpOf);
    const obs = tf.tensor2d(batch.obs, [16, OBS]);
    const actorLoss = () => tf.neg(tf.mean(q1.apply(tf.concat([obs, actorNet.apply(obs)], 1) as tf.Tensor2D))) as tf.Scalar;
    expect(maxAbsDifference(gradient, autogradFlat(actorNet, actorLoss))).toBeLessThan(1e-5);
    const params = actor.net.getParameters();
    actor.net.setParameters(params.map((p, i) => p - 1e-3 * gradient[i]));
    expect(td3.actorLossGradient(batch).loss).toBeLessThan(loss);
    for (const t of [obs, actorNet, q1]) t.dispose();
    td3.dispose();
  });
});

describe('TD3 update', () => {
  it('delays the actor and Polyak-averages the targets every policyDelay steps', () => {
    const td3 = agent(4, { policyDelay: 2, tau: 0.25 });
    const { actor, critics } = td3.networks;
    const batch = randomBatch(8, new Rng(7));
    const actorBefore = Float32Array.from(actor.params);
    const criticTargetBefore = Float32Array.from(critics[0].targetParams);
    td3.update(batch, new Rng(8), false);
    expect(actor.params).toEqual(actorBefore);
    expect(critics[0].targetParams).toEqual(criticTargetBefore);
    td3.update(batch, new Rng(9), false);
    expect(actor.params).not.toEqual(actorBefore);
    const expected = criticTargetBefore.map((t, i) => 0.25 * critics[0].params[i] + 0.75 * t);
    expect(maxAbsDifference(critics[0].targetParams, expected)).toBeLessThan(1e-7);
    td3.dispose();
  });

  it('keeps the tensor and heap matrix counts flat over 1,000 updates', () => {
    const td3 = agent(5, { hiddenSizes: [8] });
    const batch = randomBatch(8, new Rng(10));
    const rng = new Rng(11);
    // Two warm-up updates: the first actor update (the second update) allocates the actor's cached ones row.
    td3.update(batch, rng, true);
    td3.update(batch, rng, true);
    const before = tf.memory().numTensors;
    const matrices = td3.networks.space.liveMatrices;
    for (let i = 0; i < 1000; i++) td3.update(batch, rng, i % 100 === 0);
    expect(tf.memory().numTensors).toBe(before);
    expect(td3.networks.space.liveMatrices).toBe(matrices);
    td3.dispose();
  });

  it('validates its config with clear errors', () => {
    expect(() => td3Entry.validate({ policyDelay: 0 })).toThrow(/policyDelay must be >= 1/);
    expect(() => td3Entry.validate({ tau: 2 })).toThrow(/tau must be <= 1/);
    expect(td3Entry.validate({ batchSize: 64 }).batchSize).toBe(64);
    expect(td3Entry.presets.hopper).toBeDefined();
    expect(td3Entry.presets.reacher).toBeDefined();
  });
});
