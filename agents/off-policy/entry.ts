import type { AlgorithmEntry, CreateTrainerOptions } from '../contract.ts';
import type { Rng } from '../../sim/rng.ts';
import { simVecEnv } from '../shared/sim-vec-env.ts';
import { initTf } from '../shared/tf.ts';
import type { OffPolicyAgent, OffPolicyConfig } from './agent.ts';
import { OffPolicyTrainer, type OffPolicyTrainerOptions } from './trainer.ts';
import type { LearnerThreadFactory } from './learner-protocol.ts';

/** What an off-policy algorithm's file gives to make its registry entry. */
export interface OffPolicyAlgorithm<C extends OffPolicyConfig> {
  readonly name: string;
  readonly summary: string;
  readonly defaults: C;
  /** Robot name -> overrides of the defaults (assets/presets/<name>.json). */
  readonly presets: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly fieldDocs: Readonly<Record<keyof C, string>>;
  /** The complete config (defaults overridden by `config`), or an Error naming the offending field. */
  validate(config: Readonly<Record<string, unknown>>): C;
  createAgent(config: C, obsSize: number, actionSize: number, rng: Rng): OffPolicyAgent;
}

/** The registry entry of an off-policy algorithm: its config validated, then a trainer driving its agent. */
export function offPolicyEntry<C extends OffPolicyConfig>(algorithm: OffPolicyAlgorithm<C>): AlgorithmEntry {
  return {
    kind: 'off-policy',
    summary: algorithm.summary,
    defaultConfig: algorithm.defaults,
    presets: algorithm.presets,
    fieldDocs: algorithm.fieldDocs,
    validate: (config) => algorithm.validate(config),
    createTrainer: (options) => {
      const config = algorithm.validate(options.config);
      return createOffPolicyTrainer(algorithm.name, options, config, (obsSize, actionSize, rng) =>
        algorithm.createAgent(config, obsSize, actionSize, rng),
      );
    },
  };
}

/** The registry's createTrainer for an off-policy algorithm: tfjs started, environments built, agent created. */
export async function createOffPolicyTrainer(
  algorithm: string,
  options: CreateTrainerOptions,
  config: OffPolicyConfig,
  createAgent: OffPolicyTrainerOptions['createAgent'],
): Promise<OffPolicyTrainer> {
  await initTf();
  const makeVecEnv = options.makeVecEnv ?? simVecEnv;
  const learnerThread = config.learnerThread ? await defaultLearnerThread(options) : undefined;
  return OffPolicyTrainer.create({
    robot: options.robot,
    algorithm,
    config,
    seed: options.seed,
    workers: options.workers ?? 0,
    physics: options.physics,
    makeVecEnv,
    createAgent,
    learnerThread,
  });
}

/** The given learner thread; else a Node worker thread under Node; else none (the learner runs in this thread). */
async function defaultLearnerThread(options: CreateTrainerOptions): Promise<LearnerThreadFactory | undefined> {
  if (options.learnerThread) return options.learnerThread;
  // Tests that inject their environments keep everything in one thread (quick to start), as A3C does.
  if (options.makeVecEnv) return undefined;
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (typeof process?.versions?.node !== 'string') return undefined;
  const adapterPath = './learner-thread.node.ts'; // a variable specifier keeps Node types out of the platform-free build
  const adapter = (await import(/* @vite-ignore */ adapterPath)) as { nodeLearnerThread: LearnerThreadFactory };
  return adapter.nodeLearnerThread;
}
