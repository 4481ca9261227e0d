import { describe, it, expect, beforeAll } from 'vitest';
import { initTf, tf } from '../../agents/shared/tf.ts';
import { createDdpgAgent, ddpgDefaults, ddpgEntry } from '../../agents/off-policy/ddpg.ts';
import { allocateBatch } from '../../agents/shared/replay-buffer.ts';
import { Rng } from '../../sim/rng.ts';
import { tfMlpOf } from '../oracles/tf-mlp.ts';

beforeAll(async () => {
  await initTf();
});

describe('DDPG', () => {
  it("targets y = r + gamma (1 - d) Q'(s', mu'(s')) with no smoothing noise", () => {
    const ddpg = createDdpgAgent({ ...ddpgDefaults, hiddenSizes: [8] }, 2, 1, new Rng(1));
    const batch = allocateBatch(4, 2, 1);
    batch.nextObs.set([0.1, 0.2, -0.3, 0.4, 0.5, -0.6, 0.7, 0.8]);
    batch.rewards.set([1, 2, 3, 4]);
    batch.terminated.set([0, 1, 0, 0]);
    const y = Float32Array.from(ddpg.computeTargets(batch, new Rng(2)));
    const { actor, critics } = ddpg.networks;
    expect(critics.length).toBe(1);
    const [actorTarget, criticTarget] = [actor.target, critics[0].target].map(tfMlpOf);
    const expected = tf.tidy(() => {
      const nextObs = tf.tensor2d(batch.nextObs, [4, 2]);
      const q = criticTarget.apply(tf.concat([nextObs, actorTarget.apply(nextObs)], 1) as tf.Tensor2D);
      return Array.from(q.dataSync()).map((v, b) => batch.rewards[b] + 0.99 * (1 - batch.terminated[b]) * v);
    });
    y.forEach((v, b) => expect(v).toBeCloseTo(expected[b], 5));
    actorTarget.dispose();
    criticTarget.dispose();
    ddpg.dispose();
  });

  it('updates the actor at every step by default, and takes OU noise', () => {
    const ddpg = createDdpgAgent({ ...ddpgDefaults, hiddenSizes: [8], noiseType: 'ou', numEnvs: 2 }, 2, 1, new Rng(1));
    const batch = allocateBatch(4, 2, 1);
    batch.obs.set([0.1, 0.2, -0.3, 0.4, 0.5, -0.6, 0.7, 0.8]);
    batch.obsActions.set([0.1, 0.2, 0.5, -0.3, 0.4, 0, 0.5, -0.6, 1, 0.7, 0.8, -1]);
    const before = Float32Array.from(ddpg.networks.actor.params);
    expect(ddpg.update(batch, new Rng(3), true)).toHaveProperty('actor_loss');
    expect(ddpg.networks.actor.params).not.toEqual(before);
    const actions = new Float32Array(2);
    ddpg.act(new Float32Array(4), 2, true, new Rng(4), actions);
    expect(ddpg.getState().arrays.noise.length).toBe(2);
    expect(() => ddpgEntry.validate({ noiseType: 'pink' })).toThrow(/noiseType must be one of gaussian, ou/);
    ddpg.dispose();
  });
});
