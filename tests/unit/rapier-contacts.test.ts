import { describe, expect, it } from 'vitest';
import { finishRestore, type RestorePass } from '../../sim/env-common.ts';
import { loadModel } from '../../sim/model/index.ts';
import { RapierRobot } from '../../sim/engines/rapier/robot.ts';
import { solverSettings } from '../../sim/engines/rapier/solver.ts';
import { liveRapierEngineWorlds, RapierWorld } from '../../sim/engines/rapier/world.ts';

// The softness of the contacts with the ground (SolverSettings.contactNaturalFrequency, solver.ts). Rapier gives
// contacts with a fixed body a softness of its own that its JS API cannot set, so the setting only acts because the
// ground plane then sits on a kinematic body (each lane's own): without that, every frequency gave the same robot.

/** The HalfCheetah's torso height (rootz) after 60 env steps (3 s) standing from qpos0 with zero controls. */
async function standingHeight(contactNaturalFrequency: number | undefined): Promise<number> {
  const model = loadModel('half_cheetah.xml');
  const host = await RapierWorld.create(model, 5);
  host.setSolver({ ...solverSettings(model.name), contactNaturalFrequency });
  const robot = new RapierRobot(host, model, 0, { frameSkip: 5 });
  try {
    robot.setState(model.qpos0, new Float64Array(model.nv));
    const zeros = new Float64Array(model.nu);
    for (let step = 0; step < 60; step++) {
      robot.stage(zeros);
      robot.advance();
    }
    return robot.qpos[1];
  } finally {
    robot.dispose();
  }
}

/** Hoppers on 120 Hz ground (8x8, the setting of the transfer measurements in solver.ts), in lanes `lanes` of one world. */
async function softHoppers(lanes: readonly number[]): Promise<RapierRobot[]> {
  const model = loadModel('hopper.xml');
  const host = await RapierWorld.create(model, 4);
  host.setSolver({ worldSteps: 1, solverIterations: 8, pgsIterations: 8, softLimits: true, contactNaturalFrequency: 120 });
  return lanes.map((lane) => new RapierRobot(host, model, lane, { frameSkip: 4 }));
}

/** Steps the robots of one world `count` times from `from` with actions set by lane; returns each one's qpos after each step. */
function drive(robots: readonly RapierRobot[], from: number, count: number): number[][] {
  const traces = robots.map(() => [] as number[]);
  for (let step = from; step < from + count; step++) {
    for (const robot of robots) robot.stage([0, 1, 2].map((k) => Math.sin(0.7 * step + 1.3 * robot.lane + 2.1 * k)));
    robots[0].advance();
    robots.forEach((robot, i) => traces[i].push(...robot.qpos));
  }
  return traces;
}

describe('Rapier ground contacts', () => {
  it("on soft ground, keep a robot's numbers bit for bit whoever shares its world, also after a restore that drops the others", async () => {
    // One kinematic body under every lane's contacts made shared Hoppers drift a few 1e-9 from lone ones: each lane now has its own.
    const shared = await softHoppers([0, 1, 2, 3]);
    const before = drive(shared, 0, 30); // the Hoppers fall onto the ground within these steps
    for (const lane of [1, 3]) {
      const [alone] = await softHoppers([lane]);
      expect(drive([alone], 0, 30)[0]).toEqual(before[lane]);
      alone.dispose();
    }
    const robot = shared[2];
    const extra = new Float64Array(robot.stateExtraSize);
    robot.writeStateExtra(extra, 0);
    const [qpos, qvel] = [Float64Array.from(robot.qpos), Float64Array.from(robot.qvel)];
    const scenes = new Map([[robot.scene.id, robot.scene.takeSnapshot()]]);
    const after = drive(shared, 30, 20);
    const [restored] = await softHoppers([2]);
    const pass: RestorePass = new Map();
    restored.restoreState(qpos, qvel, extra, scenes, pass);
    finishRestore(pass);
    expect(drive([restored], 30, 20)[0]).toEqual(after[2]);
    for (const hopper of [...shared, restored]) hopper.dispose();
    expect(liveRapierEngineWorlds()).toBe(0);
  });

  it('sink under the weight as soft as the set frequency makes them: at 2 Hz the HalfCheetah sinks by centimetres', async () => {
    // At rest Rapier's soft contact sinks g / (2 pi f)^2: 6 cm at 2 Hz, 0.07 mm at its fixed-body 60 Hz. Measured
    // torso heights (rootz, from the model's 0.7 m): -0.106 m on Rapier's own ground contacts, -0.250 m at 2 Hz.
    const own = await standingHeight(undefined);
    const soft = await standingHeight(2);
    expect(own).toBeGreaterThan(-0.15);
    expect(soft).toBeLessThan(own - 0.05);
    expect(liveRapierEngineWorlds()).toBe(0);
  });

  it('refuses soft ground for a robot that can leave its lane (each lane has a strip of its own)', async () => {
    const model = loadModel('ant.xml');
    const host = await RapierWorld.create(model, 5);
    host.setSolver({ ...solverSettings(model.name), contactNaturalFrequency: 120 });
    expect(() => new RapierRobot(host, model, 0, { frameSkip: 5 })).toThrow(
      /soft ground \(a strip per lane\) needs robots that stay in their lane; 'ant'/,
    );
    host.freeIfEmpty();
    expect(liveRapierEngineWorlds()).toBe(0);
  });
});
