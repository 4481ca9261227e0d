import { describe, expect, it } from 'vitest';
import { layoutFromRobotInfo, robotLayout } from '../../agents/export/robot-layouts.ts';

describe('robot layouts for the policy card', () => {
  it('knows the Reacher and Hopper observations with units, in the order sim/ writes them', () => {
    const reacher = robotLayout('reacher', 10, 2);
    expect(reacher.observation.map((e) => e.unit)).toEqual(['1', '1', '1', '1', 'm', 'm', 'rad/s', 'rad/s', 'm', 'm']);
    const hopper = robotLayout('hopper', 11, 3);
    expect(hopper.observation.slice(0, 2)).toEqual([
      { name: 'rootz position', unit: 'm' },
      { name: 'rooty position', unit: 'rad' },
    ]);
    expect(hopper.observation.filter((e) => e.unit === 'rad/s')).toHaveLength(4);
  });

  it('gives generic entries for an unknown robot or sizes that do not match', () => {
    expect(robotLayout('hopper', 12, 3).observation[11]).toEqual({ name: 'observation 11', unit: 'unknown' });
    expect(robotLayout('ant', 2, 1).action).toEqual([{ name: 'action 0', unit: 'normalised [-1, 1]' }]);
  });

  it('takes a layout from a robot description only when it is complete and the right size', () => {
    const info = {
      observationLayout: [
        { name: 'x', unit: 'm' },
        { name: 'v', unit: 'm/s' },
      ],
      actionLayout: [{ name: 'force', unit: 'N' }],
    };
    expect(layoutFromRobotInfo(info, 2, 1)).toEqual({
      observation: info.observationLayout,
      action: info.actionLayout,
      source: 'the robot description in sim/',
    });
    expect(layoutFromRobotInfo(info, 3, 1)).toBeNull();
    expect(layoutFromRobotInfo({ ...info, actionLayout: [{ name: 'force' }] }, 2, 1)).toBeNull();
    expect(layoutFromRobotInfo(undefined, 2, 1)).toBeNull();
  });
});
