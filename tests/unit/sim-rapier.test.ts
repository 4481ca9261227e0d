import { describe, expect, it } from 'vitest';
import type { StagedEnv } from '../../sim/env-common.ts';
import { liveRapierEngineWorlds as liveRapierWorlds } from '../../sim/engines/rapier/world.ts';
import { createEnv, createRapierScene, robotInfo } from '../../sim/registry.ts';

// The env contract on Rapier physics, for a lone env (a world of its own) and envs sharing a world.

describe.each(['reacher', 'hopper'])('%s on Rapier physics', (robot) => {
  const info = robotInfo(robot);
  const zeros = () => new Array<number>(info.actionSize).fill(0.3);

  it('resets like the MuJoCo engine (the same task: same random draws, same observation and poses)', async () => {
    const rapier = await createEnv(robot, { physics: 'rapier', seed: 4 });
    const joint = await createEnv(robot, { physics: 'mujoco', seed: 4 });
    // Rapier keeps poses and velocities in single precision (rapier3d is the f32 build).
    const [r, j] = [rapier.getState(), joint.getState()];
    r.qpos.forEach((value, i) => expect(value).toBeCloseTo(j.qpos[i], 6));
    r.qvel.forEach((value, i) => expect(value).toBeCloseTo(j.qvel[i], 6));
    const a = rapier.reset(9);
    const b = joint.reset(9);
    a.forEach((value, i) => expect(value).toBeCloseTo(b[i], 6));
    const poses = [new Float32Array(info.bodies.length * 7), new Float32Array(info.bodies.length * 7)];
    rapier.writePoses(poses[0], 0);
    joint.writePoses(poses[1], 0);
    poses[0].forEach((value, i) => expect(value).toBeCloseTo(poses[1][i], 6));
    rapier.dispose();
    joint.dispose();
  });

  it('sets, gets, snapshots and restores its state; a restored env takes the same next step', async () => {
    const env = await createEnv(robot, { physics: 'rapier', seed: 2 });
    const { qpos, qvel } = env.getState();
    qvel[0] = 0.2;
    env.setState(qpos, qvel);
    const got = env.getState();
    got.qpos.forEach((value, i) => expect(value).toBeCloseTo(qpos[i], 6));
    got.qvel.forEach((value, i) => expect(value).toBeCloseTo(qvel[i], 6));
    for (let i = 0; i < 3; i++) env.step(zeros());
    const snapshot = env.snapshot();
    const next = env.step(zeros());
    const other = await createEnv(robot, { physics: 'rapier', seed: 77 });
    const baseline = liveRapierWorlds();
    other.restore(snapshot);
    // The snapshot holds the whole world (joint drift, contacts, the solver's warm starts): the same step bit for bit.
    expect(other.step(zeros())).toEqual(next);
    expect(env.step(zeros())).toEqual(other.step(zeros()));
    expect(liveRapierWorlds()).toBe(baseline); // the restored world replaced the env's own
    env.dispose();
    other.dispose();
  });

  it('restores an env of a shared world into a lone env bit for bit (the other robots of the saved world are dropped)', async () => {
    const scene = await createRapierScene(robot);
    const envs = [0, 1, 2].map((lane) => createEnv(robot, { physics: 'rapier', scene, lane, seed: 10 + lane }));
    const shared = (await Promise.all(envs)) as StagedEnv[];
    const act = (step: number, k: number) => Array.from({ length: info.actionSize }, (_, j) => Math.sin(step + 2 * k + j));
    const stepAll = (step: number) => {
      shared.forEach((env, k) => env.stage(act(step, k)));
      scene.step();
      return shared.map((env) => env.finish());
    };
    for (let step = 0; step < 12; step++) stepAll(step);
    const snapshot = shared[1].snapshot();
    const lone = await createEnv(robot, { physics: 'rapier', lane: 1, seed: 0 });
    lone.restore(snapshot);
    for (let step = 12; step < 20; step++) expect(lone.step(act(step, 1))).toEqual(stepAll(step)[1]);
    const other = await createEnv(robot, { physics: 'rapier', lane: 0 });
    expect(() => other.restore({ ...snapshot, scenes: new Map() })).toThrow(/does not hold Rapier world 0/);
    for (const env of [...shared, lone, other]) env.dispose();
  });

  it('rejects bad actions and states with clear errors', async () => {
    const env = await createEnv(robot, { physics: 'rapier' });
    expect(() => env.step([0.1])).toThrow(new RegExp(`${robot}: action has 1 entries, expected ${info.actionSize}`));
    expect(() => env.step(zeros().map(() => Number.NaN))).toThrow(/action\[0\] is NaN/);
    expect(() => env.setState([0], [0])).toThrow(/setState needs qpos/);
    env.dispose();
  });

  it('frees its world on dispose; a shared world lives until its last robot is disposed', async () => {
    const baseline = liveRapierWorlds();
    const lone = await createEnv(robot, { physics: 'rapier' });
    expect(liveRapierWorlds()).toBe(baseline + 1);
    lone.dispose();
    const scene = await createRapierScene(robot);
    const envs = [await createEnv(robot, { physics: 'rapier', scene }), await createEnv(robot, { physics: 'rapier', scene, seed: 1 })];
    expect(liveRapierWorlds()).toBe(baseline + 1);
    envs[0].dispose();
    expect(liveRapierWorlds()).toBe(baseline + 1);
    envs[1].dispose();
    expect(liveRapierWorlds()).toBe(baseline);
  });

  it('steps the envs of a shared world together; stepping one alone is an error, not a silent stale step', async () => {
    const scene = await createRapierScene(robot);
    const [a, b] = [
      await createEnv(robot, { physics: 'rapier', scene }),
      await createEnv(robot, { physics: 'rapier', scene, seed: 1 }),
    ] as StagedEnv[];
    expect(() => a.step(zeros())).toThrow(/robot 1 of 2 sharing this world has no staged action/);
    a.stage(zeros());
    b.stage(zeros());
    scene.step();
    expect(Array.from(a.finish().obs).every(Number.isFinite)).toBe(true);
    expect(Array.from(b.finish().obs).every(Number.isFinite)).toBe(true);
    a.dispose();
    b.dispose();
    await expect(createEnv(robot, { physics: 'mujoco', scene })).rejects.toThrow(/a scene is for Rapier physics only/);
    const other = robot === 'reacher' ? 'hopper' : 'reacher';
    await expect(createEnv(other, { physics: 'rapier', scene })).rejects.toThrow(new RegExp(`a ${other} cannot join a ${robot} world`));
  });
});

describe('Rapier Reacher', () => {
  it('moves like two damped integrators away from the limit: q0 velocity after one step from rest at u = 1', async () => {
    const env = await createEnv('reacher', { physics: 'rapier' });
    env.setState([0, 0, 0.1, 0.1], [0, 0, 0, 0]);
    env.step([1, 0]);
    // q'' ~= 200 u - q' with armature 1: v(0.02) = 200 (1 - e^-0.02) = 3.96
    expect(env.getState().qvel[0]).toBeGreaterThan(3.9);
    expect(env.getState().qvel[0]).toBeLessThan(3.97);
    env.dispose();
  });
});
