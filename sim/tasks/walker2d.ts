import { controlCost, forwardReward, jointObservationLayout, noteRootX, observeJoints } from './forward.ts';
import { addUniform, type TaskSpec } from './task.ts';

/** Gymnasium Walker2d-v5 (walker2d_v5.py defaults, walker2d_v5.xml). */
const HEALTHY_Z: readonly [number, number] = [0.8, 2];
const HEALTHY_ANGLE: readonly [number, number] = [-1, 1];
const CONTROL_COST = 1e-3;
const RESET_NOISE = 5e-3;

export const walker2dTask: TaskSpec = {
  robot: 'walker2d',
  gymnasiumId: 'Walker2d-v5',
  modelFile: 'walker2d_v5.xml',
  maxEpisodeSteps: 1000,
  // Gymnasium registers no threshold for Walker2d; this is the learning goal Sinew sets itself (issue 14).
  rewardThreshold: 2500,
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
      const { qpos } = physics;
      const healthy = HEALTHY_Z[0] < qpos[1] && qpos[1] < HEALTHY_Z[1] && HEALTHY_ANGLE[0] < qpos[2] && qpos[2] < HEALTHY_ANGLE[1];
      terms.forward = forwardReward(physics, memo, dt);
      terms.healthy = healthy ? 1 : 0;
      terms.control = controlCost(ctrl, CONTROL_COST);
      return !healthy;
    },
    observe: (physics, out) => observeJoints(physics, out, 1, 10),
  }),
};
