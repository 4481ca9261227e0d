import { addNormal, addUniform, clip, siteId, type TaskSpec } from './task.ts';

/**
 * Gymnasium InvertedDoublePendulum-v5 (inverted_double_pendulum_v5.py defaults): keep a two-link pole upright on a
 * cart. Observation: cart position, sin and cos of both hinge angles, the velocities clipped to +-10 and the
 * constraint force on the cart's slider clipped to +-10 (qfrc_constraint[:1]: its range limit). Reward: 10 while
 * alive, minus 0.01 x^2 + (y - 2)^2 for the pole tip at (x, y) and 1e-3 v1^2 + 5e-3 v2^2 for the hinge rates.
 * Terminates when the tip drops to y <= 1.
 */
const HEALTHY_REWARD = 10;
const RESET_NOISE = 0.1;
const CLIP = 10;

export const invertedDoublePendulumTask: TaskSpec = {
  robot: 'inverted-double-pendulum',
  gymnasiumId: 'InvertedDoublePendulum-v5',
  modelFile: 'inverted_double_pendulum.xml',
  maxEpisodeSteps: 1000,
  rewardThreshold: 9100,
  observationLayout: (model) => {
    const [slider, ...hinges] = model.joints;
    return [
      { name: `${slider.name} position`, unit: 'm' },
      ...hinges.map((joint) => ({ name: `sin ${joint.name}`, unit: '1' })),
      ...hinges.map((joint) => ({ name: `cos ${joint.name}`, unit: '1' })),
      ...model.joints.map((joint) => ({ name: `${joint.name} velocity (clipped +-10)`, unit: joint.type === 'slide' ? 'm/s' : 'rad/s' })),
      { name: `${slider.name} constraint force (clipped +-10)`, unit: 'N' },
    ];
  },
  create: (model) => {
    const tip = siteId(model, 'tip');
    const hinges = model.nq - 1;
    return {
      frameSkip: 5,
      observationSize: 1 + 2 * hinges + model.nv + 1,
      rewardTerms: ['alive', 'distance', 'velocity'],
      constraintForces: true,
      reset(rng, qpos, qvel) {
        addUniform(rng, qpos, RESET_NOISE);
        addNormal(rng, qvel, RESET_NOISE);
      },
      beforeStep() {},
      afterStep(physics, _memo, _ctrl, _dt, terms) {
        const x = physics.siteXpos[3 * tip];
        const y = physics.siteXpos[3 * tip + 2];
        const [, v1, v2] = physics.qvel;
        const terminated = !(y > 1);
        terms.alive = terminated ? 0 : HEALTHY_REWARD;
        terms.distance = -(0.01 * x * x + (y - 2) ** 2);
        terms.velocity = -(1e-3 * v1 * v1 + 5e-3 * v2 * v2);
        return terminated;
      },
      observe(physics, out) {
        const { qpos, qvel, qfrcConstraint } = physics;
        let o = 0;
        out[o++] = qpos[0];
        for (let i = 1; i < qpos.length; i++) out[o++] = Math.sin(qpos[i]);
        for (let i = 1; i < qpos.length; i++) out[o++] = Math.cos(qpos[i]);
        for (let i = 0; i < qvel.length; i++) out[o++] = clip(qvel[i], CLIP);
        out[o] = clip(qfrcConstraint[0], CLIP);
      },
    };
  },
};
