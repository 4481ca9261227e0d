import { controlCost, forwardReward, jointObservationLayout, noteRootX, observeJoints } from './forward.ts';
import { addNormal, addUniform, type TaskSpec } from './task.ts';

/** Gymnasium HalfCheetah-v5 (half_cheetah_v5.py defaults): never terminates. */
const CONTROL_COST = 0.1;
const RESET_NOISE = 0.1;

export const halfCheetahTask: TaskSpec = {
  robot: 'half-cheetah',
  gymnasiumId: 'HalfCheetah-v5',
  modelFile: 'half_cheetah.xml',
  maxEpisodeSteps: 1000,
  rewardThreshold: 4800,
  observationLayout: (model) => jointObservationLayout(model, 1),
  create: (model) => ({
    frameSkip: 5,
    observationSize: model.nq - 1 + model.nv,
    rewardTerms: ['forward', 'control'],
    reset(rng, qpos, qvel) {
      addUniform(rng, qpos, RESET_NOISE);
      addNormal(rng, qvel, RESET_NOISE);
    },
    beforeStep: noteRootX,
    afterStep(physics, memo, ctrl, dt, terms) {
      terms.forward = forwardReward(physics, memo, dt);
      terms.control = controlCost(ctrl, CONTROL_COST);
      return false;
    },
    observe: (physics, out) => observeJoints(physics, out, 1),
  }),
};
