import { addUniform, jointSignals, type TaskSpec } from './task.ts';

/** Gymnasium Swimmer-v5 (swimmer_v5.py defaults): swim along x through MuJoCo's viscous medium; never terminates. */
const CONTROL_COST = 1e-4;
const RESET_NOISE = 0.1;

export const swimmerTask: TaskSpec = {
  robot: 'swimmer',
  gymnasiumId: 'Swimmer-v5',
  modelFile: 'swimmer.xml',
  maxEpisodeSteps: 1000,
  rewardThreshold: 360,
  observationLayout: (model) => [...jointSignals(model, 'qpos', 2), ...jointSignals(model, 'qvel')],
  create: (model) => ({
    frameSkip: 4,
    observationSize: model.nq - 2 + model.nv,
    rewardTerms: ['forward', 'control'],
    reset(rng, qpos, qvel) {
      addUniform(rng, qpos, RESET_NOISE);
      addUniform(rng, qvel, RESET_NOISE);
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
      for (let i = 2; i < qpos.length; i++) out[i - 2] = qpos[i];
      for (let i = 0; i < qvel.length; i++) out[qpos.length - 2 + i] = qvel[i];
    },
  }),
};
