import { addNormal, addUniform, bodyId, clip, jointSignals, type TaskSpec } from './task.ts';

/**
 * Gymnasium Ant-v5 (ant_v5.py defaults). Forward velocity from the torso's xpos (as MuJoCo holds it after the
 * step); the observation ends with cfrc_ext of bodies 1.. clipped to +-1, whose squares are also the contact cost.
 */
const HEALTHY_Z: readonly [number, number] = [0.2, 1];
const CONTROL_COST = 0.5;
const CONTACT_COST = 5e-4;
const RESET_NOISE = 0.1;

export const antTask: TaskSpec = {
  robot: 'ant',
  gymnasiumId: 'Ant-v5',
  modelFile: 'ant.xml',
  maxEpisodeSteps: 1000,
  rewardThreshold: 6000,
  observationLayout: (model) => [
    ...jointSignals(model, 'qpos', 2),
    ...jointSignals(model, 'qvel'),
    ...model.bodies.slice(1).flatMap((body, b) =>
      ['torque x', 'torque y', 'torque z', 'force x', 'force y', 'force z'].map((part) => ({
        name: `${body.name || `body ${b + 1}`} contact ${part} (clipped)`,
        unit: part.startsWith('torque') ? 'N m' : 'N',
      })),
    ),
  ],
  create: (model) => {
    const torso = bodyId(model, 'torso');
    const nbody = model.bodies.length;
    return {
      frameSkip: 5,
      observationSize: model.nq - 2 + model.nv + 6 * (nbody - 1),
      rewardTerms: ['forward', 'healthy', 'control', 'contact'],
      contactForces: true,
      reset(rng, qpos, qvel) {
        addUniform(rng, qpos, RESET_NOISE);
        addNormal(rng, qvel, RESET_NOISE);
      },
      beforeStep(physics, memo) {
        memo[0] = physics.xpos[3 * torso];
      },
      afterStep(physics, memo, ctrl, dt, terms) {
        const { qpos, qvel, cfrcExt } = physics;
        let healthy = HEALTHY_Z[0] <= qpos[2] && qpos[2] <= HEALTHY_Z[1];
        for (let i = 0; i < qpos.length; i++) healthy &&= Number.isFinite(qpos[i]);
        for (let i = 0; i < qvel.length; i++) healthy &&= Number.isFinite(qvel[i]);
        let contact = 0;
        for (let i = 0; i < cfrcExt.length; i++) contact += clip(cfrcExt[i], 1) ** 2;
        terms.forward = (physics.xpos[3 * torso] - memo[0]) / dt;
        terms.healthy = healthy ? 1 : 0;
        terms.control = -CONTROL_COST * ctrl.reduce((sum, u) => sum + u * u, 0);
        terms.contact = -CONTACT_COST * contact;
        return !healthy;
      },
      observe(physics, out) {
        const { qpos, qvel, cfrcExt } = physics;
        let o = 0;
        for (let i = 2; i < qpos.length; i++) out[o++] = qpos[i];
        for (let i = 0; i < qvel.length; i++) out[o++] = qvel[i];
        for (let i = 6; i < cfrcExt.length; i++) out[o++] = clip(cfrcExt[i], 1);
      },
    };
  },
};
