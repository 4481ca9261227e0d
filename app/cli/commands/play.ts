import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../command.ts';
import { optionString, parseArgs } from '../args.ts';
import type { OptionSpec } from '../args.ts';
import { defaultCliDeps, expectPositionals, intOption } from '../support.ts';
import type { CliDeps } from '../support.ts';
import { getRuntimeAlgorithm } from '../../runtime/catalog.ts';
import { playEpisodes, playSummary } from '../../runtime/play.ts';
import type { PlayResult } from '../../runtime/play.ts';
import { RunFolder } from '../../runtime/run-folder.node.ts';
import { validatedAlgorithmConfig } from '../../runtime/session.node.ts';
import type { Env } from '../../../sim/env.ts';
import { physicsNames, resolvePhysics, type PhysicsName } from '../../../sim/physics.ts';
import { createEnv } from '../../../sim/registry.ts';
import type { PolicySnapshot } from '../../../agents/policy.ts';
import { policyState } from '../../../agents/policy-state.ts';
import { createPolicyEvaluator } from '../../../agents/export/evaluator.ts';

const options: readonly OptionSpec[] = [
  { name: 'episodes', description: 'episodes to play', default: '5' },
  { name: 'checkpoint', description: 'for a run folder: latest, best, a step count or a file', default: 'best' },
  { name: 'seed', description: 'episode i starts from a reset with seed + i', default: '0' },
  {
    name: 'physics',
    description: `the physics to play on: ${physicsNames.join(', ')} (default: the run's own, else the robot's default); a run trained on another one measures its policy's transfer`,
  },
];

type CreateEnv = (robot: string, options?: { seed?: number; physics?: PhysicsName }) => Promise<Env>;

export interface PlayDeps extends CliDeps {
  /** Builds one environment for exported policies (sim/registry.ts's createEnv). */
  createEnv(): Promise<CreateEnv>;
}

async function simCreateEnv(): Promise<CreateEnv> {
  return createEnv;
}

/**
 * A run folder plays through the same path as its export: the checkpoint's trainer hands over its policy
 * snapshot, which runs on a fresh environment with the same seeds, so `play RUN` and `play RUN/exports` agree.
 */
async function playRun(
  deps: PlayDeps,
  path: string,
  which: string,
  seed: number,
  episodes: number,
  physicsOption: string | undefined,
): Promise<PlayResult> {
  const folder = RunFolder.open(path);
  const { state, path: checkpoint, meta } = folder.loadCheckpoint(which);
  const catalog = await deps.loadCatalog();
  const entry = getRuntimeAlgorithm(catalog, folder.config.algorithm);
  // The trainer is built on the physics the run trained on and takes the checkpoint's policy (policyState: not its
  // environments' state, which another build of the engine may not read); the policy then plays on the chosen
  // physics, so --physics measures how a policy transfers between engines.
  const trainedOn = resolvePhysics(folder.config.robot, folder.config.physics);
  const physics = resolvePhysics(folder.config.robot, physicsOption ?? trainedOn);
  const trainer = await entry.createTrainer({
    robot: folder.config.robot,
    config: validatedAlgorithmConfig(folder, entry),
    seed: folder.config.seed,
    workers: 0,
    physics: trainedOn,
  });
  let snapshot: PolicySnapshot;
  try {
    await trainer.setState(policyState(state));
    snapshot = trainer.exportPolicy();
  } finally {
    await trainer.dispose();
  }
  deps.print(`${folder.config.algorithm} on ${folder.config.robot}, ${checkpoint} (${meta.envSteps} env steps)`);
  return playSnapshot(deps, snapshot, path, seed, episodes, physics);
}

async function playSnapshot(
  deps: PlayDeps,
  snapshot: PolicySnapshot,
  path: string,
  seed: number,
  episodes: number,
  physics: string | undefined,
): Promise<PlayResult> {
  const evaluator = createPolicyEvaluator(snapshot);
  const env = await (await deps.createEnv())(snapshot.robot, { seed, physics: resolvePhysics(snapshot.robot, physics) });
  try {
    if (env.observationSize !== snapshot.observationSize || env.actionSize !== snapshot.actionSize) {
      throw new Error(
        `${path} expects ${snapshot.observationSize} observations and ${snapshot.actionSize} actions; ${snapshot.robot} has ${env.observationSize} and ${env.actionSize}`,
      );
    }
    return playEpisodes(env, (obs) => evaluator.act(obs), episodes, seed);
  } finally {
    env.dispose();
  }
}

async function playPolicy(deps: PlayDeps, path: string, seed: number, episodes: number, physics: string | undefined): Promise<PlayResult> {
  const { loadPolicy } = await import('../../../agents/export/load-policy.node.ts');
  const policy = loadPolicy(path);
  deps.print(`${policy.snapshot.algorithm} on ${policy.snapshot.robot}, ${policy.networkFile} (${policy.snapshot.envSteps} env steps)`);
  return playSnapshot(deps, policy.snapshot, path, seed, episodes, physics);
}

export function makePlayCommand(deps: PlayDeps): Command {
  return {
    name: 'play',
    usage: 'sinew play <run folder | exported policy> [options]',
    summary: 'Play a trained policy without exploration noise and print the episode returns.',
    options,
    async run(argv) {
      const args = parseArgs(argv, options);
      const [path] = expectPositionals(args, 1, 1, 'a run folder or an exported policy');
      const episodes = intOption(args, 'episodes', 1) ?? 5;
      const seed = intOption(args, 'seed', 0) ?? 0;
      const isRun = existsSync(join(path, 'config.json'));
      const physics = optionString(args, 'physics');
      const result = isRun
        ? await playRun(deps, path, optionString(args, 'checkpoint') ?? 'best', seed, episodes, physics)
        : await playPolicy(deps, path, seed, episodes, physics);
      for (const line of playSummary(result)) deps.print(line);
      return 0;
    },
  };
}

export const playCommand = makePlayCommand({ ...defaultCliDeps, createEnv: simCreateEnv });
