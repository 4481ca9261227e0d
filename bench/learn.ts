import { getAlgorithm, resolveConfig } from '../agents/registry.ts';
import { backendName, initTf } from '../agents/shared/tf.ts';

/**
 * `npm run bench -- learn --robot R --algo A [--threshold T] [--max-steps N] [--max-seconds S]
 *  [--eval-every N] [--eval-episodes K] [--seed S] [--set field=value ...]`:
 * trains with the robot's preset until the mean deterministic evaluation return reaches the threshold or the
 * budget runs out, printing one progress line per evaluation (to stderr) and the result as one JSON line.
 * wall_s counts everything (training and evaluations); the CPU is shared, so it is pessimistic when others work.
 * env_steps_per_s is env steps over wall_s. Off-policy runs learn in a second thread unless `--set learnerThread=false`.
 */

const defaultThresholds: Record<string, number> = { reacher: -5, hopper: 3000 };

function parse(argv: readonly string[]) {
  const options: Record<string, string> = {};
  const overrides: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    if (!name.startsWith('--') || i + 1 >= argv.length) throw new Error(`learn bench: expected --option value, got '${name}'`);
    const value = argv[++i];
    if (name === '--set') {
      const eq = value.indexOf('=');
      if (eq < 1) throw new Error(`learn bench: --set wants field=value, got '${value}'`);
      const raw = value.slice(eq + 1);
      overrides[value.slice(0, eq)] = raw === 'true' || raw === 'false' || /^[-\d.e[]/.test(raw) ? JSON.parse(raw) : raw;
    } else {
      options[name.slice(2)] = value;
    }
  }
  return { options, overrides };
}

export async function learnBench(argv: readonly string[]): Promise<number> {
  const { options, overrides } = parse(argv);
  const robot = options.robot ?? 'reacher';
  const algo = options.algo ?? 'td3';
  const threshold = Number(options.threshold ?? defaultThresholds[robot] ?? 0);
  const maxSteps = Number(options['max-steps'] ?? 1_000_000);
  const maxSeconds = Number(options['max-seconds'] ?? 600);
  const evalEvery = Number(options['eval-every'] ?? 2000);
  const evalEpisodes = Number(options['eval-episodes'] ?? 10);
  const seed = Number(options.seed ?? 1);
  await initTf();
  const entry = getAlgorithm(algo);
  const config = resolveConfig(algo, robot, overrides);
  const trainer = await entry.createTrainer({ robot, config, seed });
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
      process.stderr.write(`${algo} ${robot} steps ${trainer.envSteps} eval ${finalReturn.toFixed(2)} wall ${seconds().toFixed(1)}s\n`);
    }
    const line = {
      bench: 'learn',
      robot,
      algo,
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
