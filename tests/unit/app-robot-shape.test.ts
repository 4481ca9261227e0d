import { describe, expect, it } from 'vitest';
import { robotInfo, robotNames } from '../../sim/registry.ts';
import { liesFlat, restExtent } from '../../app/renderer/scene/robot-shape.ts';

describe("the renderer's robot shapes, from the model's geoms alone (no robot names)", () => {
  it("measures a robot's rest size from its geoms", () => {
    // Gymnasium's reacher.xml: the fingertip body sits at x = 0.1 + 0.11 with a 1 cm sphere, so it reaches 0.22 m;
    // the links lie 1 cm up and count as balls of their half-length (0.05): 0.06 m high.
    const reacher = restExtent(robotInfo('reacher'));
    expect(reacher.reach).toBeCloseTo(0.22, 6);
    expect(reacher.height).toBeCloseTo(0.06, 6);
    // hopper.xml: the torso capsule runs from z = 1.05 to 1.45.
    expect(restExtent(robotInfo('hopper')).height).toBeCloseTo(1.45, 6);
  });

  it('gives shadows to the robots that stand and none to the ones that lie flat', () => {
    const flat = robotNames.filter((name) => liesFlat(robotInfo(name)));
    expect(flat).toEqual(['reacher', 'swimmer']);
  });
});
