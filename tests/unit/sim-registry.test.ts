import { describe, expect, it } from 'vitest';
import { createEnv, defaultPhysics, robotInfo, robotNames, runsOn } from '../../sim/registry.ts';
import { rapierRefuses } from '../../sim/physics.ts';
import { TimeLimit } from '../../sim/time-limit.ts';

describe('registry', () => {
  it('names the robots and describes them', () => {
    expect(robotNames).toEqual(['reacher', 'hopper', 'walker2d', 'half-cheetah', 'ant', 'inverted-pendulum', 'inverted-double-pendulum', 'swimmer']);
    const reacher = robotInfo('reacher');
    expect([reacher.observationSize, reacher.actionSize, reacher.dt, reacher.maxEpisodeSteps]).toEqual([10, 2, 0.02, 50]);
    const hopper = robotInfo('hopper');
    expect([hopper.observationSize, hopper.actionSize, hopper.maxEpisodeSteps]).toEqual([11, 3, 1000]);
    expect(hopper.dt).toBeCloseTo(0.008, 12);
    expect(hopper.bodies.map((b) => b.name)).toEqual(['torso', 'thigh', 'leg', 'foot']);
    for (const info of [reacher, hopper]) {
      expect(info.observationLayout.length).toBe(info.observationSize);
      expect(info.actionLayout.length).toBe(info.actionSize);
    }
    expect(hopper.observationLayout[1]).toEqual({ name: 'rooty position', unit: 'rad' });
    for (const body of [...reacher.bodies, ...hopper.bodies]) {
      expect(body.geoms.length).toBeGreaterThan(0);
      for (const geom of body.geoms) expect(['capsule', 'sphere', 'box', 'cylinder']).toContain(geom.shape);
    }
  });

  it('throws a clear error for an unknown robot', async () => {
    await expect(createEnv('walker')).rejects.toThrow(/unknown robot 'walker'; robots: reacher, hopper, walker2d/);
    expect(() => robotInfo('walker')).toThrow(/unknown robot/);
  });

  it('describes the model-file robots from their MJCF and task files (Gymnasium v5 sizes)', () => {
    const sizes = robotNames.map((robot) => {
      const info = robotInfo(robot);
      expect(info.observationLayout.length).toBe(info.observationSize);
      expect(info.actionLayout.length).toBe(info.actionSize);
      return [robot, info.observationSize, info.actionSize, info.nq, info.nv, Number(info.dt.toFixed(6)), info.maxEpisodeSteps];
    });
    expect(sizes).toEqual([
      ['reacher', 10, 2, 4, 4, 0.02, 50],
      ['hopper', 11, 3, 6, 6, 0.008, 1000],
      ['walker2d', 17, 6, 9, 9, 0.008, 1000],
      ['half-cheetah', 17, 6, 9, 9, 0.05, 1000],
      ['ant', 105, 8, 15, 14, 0.05, 1000],
      ['inverted-pendulum', 4, 1, 2, 2, 0.04, 1000],
      ['inverted-double-pendulum', 9, 1, 3, 3, 0.05, 1000],
      ['swimmer', 8, 2, 5, 5, 0.04, 1000],
    ]);
    expect(robotInfo('walker2d').bodies.map((b) => b.name)).toEqual(['torso', 'thigh', 'leg', 'foot', 'thigh_left', 'leg_left', 'foot_left']);
    expect(robotNames.map(defaultPhysics)).toEqual(['rapier', 'rapier', 'rapier', 'rapier', 'rapier', 'rapier', 'mujoco', 'rapier']);
  });

  it('refuses a physics that does not exist, the retired joint-space included, naming those that do', async () => {
    await expect(createEnv('hopper', { physics: 'joint-space' as never })).rejects.toThrow(/unknown physics 'joint-space'; physics: rapier, mujoco/);
    await expect(createEnv('hopper', { physics: 'bullet' as never })).rejects.toThrow(/unknown physics 'bullet'; physics: rapier, mujoco/);
  });

  it('defaults to Rapier exactly where the Rapier engine builds the robot (physics.ts rapierRefuses), else MuJoCo', async () => {
    for (const robot of robotNames) {
      const built = await createEnv(robot, { physics: 'rapier' }).then(
        (env) => (env.dispose(), true),
        () => false,
      );
      expect([robot, built]).toEqual([robot, !Object.hasOwn(rapierRefuses, robot)]);
      // runsOn (what `bench sim --physics rapier` lists) says the same; MuJoCo builds every robot.
      expect([robot, runsOn(robot, 'rapier'), runsOn(robot, 'mujoco')]).toEqual([robot, built, true]);
      expect(defaultPhysics(robot)).toBe(built ? 'rapier' : 'mujoco');
    }
  });

  it('builds every robot behind a TimeLimit that truncates at the Gymnasium limit', async () => {
    for (const robot of robotNames) {
      const env = await createEnv(robot, { seed: 1 });
      expect(env).toBeInstanceOf(TimeLimit);
      expect(env.robot).toBe(robot);
      const obs = env.reset(1);
      expect(obs).toBeInstanceOf(Float32Array);
      expect(obs.length).toBe(env.observationSize);
      env.dispose();
    }
    const reacher = await createEnv('reacher', { seed: 2 });
    let steps = 0;
    let result;
    do {
      result = reacher.step([0.1, -0.1]);
      steps++;
    } while (!result.truncated && steps < 100);
    expect(steps).toBe(50);
    expect(result.terminated).toBe(false);
    reacher.dispose();
  });
});
