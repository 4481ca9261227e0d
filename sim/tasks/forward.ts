import type { EnginePhysics } from '../engines/engine.ts';
import type { RobotModel } from '../model/types.ts';
import type { SignalDescription } from '../robot-description.ts';
import { clip, jointSignals } from './task.ts';

/**
 * What Gymnasium's forward-moving planar robots (Hopper, Walker2d, HalfCheetah, Swimmer) share: the reward for
 * the root's speed along x, the control cost, and an observation of the joints without the root's position
 * along the ground. Each task file calls these in its own beforeStep, afterStep and observe.
 */

/** beforeStep: notes the root's x (qpos[0]) in memo[0], for forwardReward. */
export function noteRootX(physics: EnginePhysics, memo: Float64Array): void {
  memo[0] = physics.qpos[0];
}

/** The root's x speed over the step (x after minus memo[0], over dt): Gymnasium's forward reward. */
export function forwardReward(physics: EnginePhysics, memo: Float64Array, dt: number): number {
  return (physics.qpos[0] - memo[0]) / dt;
}

/** Gymnasium's control cost as a (negative) reward term: -weight * sum(ctrl^2). */
export function controlCost(ctrl: Float64Array, weight: number): number {
  let sum = 0;
  for (let i = 0; i < ctrl.length; i++) sum += ctrl[i] * ctrl[i];
  return -weight * sum;
}

/** The observation: qpos from entry `skip` on (the root's place along the ground left out), then qvel clipped to +-velocityClip. */
export function observeJoints(physics: EnginePhysics, out: Float32Array, skip: number, velocityClip = Infinity): void {
  const { qpos, qvel } = physics;
  for (let i = skip; i < qpos.length; i++) out[i - skip] = qpos[i];
  for (let i = 0; i < qvel.length; i++) out[qpos.length - skip + i] = clip(qvel[i], velocityClip);
}

/** observeJoints' layout. */
export function jointObservationLayout(model: RobotModel, skip: number): SignalDescription[] {
  return [...jointSignals(model, 'qpos', skip), ...jointSignals(model, 'qvel')];
}
