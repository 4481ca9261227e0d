import { describe, expect, it } from 'vitest';
import { loadModel } from '../../sim/model/index.ts';
import { createMujocoPhysics } from '../../sim/engines/mujoco/index.ts';
import { RapierRobot } from '../../sim/engines/rapier/robot.ts';
import { liveRapierEngineWorlds } from '../../sim/engines/rapier/world.ts';

// How fast a Reacher's links really turn, against the Rapier engine's spin check (engines/rapier/divergence.ts:
// more than half a turn per world step, pi / h = 314 rad/s at the Reacher's 10 ms) and Rapier's own cap (a quarter
// turn per world step, 78.5 rad/s), measured physics step by physics step.

const model = loadModel('reacher.xml');
const h = model.option.timestep;

/** The fastest link: body0 turns at qvel0, body1 and the fingertip at qvel0 + qvel1 (both hinges are about z). */
const linkRate = (qvel: Float64Array) => Math.max(Math.abs(qvel[0]), Math.abs(qvel[0] + qvel[1]));

describe('Reacher link rates against the spin check', () => {
  it('MuJoCo: the fastest a Reacher gets (joint0 driven one way, joint1 swung limit to limit, no time limit) stays under half a turn per step (measured 246.6 rad/s)', async () => {
    const physics = await createMujocoPhysics('reacher.xml', model, { frameSkip: 1 });
    const ctrl = Float64Array.from([1, 1]);
    let fastest = 0;
    for (let k = 0; k < 2000; k++) {
      // joint1 reverses near each end of its +-3 rad range, adding its swing to joint0's spin (gear 200 / damping 1).
      if (physics.qpos[1] > 2.5) ctrl[1] = -1;
      if (physics.qpos[1] < -2.5) ctrl[1] = 1;
      physics.stage(ctrl);
      physics.advance();
      fastest = Math.max(fastest, linkRate(physics.qvel));
      expect(physics.diverged).toBe(false);
    }
    expect(fastest).toBeGreaterThan(230);
    expect(fastest).toBeLessThan(0.85 * (Math.PI / h));
    physics.dispose();
  });

  it("Rapier: a Reacher set at 150 rad/s and driven on turns at Rapier's cap, a quarter turn per world step (MuJoCo keeps 148.5)", async () => {
    const robot = await RapierRobot.create(model, { frameSkip: 1 });
    const ctrl = Float64Array.from([1, 0]);
    robot.setState([0, 0, 0.1, -0.1], [150, 0, 0, 0]);
    for (let k = 0; k < 20; k++) {
      robot.stage(ctrl);
      robot.advance();
      expect(robot.diverged).toBe(false);
      expect(linkRate(robot.qvel)).toBeLessThan((1.01 * Math.PI) / 4 / h);
    }
    expect(linkRate(robot.qvel)).toBeGreaterThan(0.99 * (Math.PI / 4 / h));
    robot.dispose();
    expect(liveRapierEngineWorlds()).toBe(0);
  });

  it('Rapier: a set spin is a blow-up above half a turn per world step, not below', async () => {
    const robot = await RapierRobot.create(model, { frameSkip: 1 });
    for (const [rate, diverged] of [
      [0.95 * (Math.PI / h), false],
      [1.05 * (Math.PI / h), true],
    ] as const) {
      robot.setState([0, 0, 0.1, -0.1], [rate, 0, 0, 0]);
      robot.stage(Float64Array.from([0, 0]));
      robot.advance();
      expect([rate, robot.diverged]).toEqual([rate, diverged]);
    }
    robot.dispose();
  });
});
