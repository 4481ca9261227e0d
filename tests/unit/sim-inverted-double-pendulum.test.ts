import { describe, expect, it } from 'vitest';
import { loadModel } from '../../sim/model/index.ts';
import { RapierRobot } from '../../sim/engines/rapier/robot.ts';
import { liveRapierEngineWorlds } from '../../sim/engines/rapier/world.ts';
import { createEnv, defaultPhysics, robotInfo } from '../../sim/registry.ts';

// Gymnasium InvertedDoublePendulum-v5: observation (with the slider's constraint force, MuJoCo's qfrc_constraint),
// reward terms, termination. It runs on MuJoCo: Rapier reports no constraint forces (physics.ts rapierRefuses).

const ROBOT = 'inverted-double-pendulum';

describe('InvertedDoublePendulum-v5', () => {
  it('is described as Gymnasium describes it and defaults to MuJoCo', () => {
    const info = robotInfo(ROBOT);
    expect([info.observationSize, info.actionSize, info.nq, info.nv, info.frameSkip, info.maxEpisodeSteps, info.rewardThreshold]).toEqual([
      9, 1, 3, 3, 5, 1000, 9100,
    ]);
    expect(info.rewardTerms).toEqual(['alive', 'distance', 'velocity']);
    expect(info.observationLayout.map((signal) => signal.name)).toEqual([
      'slider position',
      'sin hinge',
      'sin hinge2',
      'cos hinge',
      'cos hinge2',
      'slider velocity (clipped +-10)',
      'hinge velocity (clipped +-10)',
      'hinge2 velocity (clipped +-10)',
      'slider constraint force (clipped +-10)',
    ]);
    expect(defaultPhysics(ROBOT)).toBe('mujoco');
  });

  for (const physics of ['mujoco'] as const) {
    it(`${physics}: observes position, sin/cos, clipped rates; pays 10 minus the tip's distance and the rates; ends below y = 1`, async () => {
      const env = await createEnv(ROBOT, { physics, seed: 3, maxEpisodeSteps: 0 });
      env.setState([0.1, 0.05, -0.1], [20, 0.5, -11]);
      const step = env.step([0]);
      const { qpos, qvel } = env.getState();
      const obs = Array.from(step.obs);
      expect(obs.slice(0, 5)).toEqual(
        [qpos[0], Math.sin(qpos[1]), Math.sin(qpos[2]), Math.cos(qpos[1]), Math.cos(qpos[2])].map((value) => Math.fround(value)),
      );
      expect(obs.slice(5, 8)).toEqual(Array.from(qvel, (value) => Math.fround(Math.min(10, Math.max(-10, value)))));
      expect(Math.max(...Array.from(qvel, Math.abs))).toBeGreaterThan(10); // the clip was exercised
      // The tip: the second pole's end, 0.6 + 0.6 above the cart when upright.
      const x = qpos[0] + 0.6 * Math.sin(qpos[1]) + 0.6 * Math.sin(qpos[1] + qpos[2]);
      const y = 0.6 * Math.cos(qpos[1]) + 0.6 * Math.cos(qpos[1] + qpos[2]);
      expect(step.terminated).toBe(false);
      expect(step.info.terms.alive).toBe(10);
      // Gymnasium reads site_xpos after mj_step, where MuJoCo computed it: at the start of the last physics step
      // (0.01 s before qpos), so the tip from the final qpos is only near it.
      expect(step.info.terms.distance).toBeCloseTo(-(0.01 * x * x + (y - 2) ** 2), 1);
      expect(step.info.terms.distance).toBeLessThan(-0.5);
      expect(step.info.terms.velocity).toBeCloseTo(-(1e-3 * qvel[1] ** 2 + 5e-3 * qvel[2] ** 2), 9);
      expect(step.reward).toBeCloseTo(step.info.terms.alive + step.info.terms.distance + step.info.terms.velocity, 9);
      // Fallen: the first pole nearly flat puts the tip below y = 1.
      env.setState([0, 1.4, 0], [0, 0, 0]);
      const fallen = env.step([0]);
      expect(fallen.terminated).toBe(true);
      expect(fallen.info.terms.alive).toBe(0);
      env.dispose();
    });

    it(`${physics}: the slider's constraint force is 0 in the range and pushes back (clipped to -10) at its end`, async () => {
      const env = await createEnv(ROBOT, { physics, seed: 1, maxEpisodeSteps: 0 });
      env.setState([0, 0, 0], [0, 0, 0]);
      expect(env.step([0.2]).obs[8]).toBe(0);
      // Driven into the upper end of the rail (range +-1, MuJoCo's margin 0.01) at full force.
      env.setState([0.995, 0, 0], [1, 0, 0]);
      const pressed = env.step([1]);
      expect(pressed.obs[8]).toBe(-10);
      expect(env.getState().qpos[0]).toBeLessThan(1.01);
      env.dispose();
    });
  }

  it('Rapier refuses it, saying why: no constraint forces (qfrc_constraint) from its JS API', async () => {
    await expect(createEnv(ROBOT, { physics: 'rapier' })).rejects.toThrow(
      /cartpole: the Rapier engine cannot compute constraint forces \(qfrc_constraint\): its JS API reports no joint impulses/,
    );
    await expect(RapierRobot.create(loadModel('inverted_double_pendulum.xml'), { frameSkip: 5, constraintForces: true })).rejects.toThrow(
      /qfrc_constraint/,
    );
    // Built without them (nothing reads them), the model itself is within the engine's reach.
    const robot = await RapierRobot.create(loadModel('inverted_double_pendulum.xml'), { frameSkip: 5 });
    robot.dispose();
    expect(liveRapierEngineWorlds()).toBe(0);
  });
});
