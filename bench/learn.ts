import { backendName } from '../agents/shared/tf.ts';
import { countOption, createBenchTrainer, parseBenchArgs } from './bench-trainer.ts';

/**
 * `npm run bench -- learn --robot R --algo A [--physics P] [--workers W] [--threshold T] [--max-steps N]
 *  [--max-seconds S] [--eval-every N] [--eval-episodes K] [--seed S] [--set field=value ...]`:
 * trains with the robot's preset until the mean deterministic evaluation return reaches the threshold or the
 * budget runs out, printing one progress line per evaluation (to stderr) and the result as one JSON line.
 * wall_s counts everything (training and evaluations); the CPU is shared, so it is pessimistic when others work.
 * env_steps_per_s is env steps over wall_s. The trainer is the one `sinew train --steps <max-steps>` builds: the
 * robot's default physics unless --physics, environments in the training thread unless --workers, and a
 * learning-rate schedule (if the algorithm has one) that spans --max-steps. Off-policy runs learn in a second thread unless
 * `--set learnerThread=false`, with a third thread for half of its large products unless `--set productHelper=false`.
 */

/** Returns the project set as goals (Gymnasium's "solved" thresholds are higher: Hopper 3800). */
const defaultThresholds: Record<string, number> = { reacher: -5, hopper: 3000, walker2d: 2500, 'half-cheetah': 1500, ant: 1500 };

export async function learnBench(argv: readonly string[]): Promise<number> {
  const { options, overrides } = parseBenchArgs('learn', argv);
  const robot = options.robot ?? 'reacher';
  const algo = options.algo ?? 'td3';
  const threshold = Number(options.threshold ?? defaultThresholds[robot] ?? 0);
  const maxSteps = countOption('learn', options, 'max-steps', 1_000_000, 1);
  const maxSeconds = Number(options['max-seconds'] ?? 600);
  const evalEvery = countOption('learn', options, 'eval-every', 2000, 1);
  const evalEpisodes = countOption('learn', options, 'eval-episodes', 10, 1);
  const seed = countOption('learn', options, 'seed', 1);
  const workers = countOption('learn', options, 'workers', 0);
  const { trainer, physics, config } = await createBenchTrainer({
    robot,
    algo,
    physics: options.physics,
    workers,
    seed,
    totalSteps: maxSteps,
    overrides,
  });
  // Disposed on every way out: a learner thread left running would keep the process alive after an error.
  try {
    const started = Date.now();
    const seconds = () => (Date.now() - started) / 1000;
    let finalReturn = Number.NaN;
    let reached = false;
    let nextEval = evalEvery;
    while (!reached && trainer.envSteps < maxSteps && seconds() < maxSeconds) {
      await trainer.iterate();
      if (trainer.envSteps < nextEval) continue;
      nextEval += evalEvery;
      finalReturn = (await trainer.evaluate(evalEpisodes)).meanReturn;
      reached = finalReturn >= threshold;
      process.stderr.write(`${algo} ${robot} ${physics} steps ${trainer.envSteps} eval ${finalReturn.toFixed(2)} wall ${seconds().toFixed(1)}s\n`);
    }
    const line = {
      bench: 'learn',
      robot,
      algo,
      physics,
      workers,
      threshold,
      reached,
      env_steps: trainer.envSteps,
      wall_s: Number(seconds().toFixed(1)),
      final_return: Number(finalReturn.toFixed(3)),
      env_steps_per_s: Number((trainer.envSteps / seconds()).toFixed(1)),
      learner_thread: config.learnerThread ?? null,
      seed,
      backend: backendName(),
      overrides,
    };
    console.log(JSON.stringify(line));
    return 0;
  } finally {
    await trainer.dispose();
  }
}
