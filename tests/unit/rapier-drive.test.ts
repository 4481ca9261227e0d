import { describe, expect, it } from 'vitest';
import { compileMjcf } from '../../sim/model/index.ts';
import { loadMujoco, mujocoModel } from '../../sim/engines/mujoco/module.ts';
import { MujocoPhysics } from '../../sim/engines/mujoco/physics.ts';
import { RapierRobot } from '../../sim/engines/rapier/robot.ts';
import { liveRapierEngineWorlds } from '../../sim/engines/rapier/world.ts';

// A hinge with a soft range and no armature, damping or stiffness (no shipped robot has one): its actuator torque
// acts on the bodies, and its limit through the joint motor (engines/rapier/drive.ts). Compared with MuJoCo at the
// limit, where a torque counted twice (by the motor and on the bodies) rests 20 times deeper (measured 0.105 rad
// against MuJoCo's 5.0e-3), and in the range, where a motor left on at zero stiffness and damping holds it still.

/** A 0.5 m arm on a vertical hinge limited to +-30 degrees, no gravity, a motor geared 100. */
function arm(joint: string): string {
  return `<mujoco model="limit-arm">
  <option timestep="0.01" gravity="0 0 0"/>
  <worldbody>
    <body name="arm" pos="0 0 1">
      <joint name="hinge" type="hinge" axis="0 0 1" range="-30 30" ${joint}/>
      <geom type="capsule" fromto="0 0 0 0.5 0 0" size="0.05"/>
    </body>
  </worldbody>
  <actuator><motor joint="hinge" gear="100" ctrlrange="-1 1"/></actuator>
</mujoco>`;
}

const UPPER = Math.PI / 6;

/** Both engines from 0.4 rad at rest under a constant control; the hinge angle after each of `steps` steps. */
async function run(joint: string, file: string, ctrl: number, steps: number): Promise<{ mujoco: number[]; rapier: number[] }> {
  const xml = arm(joint);
  const model = compileMjcf(xml, file);
  const mujoco = await loadMujoco();
  const engines = [
    new MujocoPhysics(mujoco, mujocoModel(mujoco, file, xml), model, { frameSkip: 1 }),
    await RapierRobot.create(model, { frameSkip: 1 }),
  ];
  const angles = engines.map((engine) => {
    engine.setState([0.4], [0]);
    const out: number[] = [];
    for (let k = 0; k < steps; k++) {
      engine.stage(Float64Array.from([ctrl]));
      engine.advance();
      out.push(engine.qpos[0]);
    }
    engine.dispose();
    return out;
  });
  return { mujoco: angles[0], rapier: angles[1] };
}

describe('Rapier joint drive: a soft-limited hinge without armature, damping or stiffness', () => {
  it('swings through its range under its actuator (measured over 3 steps: 0.045 rad on MuJoCo, 0.037 on Rapier)', async () => {
    const { mujoco, rapier } = await run('', 'limit-arm-swing.xml', 0.3, 3);
    expect(rapier[2] - 0.4).toBeGreaterThan(0.75 * (mujoco[2] - 0.4));
    // Rapier's first step falls short; from then on the arm accelerates as on MuJoCo (measured 7.5e-3 rad per step^2 on both).
    const acceleration = (angles: number[]) => angles[2] - 2 * angles[1] + angles[0];
    expect(Math.abs(acceleration(rapier) - acceleration(mujoco))).toBeLessThan(0.05 * acceleration(mujoco));
  });

  for (const [ctrl, measured] of [
    [1, '5.30e-3 against 4.99e-3'],
    [0.3, '1.59e-3 against 1.50e-3'],
  ] as const) {
    it(`rests past its upper limit where MuJoCo does, the actuator torque counted once (ctrl ${ctrl}: ${measured} rad)`, async () => {
      const { mujoco, rapier } = await run('', `limit-arm-${ctrl}.xml`, ctrl, 200);
      const depth = { mujoco: mujoco[199] - UPPER, rapier: rapier[199] - UPPER };
      expect(depth.mujoco).toBeGreaterThan(0);
      expect(Math.abs(depth.rapier - depth.mujoco)).toBeLessThan(0.15 * depth.mujoco);
      // At rest: the last steps no longer move.
      expect(Math.abs(rapier[199] - rapier[189])).toBeLessThan(1e-6);
    });
  }

  it('leaves its limit and crosses to the other as on MuJoCo', async () => {
    const { mujoco, rapier } = await run('', 'limit-arm-back.xml', -1, 100);
    expect(Math.abs(mujoco[99] + UPPER + 5.0e-3)).toBeLessThan(2e-3);
    expect(Math.abs(rapier[99] - mujoco[99])).toBeLessThan(0.15 * 5.0e-3);
    expect(liveRapierEngineWorlds()).toBe(0);
  });
});
