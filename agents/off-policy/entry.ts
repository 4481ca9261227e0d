import type { CreateTrainerOptions } from '../contract.ts';
import { simVecEnv } from '../shared/sim-vec-env.ts';
import { initTf } from '../shared/tf.ts';
import type { OffPolicyConfig } from './agent.ts';
import { OffPolicyTrainer, type OffPolicyTrainerOptions } from './trainer.ts';
import type { LearnerThreadFactory } from './learner-protocol.ts';

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
