import { controlCost, forwardReward, jointObservationLayout, noteRootX, observeJoints } from './forward.ts';
import { addUniform, type TaskSpec } from './task.ts';

/** Gymnasium Swimmer-v5 (swimmer_v5.py defaults): swim along x through MuJoCo's viscous medium; never terminates. */
const CONTROL_COST = 1e-4;
const RESET_NOISE = 0.1;

export const swimmerTask: TaskSpec = {
  robot: 'swimmer',
  gymnasiumId: 'Swimmer-v5',
  modelFile: 'swimmer.xml',
  maxEpisodeSteps: 1000,
  rewardThreshold: 360,
  observationLayout: (model) => jointObservationLayout(model, 2),
  create: (model) => ({
    frameSkip: 4,
    observationSize: model.nq - 2 + model.nv,
    rewardTerms: ['forward', 'control'],
    reset(rng, qpos, qvel) {
      addUniform(rng, qpos, RESET_NOISE);
      addUniform(rng, qvel, RESET_NOISE);
    },
    beforeStep: noteRootX,
    afterStep(physics, memo, ctrl, dt, terms) {
      terms.forward = forwardReward(physics, memo, dt);
      terms.control = controlCost(ctrl, CONTROL_COST);
      return false;
    },
    observe: (physics, out) => observeJoints(physics, out, 2),
  }),
};
