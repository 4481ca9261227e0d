import type { Command } from '../command.ts';
import { optionString, parseArgs, requireString } from '../args.ts';
import type { OptionSpec } from '../args.ts';
import { defaultCliDeps, expectPositionals, intOption, prepareOutFolder, stepsOption, usageChecked } from '../support.ts';
import type { CliDeps } from '../support.ts';
import {
  DEFAULT_EVAL_EPISODES,
  DEFAULT_KEEP_CHECKPOINTS,
  DEFAULT_TOTAL_STEPS,
  defaultCheckpointEvery,
  resolveRunConfig,
} from '../../runtime/run-config.ts';
import type { RunRequest } from '../../runtime/run-config.ts';
import { RunFolder } from '../../runtime/run-folder.node.ts';
import { runSession } from '../../runtime/session.node.ts';
import { runtimeVersions } from '../../runtime/versions.node.ts';
import { defaultPhysics, physicsNames, physicsSummary, robotNames } from '../../../sim/registry.ts';

/** "mujoco for walker2d, half-cheetah, ...": which robots each physics is the default of. */
function defaultsText(): string {
  return physicsNames
    .map((physics) => [physics, robotNames.filter((robot) => defaultPhysics(robot) === physics)] as const)
    .filter(([, robots]) => robots.length > 0)
    .map(([physics, robots]) => `${physics} for ${robots.join(', ')}`)
    .join('; ');
}

/** Options shared by train and compare. */
export const runOptions: readonly OptionSpec[] = [
  { name: 'robot', description: `robot to train: ${robotNames.join(', ')} (required)` },
  {
    name: 'steps',
    description: 'environment steps to train for (1e6 and 1_000_000 work)',
    default: DEFAULT_TOTAL_STEPS.toExponential().replace('e+', 'e'),
  },
  { name: 'envs', description: "parallel environments, the algorithm's numEnvs (default: from the preset)" },
  { name: 'workers', description: 'environment worker threads (0: step the environments in the training thread)', default: '0' },
  {
    name: 'physics',
    description: `the robots' physics: ${physicsNames.map((name) => `'${name}' (${physicsSummary[name]})`).join(', ')}. Default: ${defaultsText()}`,
  },
  { name: 'preset', description: "hyperparameter preset: a robot name, 'none' for bare defaults, 'auto' for the robot's own", default: 'auto' },
  { name: 'set', description: 'override one config field, key=value (repeatable), e.g. --set learningRate=1e-4', repeatable: true },
  { name: 'out', description: 'folder that receives the run folder', default: 'runs' },
  { name: 'checkpoint-every', description: 'environment steps between checkpoints (default: steps/20)' },
  { name: 'keep', description: 'periodic checkpoints kept (best.ckpt is kept besides)', default: String(DEFAULT_KEEP_CHECKPOINTS) },
  {
    name: 'eval-every',
    description:
      'environment steps between evaluations without exploration noise, logged as eval_return; 0 for none (default: steps/10, at least 10,000)',
  },
  { name: 'eval-episodes', description: 'episodes per evaluation', default: String(DEFAULT_EVAL_EPISODES) },
];

const options: readonly OptionSpec[] = [
  ...runOptions.slice(0, 1),
  { name: 'algo', description: 'algorithm: ddpg, td3, sac, a2c, a3c, trpo, ppo, ppo-kl (required)' },
  ...runOptions.slice(1),
  { name: 'seed', description: 'seed of networks, exploration and environments', default: '1' },
  { name: 'name', description: 'run folder name (default: <robot>-<algo>-seed<seed>-<time>)' },
];

/** The --steps/--envs/... part of a RunRequest, shared with compare. */
export function runRequestFrom(args: ReturnType<typeof parseArgs>, algorithm: string, seed: number): RunRequest {
  const totalSteps = stepsOption(args, 'steps') ?? DEFAULT_TOTAL_STEPS;
  return {
    robot: requireString(args, 'robot'),
    algorithm,
    preset: optionString(args, 'preset'),
    seed,
    workers: intOption(args, 'workers', 0) ?? 0,
    physics: optionString(args, 'physics'),
    totalSteps,
    checkpointEvery: stepsOption(args, 'checkpoint-every') ?? defaultCheckpointEvery(totalSteps),
    keepCheckpoints: intOption(args, 'keep', 1) ?? DEFAULT_KEEP_CHECKPOINTS,
    evalEvery: optionString(args, 'eval-every') === '0' ? 0 : stepsOption(args, 'eval-every'),
    evalEpisodes: intOption(args, 'eval-episodes', 1),
    set: args.options.get('set') ?? [],
    numEnvs: intOption(args, 'envs', 1),
  };
}

export function makeTrainCommand(deps: CliDeps): Command {
  return {
    name: 'train',
    usage: 'sinew train --robot <robot> --algo <algorithm> [options]',
    summary: 'Train one agent into a new run folder (Ctrl-C checkpoints and stops; sinew resume continues).',
    options,
    async run(argv) {
      const args = parseArgs(argv, options);
      expectPositionals(args, 0, 0, '');
      const seed = intOption(args, 'seed', 0) ?? 1;
      const request = runRequestFrom(args, requireString(args, 'algo'), seed);
      const catalog = await deps.loadCatalog();
      // Everything is resolved and validated before the run folder exists: bad input writes nothing.
      const config = usageChecked(() => resolveRunConfig(catalog, request, runtimeVersions()));
      const folder = RunFolder.create(prepareOutFolder(optionString(args, 'out') ?? 'runs'), config, optionString(args, 'name'));
      deps.print(`run folder: ${folder.path}`);
      const result = await runSession(folder, { catalog, progress: deps.progress, handleSignals: deps.handleSignals }).catch((error: unknown) => {
        // A run that failed before logging anything (e.g. its trainer could not start) leaves no folder behind.
        folder.discardIfUntrained();
        throw error;
      });
      return result.outcome === 'finished' ? 0 : 130;
    },
  };
}

export const trainCommand = makeTrainCommand(defaultCliDeps);
