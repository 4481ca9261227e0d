import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { measureFidelity, parseTrajectory, type HopperFidelity, type ReacherFidelity } from '../../sim/fidelity.ts';

// MuJoCo 2.2.2 recordings on Gymnasium's XML (docs/FINDINGS.md, "Reference trajectories").
const fixture = (name: string) => new URL(`../fixtures/sim/${name}`, import.meta.url);
const load = (name: string) => parseTrajectory(readFileSync(fixture(name), 'utf8'), name);

describe('fidelity against MuJoCo trajectories', () => {
  it.each([1, 2, 3])('Reacher seed %i: fingertip within the goals (2 mm free, 2 cm overall); in fact within 1e-6 m', async (seed) => {
    const result = (await measureFidelity(load(`reacher-seed${seed}.json`), 'reacher')) as ReacherFidelity;
    expect(result.steps_compared).toBe(50);
    expect(result.free_steps).toBeGreaterThan(0);
    expect(result.free_steps).toBeLessThan(50);
    expect(result.mean_tip_error_free_m).toBeLessThanOrEqual(2e-3);
    expect(result.mean_tip_error_m).toBeLessThanOrEqual(2e-2);
    // What the joint-space model reaches (the files hold 9 significant digits).
    expect(result.max_tip_error_m).toBeLessThan(1e-6);
    expect(result.max_joint_error_rad).toBeLessThan(1e-6);
  });

  it.each([
    [1, 14],
    [2, 26],
    [3, 14],
  ])('Hopper seed %i: joint angles within 0.1 rad over the %i steps of the reference episode; in fact within 1e-6', async (seed, steps) => {
    const result = (await measureFidelity(load(`hopper-seed${seed}.json`), 'hopper')) as HopperFidelity;
    expect(result.steps_compared).toBe(steps);
    expect(result.max_joint_error_rad).toBeLessThanOrEqual(0.1);
    expect(result.max_joint_error_rad).toBeLessThan(1e-6);
    expect(result.max_torso_error_m).toBeLessThan(1e-6);
  });

  it.each([1, 2, 3])('Rapier Reacher seed %i: fingertip within the goals (2 mm mean over the free steps, 2 cm over all 50)', async (seed) => {
    const result = (await measureFidelity(load(`reacher-seed${seed}.json`), 'reacher', { physics: 'rapier' })) as ReacherFidelity;
    expect(result.steps_compared).toBe(50);
    expect(result.mean_tip_error_free_m).toBeLessThanOrEqual(2e-3);
    expect(result.mean_tip_error_m).toBeLessThanOrEqual(2e-2);
  });

  it.each([
    [1, 14],
    [2, 26],
    [3, 14],
  ])('Rapier Hopper seed %i: joint angles within 0.1 rad over the %i steps of the reference episode (measured 0.061, 0.061, 0.060)', async (seed, steps) => {
    const result = (await measureFidelity(load(`hopper-seed${seed}.json`), 'hopper', { physics: 'rapier' })) as HopperFidelity;
    expect(result.steps_compared).toBe(steps);
    expect(result.max_joint_error_rad).toBeLessThanOrEqual(0.1);
    expect(result.max_torso_error_m).toBeLessThan(0.02);
  });

  it('rejects a file that is not a trajectory', () => {
    expect(() => parseTrajectory('{"model":"reacher.xml"}', 'bad.json')).toThrow(/bad.json: not a MuJoCo trajectory file/);
  });
});
