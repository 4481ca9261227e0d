import { describe, expect, it } from 'vitest';
import { measureFidelity, recordMujocoTrajectory } from '../../sim/fidelity.ts';
import { compileMjcf, loadModel } from '../../sim/model/index.ts';
import { RapierRobot } from '../../sim/engines/rapier/robot.ts';
import { planRapierLayout } from '../../sim/engines/rapier/layout.ts';
import { liveRapierEngineWorlds } from '../../sim/engines/rapier/world.ts';
import { createEnv } from '../../sim/registry.ts';

// The Swimmer on the Rapier engine: armature on its root slides and hinge (in the root link's mass), MuJoCo's fluid
// forces (the inertia-box model), compared with MuJoCo's own trajectory (no reference file was recorded for it).

/** A Swimmer-like model: a root with slides and a hinge carrying `rootJoints`' attributes, one capsule. */
function planarRoot(rootJoints: string, option = ''): string {
  return `<mujoco model="probe">
  <option timestep="0.01" ${option}/>
  <worldbody>
    <body name="torso">
      <geom type="capsule" fromto="0 0 0 1 0 0" size="0.1" contype="0" conaffinity="0"/>
      <joint name="x" type="slide" axis="1 0 0" ${rootJoints}/>
      <joint name="y" type="slide" axis="0 1 0" ${rootJoints}/>
      <joint name="rot" type="hinge" axis="0 0 1"/>
    </body>
  </worldbody>
</mujoco>`;
}

describe('Rapier engine: the Swimmer', () => {
  it('puts the root armature into the root link exactly: a point mass at the origin and a rotor about the hinge', () => {
    const model = loadModel('swimmer.xml');
    const layout = planRapierLayout(model);
    const torso = model.bodies.find((body) => body.name === 'torso')!;
    const root = layout.links.find((link) => link.body === torso.id)!;
    expect(root.armatureMass).toBe(0.1);
    expect(root.mass).toBeCloseTo(torso.mass + 0.1, 12);
    // The centre of mass moves towards the origin by the point mass's share.
    const com = torso.ipos[0] * (torso.mass / (torso.mass + 0.1));
    expect(root.com[0]).toBeCloseTo(com, 12);
    // About z (the hinge): the body's own inertia, its offset from the new centre, the point mass's, and 0.1.
    const about = torso.inertia[0] + torso.mass * (torso.ipos[0] - com) ** 2 + 0.1 * com ** 2 + 0.1;
    const inertia = [...root.inertia].sort((a, b) => b - a);
    expect(Math.min(...inertia.map((value) => Math.abs(value - about)))).toBeLessThan(1e-9);
  });

  it('follows MuJoCo on its own trajectory: 200 random steps, teacher-forced and open loop', async () => {
    const trajectory = await recordMujocoTrajectory('swimmer', { seed: 1, steps: 200 });
    const fidelity = await measureFidelity(trajectory, 'swimmer-mujoco-seed1', { physics: 'rapier' });
    // Measured 4.5e-3 rad, 0.090 rad/s, 0.010 rad after 25 steps (Rapier's default 4x1 solver; solver.ts).
    expect(fidelity.tf_angle_p95_rad).toBeLessThan(7e-3);
    expect(fidelity.tf_rate_p95_rad_s).toBeLessThan(0.15);
    expect(fidelity.ol_angle_25).toBeLessThan(0.03);
    // The forward velocity (the reward), teacher-forced: MuJoCo's |vx| averages ~0.33 m/s here; measured p95 0.025.
    const env = await createEnv('swimmer', { physics: 'rapier', maxEpisodeSteps: 0 });
    const errors: number[] = [];
    let state = { qpos: trajectory.qpos0, qvel: trajectory.qvel0 };
    for (const step of trajectory.steps) {
      env.setState(state.qpos, state.qvel);
      env.step(step.action);
      errors.push(Math.abs(env.getState().qvel[0] - step.qvel[0]));
      state = step;
    }
    env.dispose();
    errors.sort((a, b) => a - b);
    expect(errors[Math.floor(0.95 * errors.length)]).toBeLessThan(0.035);
    expect(liveRapierEngineWorlds()).toBe(0);
  });

  it('slows a glide only in a medium (option density and viscosity: the fluid forces)', async () => {
    const still = compileMjcf(planarRoot('armature="0.1"'), 'probe.xml');
    const viscous = compileMjcf(planarRoot('armature="0.1"', 'density="4000" viscosity="0.1"'), 'probe.xml');
    for (const [model, moves] of [
      [still, false],
      [viscous, true],
    ] as const) {
      const robot = await RapierRobot.create(model, { frameSkip: 1 });
      robot.setState([0, 0, 0], [1, 0, 0]);
      for (let k = 0; k < 20; k++) {
        robot.stage(new Float64Array(0));
        robot.advance();
      }
      // Unopposed, the body keeps its 1 m/s; in the medium the drag slows it.
      if (moves) expect(robot.qvel[0]).toBeLessThan(0.9);
      else expect(robot.qvel[0]).toBeCloseTo(1, 5);
      robot.dispose();
    }
  });

  it('gives root slide armature inertia but no weight, and root damping its drag, as MuJoCo does', async () => {
    // Slides along x and z (gravity), armature A: MuJoCo's joint-space inertia m + A, weight m g, so the body falls
    // at m g / (m + A); damping D on x slows a glide by the factor (1 - D h / (m + A)) per step (explicit here).
    const xml = (extra: string) => `<mujoco model="drop">
  <option timestep="0.01"/>
  <worldbody>
    <body name="box">
      <geom type="box" size="0.1 0.1 0.1" mass="2" contype="0" conaffinity="0"/>
      <joint name="x" type="slide" axis="1 0 0" armature="0.5" ${extra}/>
      <joint name="z" type="slide" axis="0 0 1" armature="0.5"/>
    </body>
  </worldbody>
</mujoco>`;
    const falling = await RapierRobot.create(compileMjcf(xml(''), 'drop.xml'), { frameSkip: 10 });
    falling.stage(new Float64Array(0));
    falling.advance();
    expect(falling.qvel[1]).toBeCloseTo((-9.81 * 2 * 0.1) / 2.5, 5);
    expect(falling.qvel[0]).toBe(0);
    falling.dispose();
    const damped = await RapierRobot.create(compileMjcf(xml('damping="5"'), 'drop.xml'), { frameSkip: 10 });
    damped.setState([0, 0], [1, 0]);
    damped.stage(new Float64Array(0));
    damped.advance();
    expect(damped.qvel[0]).toBeCloseTo((1 - (5 * 0.01) / 2.5) ** 10, 5);
    damped.dispose();
    expect(liveRapierEngineWorlds()).toBe(0);
  });

  it('refuses root joints it cannot model, naming them', () => {
    expect(() => planRapierLayout(compileMjcf(planarRoot('stiffness="1"'), 'probe.xml'))).toThrow(
      /probe: the Rapier engine does not support stiffness on root joint 'x'/,
    );
    const uneven = planarRoot('').replace('name="y" type="slide"', 'name="y" type="slide" armature="0.2"');
    expect(() => planRapierLayout(compileMjcf(uneven, 'probe.xml'))).toThrow(/different armatures on the root slides of body 'torso'/);
  });
});
