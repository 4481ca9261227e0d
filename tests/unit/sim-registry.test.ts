import { describe, expect, it } from 'vitest';
import { createEnv, robotInfo, robotNames } from '../../sim/registry.ts';
import { TimeLimit } from '../../sim/time-limit.ts';

describe('registry', () => {
  it('names the robots and describes them', () => {
    expect(robotNames).toEqual(['reacher', 'hopper']);
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
    expect(hopper.observationLayout[1]).toEqual({ name: 'torso angle (rooty)', unit: 'rad' });
    for (const body of [...reacher.bodies, ...hopper.bodies]) {
      expect(body.geoms.length).toBeGreaterThan(0);
      for (const geom of body.geoms) expect(['capsule', 'sphere', 'box', 'cylinder']).toContain(geom.shape);
    }
  });

  it('throws a clear error for an unknown robot', async () => {
    await expect(createEnv('walker')).rejects.toThrow(/unknown robot 'walker'; robots: reacher, hopper/);
    expect(() => robotInfo('walker')).toThrow(/unknown robot/);
  });

  it('builds both robots behind a TimeLimit that truncates at the Gymnasium limit', async () => {
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
