import { addUniform, bodyId, type TaskSpec } from './task.ts';

/**
 * Gymnasium Reacher-v5 (reacher_v5.py defaults): reach a target drawn uniformly in a disc of radius 0.2; the
 * reward (computed after the step, as v5 does) is minus the fingertip's distance to it minus the control cost.
 */
const ARM_NOISE = 0.1;
const VELOCITY_NOISE = 0.005;
const GOAL_RADIUS = 0.2;

export const reacherTask: TaskSpec = {
  robot: 'reacher',
  gymnasiumId: 'Reacher-v5',
  modelFile: 'reacher.xml',
  maxEpisodeSteps: 50,
  rewardThreshold: -3.75,
  fidelityTip: { body: 'fingertip', freeUntilLimitOf: 'joint1' },
  observationLayout: () => [
    { name: 'cos joint0', unit: '1' },
    { name: 'cos joint1', unit: '1' },
    { name: 'sin joint0', unit: '1' },
    { name: 'sin joint1', unit: '1' },
    { name: 'target x', unit: 'm' },
    { name: 'target y', unit: 'm' },
    { name: 'joint0 velocity', unit: 'rad/s' },
    { name: 'joint1 velocity', unit: 'rad/s' },
    { name: 'fingertip - target x', unit: 'm' },
    { name: 'fingertip - target y', unit: 'm' },
  ],
  create: (model) => {
    const fingertip = bodyId(model, 'fingertip');
    const target = bodyId(model, 'target');
    const offset = (physics: { xpos: Float64Array }, axis: number) => physics.xpos[3 * fingertip + axis] - physics.xpos[3 * target + axis];
    return {
      frameSkip: 2,
      observationSize: 10,
      rewardTerms: ['distance', 'control'],
      reset(rng, qpos, qvel) {
        addUniform(rng, qpos, ARM_NOISE);
        let x: number;
        let y: number;
        do {
          x = rng.uniformRange(-GOAL_RADIUS, GOAL_RADIUS);
          y = rng.uniformRange(-GOAL_RADIUS, GOAL_RADIUS);
        } while (Math.hypot(x, y) >= GOAL_RADIUS);
        qpos[2] = x;
        qpos[3] = y;
        addUniform(rng, qvel, VELOCITY_NOISE);
        qvel[2] = 0;
        qvel[3] = 0;
      },
      beforeStep() {},
      afterStep(physics, _memo, ctrl, _dt, terms) {
        const [dx, dy, dz] = [offset(physics, 0), offset(physics, 1), offset(physics, 2)];
        terms.distance = -Math.hypot(dx, dy, dz);
        terms.control = -ctrl.reduce((sum, u) => sum + u * u, 0);
        return false;
      },
      observe(physics, out) {
        const { qpos, qvel } = physics;
        out[0] = Math.cos(qpos[0]);
        out[1] = Math.cos(qpos[1]);
        out[2] = Math.sin(qpos[0]);
        out[3] = Math.sin(qpos[1]);
        out[4] = qpos[2];
        out[5] = qpos[3];
        out[6] = qvel[0];
        out[7] = qvel[1];
        out[8] = offset(physics, 0);
        out[9] = offset(physics, 1);
      },
    };
  },
};
