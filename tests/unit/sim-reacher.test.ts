import { describe, expect, it } from 'vitest';
import { createEnv } from '../../sim/registry.ts';

/** The Reacher on the MuJoCo engine, without a time limit: Gymnasium's dynamics, what these checks were worked out on. */
const reacher = (seed = 0) => createEnv('reacher', { physics: 'mujoco', seed, maxEpisodeSteps: 0 });

describe('Reacher-v5 (MuJoCo engine)', () => {
  it('resets with the arm near zero, the target inside a 0.2 m disc and the observation laid out as Gymnasium', async () => {
    const env = await reacher(7);
    for (let episode = 0; episode < 20; episode++) {
      const obs = env.reset();
      const { qpos, qvel } = env.getState();
      expect(Math.abs(qpos[0])).toBeLessThanOrEqual(0.1);
      expect(Math.abs(qpos[1])).toBeLessThanOrEqual(0.1);
      expect(Math.hypot(qpos[2], qpos[3])).toBeLessThan(0.2);
      expect(Math.abs(qvel[0])).toBeLessThanOrEqual(0.005);
      expect([qvel[2], qvel[3]]).toEqual([0, 0]);
      expect(obs[0]).toBeCloseTo(Math.cos(qpos[0]), 6);
      expect(obs[3]).toBeCloseTo(Math.sin(qpos[1]), 6);
      expect([obs[4], obs[5]]).toEqual([Math.fround(qpos[2]), Math.fround(qpos[3])]);
      // fingertip - target, with links of 0.1 m and 0.11 m
      const tipX = 0.1 * Math.cos(qpos[0]) + 0.11 * Math.cos(qpos[0] + qpos[1]);
      expect(obs[8]).toBeCloseTo(tipX - qpos[2], 6);
    }
  });

  it('pays -distance - sum(a^2) on the clipped action, distance after the step', async () => {
    const env = await reacher(1);
    const result = env.step([0.5, -2]);
    expect(result.info.terms.control).toBeCloseTo(-(0.25 + 1), 12);
    expect(result.info.terms.distance).toBeCloseTo(-Math.hypot(result.obs[8], result.obs[9]), 6);
    expect(result.reward).toBeCloseTo(result.info.terms.distance + result.info.terms.control, 12);
    expect(result.terminated).toBe(false);
  });

  it('moves like two damped integrators away from the limit: q0 velocity after one step from rest at u = 1', async () => {
    const env = await reacher(0);
    env.setState([0, 0, 0.1, 0.1], [0, 0, 0, 0]);
    env.step([1, 0]);
    // q'' ~= 200 u - q' with armature 1 (the links add ~1e-3): v(0.02) = 200 (1 - e^-0.02) = 3.96
    expect(env.getState().qvel[0]).toBeGreaterThan(3.9);
    expect(env.getState().qvel[0]).toBeLessThan(3.97);
  });

  it('rejects actions of the wrong length or with NaN', async () => {
    const env = await reacher(0);
    expect(() => env.step([0.1])).toThrow(/reacher: action has 1 entries, expected 2/);
    expect(() => env.step([0.1, Number.NaN])).toThrow(/reacher: action\[1\] is NaN/);
    expect(() => env.setState([0, 0], [0, 0])).toThrow(/setState needs qpos\[4\]/);
  });

  it('is bit-for-bit deterministic and restores snapshots exactly', async () => {
    const a = await reacher(11);
    const b = await reacher(11);
    const actions = Array.from({ length: 60 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
    const snapshots = [];
    const trace: Float32Array[] = [];
    for (const [i, action] of actions.entries()) {
      if (i === 30) snapshots.push(a.snapshot());
      const ra = a.step(action);
      expect(b.step(action).obs).toEqual(ra.obs);
      trace.push(ra.obs);
    }
    a.restore(snapshots[0]);
    for (let i = 30; i < 60; i++) expect(a.step(actions[i]).obs).toEqual(trace[i]);
    // the random stream is part of the snapshot: resets after a restore repeat too
    a.restore(snapshots[0]);
    const first = a.reset();
    a.restore(snapshots[0]);
    expect(a.reset()).toEqual(first);
  });
});
