import { createPolicyEvaluator } from '../agents/export/evaluator.ts';
import type { PolicySnapshot } from '../agents/policy.ts';
import { playEpisodes } from '../app/runtime/play.ts';
import { checkPhysics, type PhysicsName } from '../sim/physics.ts';
import { createEnv } from '../sim/registry.ts';
import { countOption, createBenchTrainer, parseBenchArgs } from './bench-trainer.ts';

/**
 * `npm run bench -- transfer --robot R --algo A [--physics mujoco,rapier] [--steps N] [--workers W] [--seed S]
 *  [--episodes K] [--eval-seed E] [--set field=value ...]`: policy transfer between physics engines. For each
 * physics in the list it trains a policy there for N env steps (as `sinew train --physics P --steps N` would),
 * then plays it deterministically for K episodes on every physics of the list (as `sinew play --physics Q`
 * would: episode i reset with eval-seed + i on each). One JSON line per (trained_on, evaluated_on) pair;
 * `ratio` is its mean return over the mean return on the physics it was trained on (1 on the diagonal).
 * Training progress goes to stderr.
 */

interface Played {
  readonly mean: number;
  readonly std: number;
  readonly meanLength: number;
}

async function play(snapshot: PolicySnapshot, physics: PhysicsName, episodes: number, seed: number): Promise<Played> {
  const evaluator = createPolicyEvaluator(snapshot);
  const env = await createEnv(snapshot.robot, { seed, physics });
  try {
    const { returns, lengths } = playEpisodes(env, (obs) => evaluator.act(obs), episodes, seed);
    const mean = returns.reduce((sum, r) => sum + r, 0) / returns.length;
    const std = Math.sqrt(returns.reduce((sum, r) => sum + (r - mean) ** 2, 0) / returns.length);
    return { mean, std, meanLength: lengths.reduce((sum, n) => sum + n, 0) / lengths.length };
  } finally {
    env.dispose();
  }
}

async function train(
  robot: string,
  algo: string,
  physics: PhysicsName,
  steps: number,
  workers: number,
  seed: number,
  overrides: Readonly<Record<string, unknown>>,
) {
  const { trainer } = await createBenchTrainer({ robot, algo, physics, workers, seed, totalSteps: steps, overrides });
  try {
    const started = Date.now();
    let nextLog = 0;
    while (trainer.envSteps < steps) {
      await trainer.iterate();
      if (trainer.envSteps < nextLog) continue;
      nextLog = trainer.envSteps + steps / 10;
      process.stderr.write(
        `transfer: ${algo} ${robot} on ${physics} steps ${trainer.envSteps}/${steps} wall ${((Date.now() - started) / 1000).toFixed(1)}s\n`,
      );
    }
    return { snapshot: trainer.exportPolicy(), wallSeconds: (Date.now() - started) / 1000, envSteps: trainer.envSteps };
  } finally {
    await trainer.dispose();
  }
}

export async function transferBench(argv: readonly string[]): Promise<number> {
  const { options, overrides } = parseBenchArgs('transfer', argv);
  const robot = options.robot ?? 'hopper';
  const algo = options.algo ?? 'ppo';
  const physicsList = (options.physics ?? 'mujoco,rapier').split(',').map((name) => checkPhysics(name) as PhysicsName);
  if (physicsList.length < 2) throw new Error('transfer bench: --physics wants at least two physics, e.g. mujoco,rapier');
  const steps = countOption('transfer', options, 'steps', 1_000_000, 1);
  const workers = countOption('transfer', options, 'workers', 0);
  const seed = countOption('transfer', options, 'seed', 1);
  const episodes = countOption('transfer', options, 'episodes', 10, 1);
  const evalSeed = countOption('transfer', options, 'eval-seed', 0);
  for (const trainedOn of physicsList) {
    const trained = await train(robot, algo, trainedOn, steps, workers, seed, overrides);
    const own = await play(trained.snapshot, trainedOn, episodes, evalSeed);
    for (const evaluatedOn of physicsList) {
      const result = evaluatedOn === trainedOn ? own : await play(trained.snapshot, evaluatedOn, episodes, evalSeed);
      const line = {
        bench: 'transfer',
        robot,
        algo,
        trained_on: trainedOn,
        evaluated_on: evaluatedOn,
        env_steps: trained.envSteps,
        train_wall_s: Number(trained.wallSeconds.toFixed(1)),
        episodes,
        mean_return: Number(result.mean.toFixed(2)),
        std_return: Number(result.std.toFixed(2)),
        mean_length: Number(result.meanLength.toFixed(1)),
        own_return: Number(own.mean.toFixed(2)),
        ratio: Number((result.mean / own.mean).toFixed(4)),
        seed,
        eval_seed: evalSeed,
        overrides,
      };
      console.log(JSON.stringify(line));
    }
  }
  return 0;
}
