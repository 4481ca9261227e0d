import { describe, expect, it } from 'vitest';
import { robotInfo } from '../../sim/registry.ts';

describe('robots at rest (what the app shows before a run)', () => {
  it('puts each Hopper body where hopper.xml nests it: torso 1.25 m up, thigh 0.2 below, leg 0.7 below that, foot 0.35 lower and 0.13 forward', () => {
    const poses = robotInfo('hopper').restPoses;
    const expected = [
      [0, 0, 1.25],
      [0, 0, 1.05],
      [0, 0, 0.35],
      [0.13, 0, 0],
    ];
    expect(poses.length).toBe(4 * 7);
    expected.forEach(([x, y, z], body) => {
      expect(poses[body * 7]).toBeCloseTo(x, 6);
      expect(poses[body * 7 + 1]).toBeCloseTo(y, 6);
      expect(poses[body * 7 + 2]).toBeCloseTo(z, 6);
      expect([...poses.slice(body * 7 + 3, body * 7 + 7)]).toEqual([0, 0, 0, 1]);
    });
  });

  it('lays the Reacher flat 1 cm above its table, the fingertip 0.21 m out, the target at its XML place', () => {
    const poses = robotInfo('reacher').restPoses;
    const x = (body: number): number => poses[body * 7];
    const z = (body: number): number => poses[body * 7 + 2];
    expect([x(0), x(1), x(2)].map((value) => Number(value.toFixed(6)))).toEqual([0, 0.1, 0.21]);
    expect([z(0), z(1), z(2), z(3)].map((value) => Number(value.toFixed(6)))).toEqual([0.01, 0.01, 0.01, 0.01]);
    expect([poses[3 * 7], poses[3 * 7 + 1]].map((value) => Number(value.toFixed(6)))).toEqual([0.1, -0.1]);
  });
});
