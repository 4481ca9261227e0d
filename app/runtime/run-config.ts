import { checkRobot, getRuntimeAlgorithm } from './catalog.ts';
import type { AlgorithmConfig, Catalog } from './catalog.ts';
import { RETIRED_PHYSICS, physicsNames, resolvePhysics, type PhysicsName } from '../../sim/physics.ts';
import { checkResources, checkSeed, MAX_TOTAL_STEPS, MAX_WORKERS } from './run-limits.ts';

/**
 * The resolved configuration of a run, written to config.json: everything needed to rebuild its trainer.
 * Resolution order: the algorithm's defaults <- a preset (the robot's own unless --preset says otherwise)
 * <- --set overrides, then the registry's validate() has the last word.
 */

/** Bumped when config.json or the run folder layout changes incompatibly. */
export const RUN_FORMAT = 1;

/** Environment steps a run trains for unless told otherwise (the CLI's --steps and the app's steps field). */
export const DEFAULT_TOTAL_STEPS = 1_000_000;

/** Periodic checkpoints kept besides best.ckpt unless told otherwise (the CLI's --keep). */
export const DEFAULT_KEEP_CHECKPOINTS = 3;

/** Periodic checkpoints a run writes over its budget by default (one every totalSteps / 20 env steps). */
export function defaultCheckpointEvery(totalSteps: number): number {
  return Math.max(1, Math.round(totalSteps / 20));
}

/** Episodes per evaluation at most: each is a separate environment of the evaluation batch. */
const MAX_EVAL_EPISODES = 100;

/** Deterministic episodes per evaluation unless told otherwise (the CLI's --eval-episodes), as SB3's EvalCallback. */
export const DEFAULT_EVAL_EPISODES = 5;

/** Env steps under which a run's evaluations would cost more than they tell: see defaultEvalEvery. */
const MIN_DEFAULT_EVAL_EVERY = 10_000;

/**
 * Env steps between evaluations by default (the CLI's --eval-every): ten per run, and none in runs shorter than
 * 10,000 steps (tests, quick tries). A Hopper's 5 episodes are at most 5,000 env steps without updates, so over a
 * 1,000,000-step run evaluation costs at most 5% more environment steps; a Reacher's (50-step episodes) 0.25%.
 */
export function defaultEvalEvery(totalSteps: number): number {
  return Math.max(MIN_DEFAULT_EVAL_EVERY, Math.round(totalSteps / 10));
}

/** A run's evaluation schedule (training-loop.ts): its own, or the defaults for runs written before it was recorded. */
export function evaluationSchedule(config: RunConfig): { readonly every: number; readonly episodes: number } {
  return { every: config.evalEvery ?? defaultEvalEvery(config.totalSteps), episodes: config.evalEpisodes ?? DEFAULT_EVAL_EPISODES };
}

export interface RunConfig {
  readonly runFormat: number;
  readonly robot: string;
  readonly algorithm: string;
  /** Name of the preset applied, or null for the bare defaults. */
  readonly preset: string | null;
  readonly seed: number;
  /** Environment worker threads (0: in the training thread). */
  readonly workers: number;
  /**
   * The robots' physics. checkRunConfig reads 'joint-space' (the hand-written models sinew no longer has) and an
   * absent one (runs written before it was a choice, which ran on them) as 'mujoco', the same equations: such a
   * run's metrics and reports read as before; its checkpoints hold that physics' environment state, which a load
   * refuses naming what to do (sim/vec-env-views.ts).
   */
  readonly physics: PhysicsName;
  /** Train until this many environment steps. */
  readonly totalSteps: number;
  /** Write a checkpoint every this many environment steps (and at the end or on Ctrl-C). */
  readonly checkpointEvery: number;
  /** Periodic checkpoints kept besides best.ckpt. */
  readonly keepCheckpoints: number;
  /** Evaluate the policy without exploration noise every this many environment steps (0: never); absent in older runs. */
  readonly evalEvery?: number;
  /** Episodes per evaluation; absent in older runs. */
  readonly evalEpisodes?: number;
  /** The --set overrides as given, for the record. */
  readonly overrides: Readonly<Record<string, unknown>>;
  /** The complete algorithm config after validation. */
  readonly algorithmConfig: AlgorithmConfig;
  /** sinew, tfjs, rapier and node versions that wrote the run. */
  readonly versions: Readonly<Record<string, string>>;
  readonly createdAt: string;
}

export interface RunRequest {
  readonly robot: string;
  readonly algorithm: string;
  readonly preset?: string;
  readonly seed: number;
  readonly workers: number;
  /** --physics: a name from sim/physics.ts; default the robot's (defaultPhysics). */
  readonly physics?: string;
  readonly totalSteps: number;
  readonly checkpointEvery: number;
  readonly keepCheckpoints: number;
  /** --eval-every: env steps between evaluations, 0 for none (default: defaultEvalEvery(totalSteps)). */
  readonly evalEvery?: number;
  /** --eval-episodes (default: DEFAULT_EVAL_EPISODES). */
  readonly evalEpisodes?: number;
  /** Raw "key=value" strings from --set. */
  readonly set: readonly string[];
  /** --envs, applied as the config field numEnvs when the algorithm has one. */
  readonly numEnvs?: number;
  /** Config fields edited in the app's form (typed values), applied like --set before --envs and --steps. */
  readonly edits?: Readonly<Record<string, unknown>>;
}

/** Parses one --set value: JSON when it parses (numbers, booleans, arrays), a plain string otherwise. */
export function parseSetting(text: string): [string, unknown] {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1) throw new Error(`malformed --set '${text}': expected key=value`);
  const key = text.slice(0, eq).trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`malformed --set '${text}': '${key}' is not a config field name`);
  const raw = text.slice(eq + 1).trim();
  const numeric = Number(raw.replaceAll('_', ''));
  if (raw !== '' && /^[-+0-9._eE]+$/.test(raw) && Number.isFinite(numeric)) return [key, numeric];
  try {
    return [key, JSON.parse(raw) as unknown];
  } catch {
    return [key, raw];
  }
}

export function resolveRunConfig(catalog: Catalog, request: RunRequest, versions: Readonly<Record<string, string>>): RunConfig {
  checkRobot(catalog, request.robot);
  const physics = resolvePhysics(request.robot, request.physics);
  const entry = getRuntimeAlgorithm(catalog, request.algorithm);
  let preset: string | null = request.robot in entry.presets ? request.robot : null;
  if (request.preset !== undefined && request.preset !== 'auto') {
    if (request.preset === 'none') preset = null;
    else if (request.preset in entry.presets) preset = request.preset;
    else {
      const known = ['none', ...Object.keys(entry.presets)].join(', ');
      throw new Error(`unknown preset '${request.preset}' for ${request.algorithm}; known: ${known}`);
    }
  }
  checkSeed(request.seed);
  checkCount('workers', request.workers, 0, MAX_WORKERS);
  checkCount('totalSteps', request.totalSteps, 1, MAX_TOTAL_STEPS);
  checkCount('checkpointEvery', request.checkpointEvery, 1, MAX_TOTAL_STEPS);
  checkCount('keepCheckpoints', request.keepCheckpoints, 1, 1000);
  const evalEvery = request.evalEvery ?? defaultEvalEvery(request.totalSteps);
  const evalEpisodes = request.evalEpisodes ?? DEFAULT_EVAL_EPISODES;
  checkCount('evalEvery', evalEvery, 0, MAX_TOTAL_STEPS);
  checkCount('evalEpisodes', evalEpisodes, 1, MAX_EVAL_EPISODES);
  // No prototype: a key such as __proto__ is an ordinary (and then refused) field name, not a prototype change.
  const overrides: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(request.edits ?? {})) overrides[key] = value;
  if (request.numEnvs !== undefined) {
    if (!('numEnvs' in entry.defaultConfig)) throw new Error(`${request.algorithm} has no numEnvs setting; drop --envs`);
    overrides.numEnvs = request.numEnvs;
  }
  // An algorithm that schedules by its own totalSteps (learning-rate annealing) should end with the run.
  if ('totalSteps' in entry.defaultConfig) overrides.totalSteps = request.totalSteps;
  for (const setting of request.set) {
    const [key, value] = parseSetting(setting);
    if (!Object.hasOwn(entry.defaultConfig, key)) {
      throw new Error(`unknown config field '${key}' for ${request.algorithm}; known fields: ${Object.keys(entry.defaultConfig).join(', ')}`);
    }
    overrides[key] = value;
  }
  const algorithmConfig = entry.validate({ ...(preset === null ? {} : entry.presets[preset]), ...overrides });
  checkResources(request.algorithm, algorithmConfig);
  return {
    runFormat: RUN_FORMAT,
    robot: request.robot,
    algorithm: request.algorithm,
    preset,
    seed: request.seed,
    workers: request.workers,
    physics,
    totalSteps: request.totalSteps,
    checkpointEvery: request.checkpointEvery,
    keepCheckpoints: request.keepCheckpoints,
    evalEvery,
    evalEpisodes,
    overrides: { ...overrides },
    algorithmConfig,
    versions,
    createdAt: new Date().toISOString(),
  };
}

/** Names a run across copies and renames of its folder: its checkpoints carry it (CheckpointMeta.run). */
export function runIdentity(config: RunConfig): string {
  return `${config.robot}/${config.algorithm}/seed ${config.seed}/${config.createdAt}`;
}

function checkCount(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${field} must be a whole number from ${min} to ${max}, got ${value}`);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (min: number, max: number) => (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
const isName = (value: unknown) => typeof value === 'string' && /^[\w.-]{1,64}$/.test(value);

/** What each field of config.json must be, with the words an error uses for it. */
const FIELD_CHECKS: readonly (readonly [keyof RunConfig, (value: unknown) => boolean, string, boolean])[] = [
  ['robot', isName, 'a robot name', true],
  ['algorithm', isName, 'an algorithm name', true],
  ['preset', (value) => value === null || isName(value), 'a preset name or null', false],
  ['seed', isCount(0, 2 ** 31 - 1), 'a whole number from 0 to 2147483647', true],
  ['workers', isCount(0, MAX_WORKERS), `a whole number from 0 to ${MAX_WORKERS}`, true],
  [
    'physics',
    (value) => value === RETIRED_PHYSICS || (physicsNames as readonly unknown[]).includes(value),
    `one of ${physicsNames.join(', ')}`,
    false,
  ],
  ['totalSteps', isCount(1, MAX_TOTAL_STEPS), `a whole number from 1 to ${MAX_TOTAL_STEPS}`, true],
  ['checkpointEvery', isCount(1, MAX_TOTAL_STEPS), `a whole number from 1 to ${MAX_TOTAL_STEPS}`, true],
  ['keepCheckpoints', isCount(1, 1000), 'a whole number from 1 to 1000', true],
  ['evalEvery', isCount(0, MAX_TOTAL_STEPS), `a whole number from 0 to ${MAX_TOTAL_STEPS}`, false],
  ['evalEpisodes', isCount(1, MAX_EVAL_EPISODES), `a whole number from 1 to ${MAX_EVAL_EPISODES}`, false],
  ['overrides', isRecord, 'an object', false],
  ['algorithmConfig', isRecord, 'an object', true],
  ['versions', (value) => isRecord(value) && Object.values(value).every((v) => typeof v === 'string'), 'an object of version strings', false],
  ['createdAt', (value) => typeof value === 'string' && !Number.isNaN(Date.parse(value)), 'an ISO date', false],
];

/**
 * Checks a parsed config.json: the right format, every required field present, and every field of the right
 * type and range (a hand-edited or damaged file fails here with the field's name, not deep inside training);
 * `source` names the file in errors.
 */
export function checkRunConfig(value: unknown, source: string): RunConfig {
  if (!isRecord(value)) throw new Error(`${source} is not a run config (not a JSON object)`);
  const config = value as Partial<RunConfig>;
  if (config.runFormat !== RUN_FORMAT) {
    const found = config.runFormat === undefined ? 'no run format' : `run format ${JSON.stringify(config.runFormat)}`;
    throw new Error(`${source} has ${found}; this sinew reads run format ${RUN_FORMAT} (incompatible version)`);
  }
  for (const [field, check, expected, required] of FIELD_CHECKS) {
    const found = config[field];
    if (found === undefined) {
      if (required) throw new Error(`${source} is missing '${field}'`);
      continue;
    }
    if (!check(found)) throw new Error(`${source}: '${field}' must be ${expected}, got ${JSON.stringify(found) ?? String(found)}`);
  }
  try {
    checkResources(String(config.algorithm), config.algorithmConfig as AlgorithmConfig);
  } catch (error) {
    throw new Error(`${source}: ${(error as Error).message}`);
  }
  // Runs written before physics was a choice ran on the hand-written joint-space models, never on today's default.
  const physics: string = config.physics ?? RETIRED_PHYSICS;
  return { ...(config as RunConfig), physics: physics === RETIRED_PHYSICS ? 'mujoco' : (physics as PhysicsName) };
}
