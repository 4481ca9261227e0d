import type { AlgorithmConfig, Trainer } from '../agents/contract.ts';
import { getAlgorithm, resolveConfig } from '../agents/registry.ts';
import { initTf } from '../agents/shared/tf.ts';
import { resolvePhysics, type PhysicsName } from '../sim/physics.ts';

/**
 * What the training benchmarks (learn, transfer) share: their argv, and a trainer built the way `sinew train`
 * builds one, so a benchmark measures what a user gets.
 */

/** `--name value` options and the `--set field=value` config overrides. */
export interface BenchArgs {
  readonly options: Readonly<Record<string, string>>;
  readonly overrides: Readonly<Record<string, unknown>>;
}

export function parseBenchArgs(suite: string, argv: readonly string[]): BenchArgs {
  const options: Record<string, string> = {};
  const overrides: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    if (!name.startsWith('--') || i + 1 >= argv.length) throw new Error(`${suite} bench: expected --option value, got '${name}'`);
    const value = argv[++i];
    if (name === '--set') {
      const eq = value.indexOf('=');
      if (eq < 1) throw new Error(`${suite} bench: --set wants field=value, got '${value}'`);
      const raw = value.slice(eq + 1);
      overrides[value.slice(0, eq)] = raw === 'true' || raw === 'false' || /^[-\d.e[]/.test(raw) ? JSON.parse(raw) : raw;
    } else {
      options[name.slice(2)] = value;
    }
  }
  return { options, overrides };
}

/** A whole number >= min from an option, or its fallback; a clear error otherwise. */
export function countOption(suite: string, options: Readonly<Record<string, string>>, name: string, fallback: number, min = 0): number {
  const raw = options[name];
  if (raw === undefined) return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(value) || value < min) throw new Error(`${suite} bench: --${name} wants a whole number >= ${min}, got '${raw}'`);
  return value;
}

export interface BenchTrainerRequest {
  readonly robot: string;
  readonly algo: string;
  /** undefined: the robot's default physics, as for `sinew train` without --physics. */
  readonly physics?: string;
  /** Environment worker threads (`sinew train --workers`, default 0). */
  readonly workers: number;
  readonly seed: number;
  /** The run's length (`sinew train --steps`): an algorithm that anneals over totalSteps ends its schedule there. */
  readonly totalSteps: number;
  readonly overrides: Readonly<Record<string, unknown>>;
}

export interface BenchTrainer {
  readonly trainer: Trainer;
  readonly physics: PhysicsName;
  readonly config: AlgorithmConfig;
}

/** The robot's preset, the run length and the overrides, as app/runtime/run-config.ts resolves them. */
export async function createBenchTrainer(request: BenchTrainerRequest): Promise<BenchTrainer> {
  const { robot, algo, workers, seed } = request;
  const physics = resolvePhysics(robot, request.physics);
  await initTf();
  const entry = getAlgorithm(algo);
  const schedule = 'totalSteps' in entry.defaultConfig ? { totalSteps: request.totalSteps } : {};
  const config = resolveConfig(algo, robot, { ...schedule, ...request.overrides });
  const trainer = await entry.createTrainer({ robot, config, seed, physics, workers });
  return { trainer, physics, config };
}
