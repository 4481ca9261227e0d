import { beforeAll, describe, expect, it } from 'vitest';
import { initTf, tf } from '../../agents/shared/tf.ts';
import { ppoEntry, ppoKlEntry, validatePpoConfig } from '../../agents/on-policy/ppo.ts';
import { makePointReachVecEnv } from '../fixtures/point-reach.ts';
import type { OnPolicyTrainer } from '../../agents/on-policy/trainer.ts';
import type { AlgorithmEntry } from '../../agents/contract.ts';
import { robotNames } from '../../sim/registry.ts';

beforeAll(async () => {
  await initTf();
});

const small = { numEnvs: 4, numSteps: 64, minibatchSize: 64, updateEpochs: 4, hiddenSizes: [32, 32], totalSteps: 20_000, learningRate: 1e-3 };

function trainer(entry: AlgorithmEntry, overrides: Record<string, unknown> = {}, seed = 1): Promise<OnPolicyTrainer> {
  return entry.createTrainer({
    robot: 'point-reach',
    config: entry.validate({ ...small, ...overrides }),
    seed,
    makeVecEnv: makePointReachVecEnv,
  }) as Promise<OnPolicyTrainer>;
}

describe('ppo config', () => {
  it('validates fields and the minibatch against the rollout', () => {
    expect(validatePpoConfig({}).objective).toBe('clip');
    expect(ppoKlEntry.validate({}).objective).toBe('kl');
    expect(() => validatePpoConfig({ clipRange: 2 })).toThrow(/clipRange must be <= 1/);
    expect(() => validatePpoConfig({ numSteps: 8, minibatchSize: 64 })).toThrow(/exceeds the rollout/);
    expect(() => validatePpoConfig({ objective: 'trust' })).toThrow(/one of clip, kl/);
    // Every robot of sim/'s registry has its own PPO preset.
    expect(Object.keys(ppoEntry.presets).sort()).toEqual([...robotNames].sort());
    for (const preset of Object.values(ppoEntry.presets)) expect(() => ppoEntry.validate(preset)).not.toThrow();
    for (const preset of Object.values(ppoKlEntry.presets)) expect(() => ppoKlEntry.validate(preset)).not.toThrow();
  });
});

describe('ppo trainer', () => {
  it('keeps the tensor count flat across iterations', async () => {
    const t = await trainer(ppoEntry, { updateEpochs: 1 });
    await t.iterate();
    const before = tf.memory().numTensors;
    await t.iterate();
    await t.iterate();
    expect(tf.memory().numTensors).toBe(before);
    await t.dispose();
  });

  it('adapts beta by the seed rule in the KL variant', async () => {
    const t = await trainer(ppoKlEntry, { updateEpochs: 2, klTarget: 0.01, initialKlBeta: 1 });
    let beta = 1;
    for (let i = 0; i < 3; i++) {
      const [record] = await t.iterate();
      const expected = record.kl < 0.01 / 1.5 ? beta / 2 : record.kl > 0.015 ? beta * 2 : beta;
      expect(record.kl_beta).toBe(expected);
      beta = expected;
    }
    await t.dispose();
  });

  it('resumes exactly: two trainers restored from one state take identical steps', async () => {
    const a = await trainer(ppoEntry, { updateEpochs: 1 });
    await a.iterate();
    const state = await a.getState();
    const b = await trainer(ppoEntry, { updateEpochs: 1 }, 99);
    const c = await trainer(ppoEntry, { updateEpochs: 1 }, 7);
    await b.setState(state);
    await c.setState(state);
    expect([...(await b.getState()).arrays.parameters]).toEqual([...state.arrays.parameters]);
    expect(b.envSteps).toBe(a.envSteps);
    const [rb] = await b.iterate();
    const [rc] = await c.iterate();
    expect(rb.critic_loss).toBe(rc.critic_loss);
    expect([...b.model.readParameters()]).toEqual([...c.model.readParameters()]);
    const sb = await b.getState();
    expect([...sb.arrays['algorithm.adamV']]).toEqual([...(await c.getState()).arrays['algorithm.adamV']]);
    await Promise.all([a.dispose(), b.dispose(), c.dispose()]);
  });

  it('learns to reach the target (point-reach fixture)', async () => {
    const t = await trainer(ppoEntry);
    const before = await t.evaluate(20);
    for (let i = 0; i < 40; i++) await t.iterate();
    const after = await t.evaluate(20);
    expect(after.meanReturn).toBeGreaterThan(before.meanReturn + 3);
    expect(after.meanReturn).toBeGreaterThan(-6);
    const policy = t.exportPolicy();
    expect(policy.outputSquash).toBe('clip');
    expect(policy.layers.length).toBe(3);
    expect(policy.obsNormaliser).not.toBeNull();
    await t.dispose();
  }, 60_000);
});
