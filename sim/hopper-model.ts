import description from '../assets/robots/hopper.json' with { type: 'json' };
import type { RobotDescription } from './robot-description.ts';

export const hopperDescription = description as unknown as RobotDescription;

/** Gymnasium Hopper-v5 task constants (hopper_v5.py). */
export const HOPPER = {
  observationSize: 11,
  actionSize: 3,
  forwardRewardWeight: 1,
  healthyReward: 1,
  controlCostWeight: 1e-3,
  resetNoise: 5e-3,
  healthyZ: 0.7,
  healthyAngle: 0.2,
  healthyStateRange: 100,
  velocityClip: 10,
  initQpos: [0, 1.25, 0, 0, 0, 0],
} as const;

export const HOPPER_BODIES = ['torso', 'thigh', 'leg', 'foot'] as const;
