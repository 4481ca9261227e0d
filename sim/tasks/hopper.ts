import { controlCost, forwardReward, jointObservationLayout, noteRootX, observeJoints } from './forward.ts';
import { addUniform, type TaskSpec } from './task.ts';

/** Gymnasium Hopper-v5 (hopper_v5.py defaults). */
const HEALTHY_Z = 0.7;
const HEALTHY_ANGLE = 0.2;
const HEALTHY_STATE = 100;
const CONTROL_COST = 1e-3;
const RESET_NOISE = 5e-3;

export const hopperTask: TaskSpec = {
  robot: 'hopper',
  gymnasiumId: 'Hopper-v5',
  modelFile: 'hopper.xml',
  maxEpisodeSteps: 1000,
  rewardThreshold: 3800,
  observationLayout: (model) => jointObservationLayout(model, 1),
  create: (model) => ({
    frameSkip: 4,
    observationSize: model.nq - 1 + model.nv,
    rewardTerms: ['forward', 'healthy', 'control'],
    reset(rng, qpos, qvel) {
      addUniform(rng, qpos, RESET_NOISE);
      addUniform(rng, qvel, RESET_NOISE);
    },
    beforeStep: noteRootX,
    afterStep(physics, memo, ctrl, dt, terms) {
      const { qpos, qvel } = physics;
      // Healthy: z and torso angle in range, every other state entry (qpos[2:], qvel) within +-100.
      let healthy = qpos[1] > HEALTHY_Z && Math.abs(qpos[2]) < HEALTHY_ANGLE;
      for (let i = 2; i < qpos.length; i++) healthy &&= Math.abs(qpos[i]) < HEALTHY_STATE;
      for (let i = 0; i < qvel.length; i++) healthy &&= Math.abs(qvel[i]) < HEALTHY_STATE;
      terms.forward = forwardReward(physics, memo, dt);
      terms.healthy = healthy ? 1 : 0;
      terms.control = controlCost(ctrl, CONTROL_COST);
      return !healthy;
    },
    observe: (physics, out) => observeJoints(physics, out, 1, 10),
  }),
};
