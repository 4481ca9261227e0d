import { addUniform, jointSignals, type TaskSpec } from './task.ts';

/** Gymnasium InvertedPendulum-v5: +1 per step while the pole stays within 0.2 rad of upright. */
const RESET_NOISE = 0.01;

export const invertedPendulumTask: TaskSpec = {
  robot: 'inverted-pendulum',
  gymnasiumId: 'InvertedPendulum-v5',
  modelFile: 'inverted_pendulum.xml',
  maxEpisodeSteps: 1000,
  rewardThreshold: 950,
  observationLayout: (model) => [...jointSignals(model, 'qpos'), ...jointSignals(model, 'qvel')],
  create: (model) => ({
    frameSkip: 2,
    observationSize: model.nq + model.nv,
    rewardTerms: ['alive'],
    reset(rng, qpos, qvel) {
      addUniform(rng, qpos, RESET_NOISE);
      addUniform(rng, qvel, RESET_NOISE);
    },
    beforeStep() {},
    afterStep(physics, _memo, _ctrl, _dt, terms) {
      const { qpos, qvel } = physics;
      const finite = [...qpos, ...qvel].every(Number.isFinite);
      const terminated = !finite || Math.abs(qpos[1]) > 0.2;
      terms.alive = terminated ? 0 : 1;
      return terminated;
    },
    observe(physics, out) {
      out.set(physics.qpos, 0);
      out.set(physics.qvel, physics.qpos.length);
    },
  }),
};
