import { describe, expect, it } from 'vitest';
import { loadModel } from '../../sim/model/index.ts';
import { RapierRobot } from '../../sim/engines/rapier/robot.ts';
import { solverSettings } from '../../sim/engines/rapier/solver.ts';
import { liveRapierEngineWorlds, RapierWorld } from '../../sim/engines/rapier/world.ts';

// The softness of the contacts with the ground (SolverSettings.contactNaturalFrequency, solver.ts). Rapier gives
// contacts with a fixed body a softness of its own that its JS API cannot set, so the setting only acts because the
// ground plane then sits on a kinematic body: without that, every frequency below gave the same Ant.

/** The Ant's torso height after 60 env steps (3 s) standing from qpos0 with zero controls. */
async function standingHeight(contactNaturalFrequency: number | undefined): Promise<number> {
  const model = loadModel('ant.xml');
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
    return robot.qpos[2];
  } finally {
    robot.dispose();
  }
}

describe('Rapier ground contacts', () => {
  it('sink under the weight as soft as the set frequency makes them: at 2 Hz the Ant sinks by centimetres', async () => {
    // At rest Rapier's soft contact sinks g / (2 pi f)^2: 6 cm at 2 Hz, 0.07 mm at its fixed-body 60 Hz. Measured
    // torso heights: 0.524 m on Rapier's own ground contacts, 0.440 m at 2 Hz.
    const own = await standingHeight(undefined);
    const soft = await standingHeight(2);
    expect(own).toBeGreaterThan(0.45);
    expect(soft).toBeLessThan(own - 0.05);
    expect(liveRapierEngineWorlds()).toBe(0);
  });
});
