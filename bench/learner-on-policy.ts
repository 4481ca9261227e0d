import { initTf } from '../agents/shared/tf.ts';
import { option, printStepTiming } from './learner-timing.ts';
import { Rng } from '../sim/rng.ts';
import { GaussianActorCritic } from '../agents/shared/gaussian-actor-critic.ts';
import { RolloutBuffer, type Minibatch } from '../agents/shared/rollout-buffer.ts';
import { Ppo, validatePpoConfig } from '../agents/on-policy/ppo.ts';

/**
 * `npm run bench -- learner-ppo [--objective clip,kl] [--hidden 64,256] [--batch 64] [--updates N]`: milliseconds
 * per PPO minibatch step (forward, backward, gradient clipping, Adam) on random data with the Hopper's sizes
 * (11 observations, 3 actions). Prints the same JSON line as the `learner` suite, with algo 'ppo' / 'ppo-kl'.
 */

const OBS = 11;
const ACTIONS = 3;

function randomMinibatch(size: number, rng: Rng): Minibatch {
  const buffer = new RolloutBuffer({ numSteps: size, numEnvs: 1, observationSize: OBS, actionSize: ACTIONS });
  const fill = (array: Float32Array, scale = 1) => array.forEach((_, i) => (array[i] = scale * rng.normal()));
  fill(buffer.observations);
  fill(buffer.actions);
  fill(buffer.means, 0.1);
  fill(buffer.logProbs, 0.5);
  fill(buffer.values);
  fill(buffer.advantages);
  fill(buffer.returns);
  return buffer.all();
}

export async function learnerOnPolicyBench(argv: readonly string[]): Promise<number> {
  await initTf();
  const objectives = option(argv, 'objective', 'clip,kl').split(',');
  const hiddens = option(argv, 'hidden', '64').split(',').map(Number);
  const batchSize = Number(option(argv, 'batch', '64'));
  const updates = Number(option(argv, 'updates', '500'));
  for (const objective of objectives) {
    for (const hidden of hiddens) {
      const rng = new Rng(1);
      const config = validatePpoConfig({ objective, hiddenSizes: [hidden, hidden], minibatchSize: batchSize, normaliseAdvantages: true });
      const model = new GaussianActorCritic(
        { observationSize: OBS, actionSize: ACTIONS, hiddenSizes: [hidden, hidden], activation: 'tanh', initialLogStd: 0 },
        rng,
      );
      const ppo = new Ppo(model, config, () => rng);
      const batch = randomMinibatch(batchSize, rng);
      const advantages = Float32Array.from(batch.advantages);
      const step = () => {
        batch.advantages.set(advantages); // minibatchStep normalises them in place
        ppo.minibatchStep(batch);
      };
      printStepTiming({ algo: objective === 'kl' ? 'ppo-kl' : 'ppo', hidden: `${hidden}-${hidden}`, batch: batchSize }, step, 30, updates);
      model.dispose();
    }
  }
  return 0;
}
