import { beforeAll, describe, expect, it } from 'vitest';
import { initTf, tf } from '../../agents/shared/tf.ts';
import { a2cEntry, validateA2cConfig } from '../../agents/on-policy/a2c.ts';
import { actorCriticGradient } from '../../agents/on-policy/actor-critic-loss.ts';
import { GaussianActorCritic } from '../../agents/shared/gaussian-actor-critic.ts';
import { RolloutBuffer } from '../../agents/shared/rollout-buffer.ts';
import { makePointReachVecEnv } from '../fixtures/point-reach.ts';
import { Rng } from '../../sim/rng.ts';

beforeAll(async () => {
  await initTf();
});

describe('a2c', () => {
  it('validates its config and presets', () => {
    expect(validateA2cConfig({}).numSteps).toBe(5);
    expect(() => validateA2cConfig({ gamma: 2 })).toThrow(/gamma must be <= 1/);
    for (const preset of Object.values(a2cEntry.presets)) expect(() => a2cEntry.validate(preset)).not.toThrow();
  });

  it("follows the seed's gradient: sum grad log pi (G - V) for the actor, grad (G - V)^2 for the critic", () => {
    // With the actor's output layer zeroed the mean is b, so d log pi / d b = (a - b) / sigma^2; with a
    // single sample the actor loss -log pi * A has gradient -A (a - b) / sigma^2 on the output bias.
    const model = new GaussianActorCritic({ observationSize: 1, actionSize: 1, hiddenSizes: [2], activation: 'tanh', initialLogStd: 0 }, new Rng(1));
    const params = model.readParameters();
    // actor: k0 [1x2], b0 [2], k1 [2x1], b1 [1]; then log std; critic: k0 [1x2], b0 [2], k1 [2x1], b1 [1]
    params.fill(0);
    params[6] = 0.25; // actor output bias: mean = 0.25
    params[14] = 1.5; // critic output bias: V = 1.5
    model.writeParameters(params);
    const buffer = new RolloutBuffer({ numSteps: 1, numEnvs: 1, observationSize: 1, actionSize: 1 });
    buffer.add(
      [0],
      { actions: [1.25], logProbs: [0], values: [1.5], means: [0.25], logStds: [0] },
      { rewards: [2], terminated: [1], truncated: [0] },
    );
    buffer.computeNStep([0], 0.99); // G = 2 (terminal), A = G - V = 0.5
    const gradient = new Float32Array(model.parameterCount);
    const result = actorCriticGradient(model, buffer.all(), { entropyCoef: 0, valueCoef: 1 }, gradient);
    // actor bias: -A (a - mean) / sigma^2 = -0.5 * 1 = -0.5; critic bias: d (G - V)^2 / dV = -2 (G - V) = -1
    expect(gradient[6]).toBeCloseTo(-0.5, 5);
    expect(gradient[14]).toBeCloseTo(-1, 5);
    // log std: -A d log pi / d log std = -A ((a - m)^2 / sigma^2 - 1) = -0.5 * 0 = 0
    expect(gradient[7]).toBeCloseTo(0, 5);
    expect(result.valueLoss).toBeCloseTo(0.25, 5);
    model.dispose();
  });

  it('learns on the point-reach fixture without leaking tensors', async () => {
    const t = await a2cEntry.createTrainer({
      robot: 'point-reach',
      config: a2cEntry.validate({ numEnvs: 8, numSteps: 8, hiddenSizes: [32, 32], learningRate: 3e-3, totalSteps: 40_000 }),
      seed: 3,
      makeVecEnv: makePointReachVecEnv,
    });
    const before = await t.evaluate(20);
    await t.iterate();
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 250; i++) await t.iterate();
    expect(tf.memory().numTensors).toBe(tensors);
    const after = await t.evaluate(20);
    expect(after.meanReturn).toBeGreaterThan(before.meanReturn + 3);
    await t.dispose();
  }, 60_000);
});
