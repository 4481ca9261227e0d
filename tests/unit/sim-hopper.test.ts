import { describe, expect, it } from 'vitest';
import { createEnv } from '../../sim/registry.ts';

/** Hopper-v5's initial qpos (hopper.xml's qpos0). */
const INIT_QPOS = [0, 1.25, 0, 0, 0, 0];
/** The Hopper on the MuJoCo engine, without a time limit: Gymnasium's dynamics, what these checks were worked out on. */
const hopper = (seed = 0) => createEnv('hopper', { physics: 'mujoco', seed, maxEpisodeSteps: 0 });

describe('Hopper-v5 (MuJoCo engine)', () => {
  it('resets near qpos0 and observes qpos[1:] then qvel clipped to +-10', async () => {
    const env = await hopper(2);
    const obs = env.reset(2);
    const { qpos, qvel } = env.getState();
    INIT_QPOS.forEach((value, i) => expect(Math.abs(qpos[i] - value)).toBeLessThanOrEqual(0.005));
    qvel.forEach((value) => expect(Math.abs(value)).toBeLessThanOrEqual(0.005));
    expect(Array.from(obs.slice(0, 5))).toEqual(Array.from(qpos.slice(1)).map(Math.fround));
    env.setState([0, 1.25, 0, 0, 0, 0], [50, -50, 0, 3, 0, 0]);
    const moved = env.step([0, 0, 0]).obs;
    expect(moved[5]).toBe(10);
    expect(moved[6]).toBe(-10);
  });

  it('pays forward velocity + 1 - 1e-3 sum(a^2) while healthy', async () => {
    const env = await hopper(4);
    const x0 = env.getState().qpos[0];
    const result = env.step([0.5, -0.5, 2]);
    const x1 = env.getState().qpos[0];
    expect(result.terminated).toBe(false);
    expect(result.info.terms.forward).toBeCloseTo((x1 - x0) / 0.008, 9);
    expect(result.info.terms.healthy).toBe(1);
    expect(result.info.terms.control).toBeCloseTo(-1e-3 * (0.25 + 0.25 + 1), 12);
    expect(result.reward).toBeCloseTo(result.info.terms.forward + 1 + result.info.terms.control, 12);
  });

  it('terminates when unhealthy and pays no healthy reward on that step (v5)', async () => {
    const env = await hopper(0);
    env.setState([0, 1.25, 0.25, 0, 0, 0], [0, 0, 0, 0, 0, 0]);
    const tilted = env.step([0, 0, 0]);
    expect(tilted.terminated).toBe(true);
    expect(tilted.info.terms.healthy).toBe(0);
    // any state entry beyond +-100 (here the forward speed, which nothing slows in the air) is unhealthy too
    env.setState([0, 1.25, 0, 0, 0, 0], [150, 0, 0, 0, 0, 0]);
    const fast = env.step([0, 0, 0]);
    expect(fast.terminated).toBe(true);
    expect(fast.info.physicsBlowUp).toBeUndefined();
  });

  it('falls under gravity and lands on the foot: the first contact comes about 0.09 s after a reset', async () => {
    const env = await hopper(0);
    env.setState([0, 1.25, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]);
    let steps = 0;
    // the foot's lowest point starts 0.04 m up: free fall reaches it after sqrt(2 * 0.039 / 9.81) = 0.089 s
    while (env.getState().qvel[1] > -0.85 && steps < 30) {
      env.step([0, 0, 0]);
      steps++;
    }
    expect(steps * 0.008).toBeGreaterThan(0.08);
    expect(steps * 0.008).toBeLessThan(0.1);
  });

  it('rejects bad actions', async () => {
    const env = await hopper(0);
    expect(() => env.step([0, 0])).toThrow(/hopper: action has 2 entries, expected 3/);
    expect(() => env.step([0, Number.POSITIVE_INFINITY, 0])).toThrow(/hopper: action\[1\] is Infinity/);
  });

  it('is bit-for-bit deterministic and restores snapshots exactly', async () => {
    const a = await hopper(5);
    const b = await hopper(5);
    const actions = Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(2 * i), Math.sin(3 * i)]);
    const trace: Float32Array[] = [];
    let snapshot = a.snapshot();
    actions.forEach((action, i) => {
      if (i === 20) snapshot = a.snapshot();
      const obs = a.step(action).obs;
      expect(b.step(action).obs).toEqual(obs);
      trace.push(obs);
    });
    a.restore(snapshot);
    for (let i = 20; i < 40; i++) expect(a.step(actions[i]).obs).toEqual(trace[i]);
  });

  it('writes body frames for the renderer: torso at rootx/rootz, pitch as a quaternion about y', async () => {
    const env = await hopper(0);
    env.setState([0.3, 1.1, 0.1, 0, 0, 0], [0, 0, 0, 0, 0, 0]);
    const poses = new Float32Array(4 * 7);
    env.writePoses(poses, 0);
    expect(poses[0]).toBeCloseTo(0.3, 6);
    expect(poses[2]).toBeCloseTo(1.1, 6);
    expect(poses[4]).toBeCloseTo(Math.sin(0.05), 6);
    expect(poses[6]).toBeCloseTo(Math.cos(0.05), 6);
    // the thigh hangs 0.2 m below the torso origin along the torso's tilted axis
    expect(poses[7]).toBeCloseTo(0.3 - 0.2 * Math.sin(0.1), 6);
    expect(poses[9]).toBeCloseTo(1.1 - 0.2 * Math.cos(0.1), 6);
  });

  it('also runs on Rapier physics (see sim-rapier.test.ts)', async () => {
    const env = await createEnv('hopper', { physics: 'rapier', seed: 1 });
    for (let i = 0; i < 20; i++) {
      const result = env.step([0.2, -0.2, 0.1]);
      expect(Array.from(result.obs).every(Number.isFinite)).toBe(true);
    }
    env.dispose();
  });
});
