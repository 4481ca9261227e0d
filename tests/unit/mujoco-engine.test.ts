import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMujocoPhysics } from '../../sim/engines/mujoco/index.ts';
import { loadMujoco, mujocoModel, type MjDataHandle } from '../../sim/engines/mujoco/module.ts';
import { loadModel, modelText, type ModelFileName } from '../../sim/model/index.ts';
import { modelFiles } from '../../sim/model/model-files.ts';
import { createEnv } from '../../sim/registry.ts';
import type { SnapshotEnv } from '../../sim/env-common.ts';

interface Reference {
  frame_skip: number;
  qpos0: number[];
  qvel0: number[];
  steps: { action: number[]; qpos: number[]; qvel: number[] }[];
}

const reference = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/sim/${name}`, import.meta.url), 'utf8')) as Reference;

describe('MuJoCo engine (mujoco-js 0.0.7, MuJoCo 3.3.8)', () => {
  it('MuJoCo compiles every shipped model to our masses and inertias (1e-12 relative)', async () => {
    const mujoco = await loadMujoco();
    for (const file of Object.keys(modelFiles) as ModelFileName[]) {
      const ours = loadModel(file);
      const theirs = mujocoModel(mujoco, file, modelText(file));
      expect([theirs.nq, theirs.nv, theirs.nu, theirs.nbody]).toEqual([ours.nq, ours.nv, ours.nu, ours.bodies.length]);
      Array.from(theirs.qpos0).forEach((value, i) => expect(value).toBeCloseTo(ours.qpos0[i], 14));
      const mass = theirs.body_mass;
      const inertia = theirs.body_inertia;
      ours.bodies.forEach((body, b) => {
        expect(Math.abs(body.mass - mass[b])).toBeLessThanOrEqual(1e-12 * mass[b]);
        for (let k = 0; k < 3; k++) expect(Math.abs(body.inertia[k] - inertia[3 * b + k])).toBeLessThanOrEqual(1e-12 * inertia[3 * b + k]);
      });
    }
  });

  it.each([
    ['reacher.xml', 'reacher-seed1.json'],
    ['hopper.xml', 'hopper-seed2.json'],
    ['walker2d_v5.xml', 'walker2d-seed3.json'],
    ['half_cheetah.xml', 'half-cheetah-seed1.json'],
    ['ant.xml', 'ant-seed2.json'],
  ] as const)('%s reproduces MuJoCo 2.2.2 one step at a time to 1e-6 (%s)', async (file, trajectory) => {
    const data = reference(trajectory);
    const model = loadModel(file);
    const physics = await createMujocoPhysics(file, model, { frameSkip: data.frame_skip });
    const ctrl = new Float64Array(model.nu);
    let [qpos, qvel] = [data.qpos0, data.qvel0];
    let worst = 0;
    for (const step of data.steps) {
      physics.setState(qpos, qvel);
      ctrl.set(step.action);
      physics.stage(ctrl);
      physics.advance();
      for (let i = 0; i < model.nq; i++) worst = Math.max(worst, Math.abs(physics.qpos[i] - step.qpos[i]));
      [qpos, qvel] = [step.qpos, step.qvel];
    }
    physics.dispose();
    expect(worst).toBeLessThan(1e-6);
  });

  it('restores a snapshot bit for bit, contacts included, and two envs of one seed agree exactly', async () => {
    const run = (env: SnapshotEnv, steps: number) => {
      const out: number[] = [];
      for (let t = 0; t < steps; t++) {
        const result = env.step(Array.from({ length: env.actionSize }, (_, i) => Math.sin(0.3 * t + i)));
        out.push(...result.obs, result.reward);
        if (result.terminated || result.truncated) env.reset();
      }
      return out;
    };
    for (const robot of ['hopper', 'ant']) {
      const a = await createEnv(robot, { physics: 'mujoco', seed: 7 });
      const b = await createEnv(robot, { physics: 'mujoco', seed: 7 });
      expect(run(a, 60)).toEqual(run(b, 60));
      const snapshot = a.snapshot();
      const first = run(a, 60);
      b.restore(snapshot);
      expect(run(b, 60)).toEqual(first);
      const packed = new Float64Array(200);
      a.packState(packed, 0);
      a.dispose();
      b.dispose();
    }
  });

  it('reports each of its resets once and leaks no wasm memory over many steps', async () => {
    const mujoco = await loadMujoco();
    const memory = () => mujocoModel(mujoco, 'hopper.xml', modelText('hopper.xml')).body_mass.buffer.byteLength;
    const model = loadModel('hopper.xml');
    const physics = await createMujocoPhysics('hopper.xml', model, { frameSkip: 4 });
    // MuJoCo's clock, which a reset zeroes, as if the state came mid-episode rather than from setState.
    const data = Reflect.get(physics, 'data') as MjDataHandle;
    // Every other episode starts fast enough for MuJoCo to reset it in the first step, every fourth at 0.5 s on the
    // clock; each is stepped twice.
    const episodes = (count: number) => {
      let resets = 0;
      for (let i = 0; i < count; i++) {
        physics.setState(model.qpos0, i % 2 === 1 ? [0, 0, 1e7, 0, 0, 0] : new Float64Array(model.nv));
        if (i % 4 === 3) data.time = 0.5;
        for (let k = 0; k < 2; k++) {
          physics.advance();
          if (physics.diverged) resets++;
        }
      }
      return resets;
    };
    expect(episodes(2000)).toBe(1000);
    const before = memory();
    expect(episodes(20_000)).toBe(10_000);
    expect(memory()).toBe(before);
    physics.dispose();
  });

  it('loads only when chosen: createEnv with Rapier physics never imports mujoco-js', async () => {
    const env = await createEnv('hopper', { physics: 'rapier' });
    env.dispose();
    const source = readFileSync(new URL('../../sim/registry.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^import .*mujoco/m);
  });
});
