import { describe, expect, it } from 'vitest';
import { createEnv } from '../../sim/registry.ts';

// A diverged physics state ends the episode with info.physicsBlowUp on both engines: MuJoCo resets such a state
// itself (its bad qpos/qvel/qacc warning) and Rapier slows or tears it silently, so the engines report it
// (engines/mujoco/physics.ts, engines/rapier/divergence.ts) and the env does not pass the reset state off as physics.

const cases = [
  { robot: 'reacher', qpos: [0, 0, 0.1, 0], qvel: [Number.MAX_VALUE, 0, 0, 0], action: [0, 0] },
  { robot: 'reacher', qpos: [0, 0, 0.1, 0], qvel: [1e7, 0, 0, 0], action: [0, 0] },
  { robot: 'hopper', qpos: [0, 1.25, 0, 0, 0, 0], qvel: [0, 0, 1e7, 0, 0, 0], action: [0, 0, 0] },
  { robot: 'swimmer', qpos: [0, 0, 0, 0, 0], qvel: [0, 0, 1e7, 0, 0], action: [0, 0] },
] as const;

describe('physics blow-ups', () => {
  for (const physics of ['mujoco', 'rapier'] as const) {
    it(`${physics}: a diverged step ends the episode with physicsBlowUp, finite observations and no reward`, async () => {
      for (const { robot, qpos, qvel, action } of cases) {
        const env = await createEnv(robot, { physics, seed: 0, maxEpisodeSteps: 0 });
        env.setState(qpos, qvel);
        const result = env.step(action);
        expect([robot, qvel, result.terminated, result.info.physicsBlowUp]).toEqual([robot, qvel, true, true]);
        expect(result.reward).toBe(0);
        expect(Array.from(result.obs).every(Number.isFinite)).toBe(true);
        // The next episode starts clean.
        env.reset(1);
        const next = env.step(action);
        expect(next.info.physicsBlowUp).toBeUndefined();
        env.dispose();
      }
    });

    it(`${physics}: ordinary fast motion is not a blow-up (the Reacher at 100 rad/s)`, async () => {
      const env = await createEnv('reacher', { physics, seed: 0, maxEpisodeSteps: 0 });
      env.setState([0, 0, 0.1, 0], [100, -100, 0, 0]);
      for (let k = 0; k < 20; k++) expect(env.step([1, -1]).info.physicsBlowUp).toBeUndefined();
      env.dispose();
    });
  }
});
