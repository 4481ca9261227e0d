import { addNormal, addUniform, jointSignals, type TaskSpec } from './task.ts';

/** Gymnasium HalfCheetah-v5 (half_cheetah_v5.py defaults): never terminates. */
const CONTROL_COST = 0.1;
const RESET_NOISE = 0.1;

export const halfCheetahTask: TaskSpec = {
  robot: 'half-cheetah',
  gymnasiumId: 'HalfCheetah-v5',
  modelFile: 'half_cheetah.xml',
  maxEpisodeSteps: 1000,
  rewardThreshold: 4800,
  observationLayout: (model) => [...jointSignals(model, 'qpos', 1), ...jointSignals(model, 'qvel')],
  create: (model) => ({
    frameSkip: 5,
    observationSize: model.nq - 1 + model.nv,
    rewardTerms: ['forward', 'control'],
    reset(rng, qpos, qvel) {
      addUniform(rng, qpos, RESET_NOISE);
      addNormal(rng, qvel, RESET_NOISE);
    },
    beforeStep(physics, memo) {
      memo[0] = physics.qpos[0];
    },
    afterStep(physics, memo, ctrl, dt, terms) {
      terms.forward = (physics.qpos[0] - memo[0]) / dt;
      terms.control = -CONTROL_COST * ctrl.reduce((sum, u) => sum + u * u, 0);
      return false;
    },
    observe(physics, out) {
      const { qpos, qvel } = physics;
      for (let i = 1; i < qpos.length; i++) out[i - 1] = qpos[i];
      for (let i = 0; i < qvel.length; i++) out[qpos.length - 1 + i] = qvel[i];
    },
  }),
};
