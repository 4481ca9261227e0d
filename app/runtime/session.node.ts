import { getRuntimeAlgorithm } from './catalog.ts';
import { checkPhysics } from '../../sim/physics.ts';
import type { AlgorithmConfig, Catalog } from './catalog.ts';
import type { AlgorithmEntry } from '../../agents/contract.ts';
import { latestReturn } from './metrics.ts';
import { ProgressReporter } from './progress.node.ts';
import type { ProgressStream } from './progress.node.ts';
import type { RunFolder } from './run-folder.node.ts';
import { evaluationSchedule, runIdentity } from './run-config.ts';
import { runTrainingLoop } from './training-loop.ts';
import type { LoopOutcome } from './training-loop.ts';
import type { Trainer } from '../../agents/contract.ts';

/**
 * One training session of a run folder in this process: build the trainer, restore a checkpoint when resuming,
 * run the loop with progress, metrics and checkpoints, and turn Ctrl-C into "checkpoint, then exit cleanly".
 */

export interface SessionOptions {
  readonly catalog: Catalog;
  /** Resume from this checkpoint ("latest", "best", a step count or a path); fresh start when absent. */
  readonly resumeFrom?: string;
  /** Overrides the run's totalSteps (resume --steps). */
  readonly totalSteps?: number;
  readonly progress: ProgressStream;
  /** Stop requests besides SIGINT (tests, the app). */
  readonly shouldStop?: () => boolean;
  /** Listen for SIGINT/SIGTERM (the command line does; tests do not). */
  readonly handleSignals?: boolean;
}

export interface SessionResult {
  readonly outcome: LoopOutcome;
  readonly envSteps: number;
  readonly latestReturn: number | null;
}

export async function runSession(folder: RunFolder, options: SessionOptions): Promise<SessionResult> {
  const unlock = folder.lock();
  try {
    return await lockedSession(folder, options);
  } finally {
    unlock();
  }
}

async function lockedSession(folder: RunFolder, options: SessionOptions): Promise<SessionResult> {
  const { config } = folder;
  const totalSteps = options.totalSteps ?? config.totalSteps;
  // Read the checkpoint before building anything, so a bad one fails fast and changes nothing.
  const restored = options.resumeFrom === undefined ? null : folder.loadCheckpoint(options.resumeFrom);
  const entry = getRuntimeAlgorithm(options.catalog, config.algorithm);
  const trainer: Trainer = await entry.createTrainer({
    robot: config.robot,
    config: validatedAlgorithmConfig(folder, entry),
    seed: config.seed,
    workers: config.workers,
    physics: checkPhysics(config.physics),
  });
  let stopRequested = false;
  const onSignal = () => {
    if (stopRequested) process.exit(130); // a second Ctrl-C means now
    stopRequested = true;
    reporter.log('stopping: finishing the current iteration and writing a checkpoint (Ctrl-C again to abort)');
  };
  const reporter = new ProgressReporter(options.progress, totalSteps, restored?.meta.envSteps ?? 0);
  try {
    let lastReturn: number | null = null;
    if (restored) {
      await trainer.setState(restored.state);
      const dropped = folder.truncateMetricsAfter(restored.meta.envSteps);
      lastReturn = restored.meta.meanReturn;
      reporter.log(
        `resuming ${folder.name} from ${restored.path} at ${restored.meta.envSteps} env steps` +
          (dropped > 0 ? ` (dropped ${dropped} metrics lines logged after that checkpoint)` : ''),
      );
    }
    if (options.handleSignals) {
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }
    const outcome = await runTrainingLoop({
      trainer,
      totalSteps,
      checkpointEvery: config.checkpointEvery,
      evaluation: evaluationSchedule(config),
      shouldStop: () => stopRequested || (options.shouldStop?.() ?? false),
      onRecords(records) {
        folder.appendMetrics(records);
        lastReturn = latestReturn(records) ?? lastReturn;
        reporter.update(trainer.envSteps, lastReturn);
      },
      async saveCheckpoint() {
        const state = await trainer.getState();
        folder.saveCheckpoint(state, {
          robot: config.robot,
          algorithm: config.algorithm,
          envSteps: trainer.envSteps,
          meanReturn: lastReturn,
          sinewVersion: config.versions.sinew ?? 'unknown',
          createdAt: new Date().toISOString(),
          run: runIdentity(config),
        });
      },
    });
    reporter.finish(trainer.envSteps, lastReturn);
    reporter.log(
      outcome === 'finished'
        ? `finished ${folder.name}: ${trainer.envSteps} env steps; try it with: sinew play ${folder.path}`
        : `stopped ${folder.name} at ${trainer.envSteps} env steps; continue with: sinew resume ${folder.path}`,
    );
    return { outcome, envSteps: trainer.envSteps, latestReturn: lastReturn };
  } finally {
    if (options.handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    await trainer.dispose();
  }
}

/** The run's algorithm config checked by today's algorithm: a run from another version may not fit it. */
export function validatedAlgorithmConfig(folder: RunFolder, entry: AlgorithmEntry): AlgorithmConfig {
  try {
    return entry.validate(folder.config.algorithmConfig);
  } catch (error) {
    const written = folder.config.versions?.sinew ?? 'an unknown version';
    throw new Error(`${folder.path}/config.json does not fit this sinew (written by sinew ${written}): ${(error as Error).message}`);
  }
}
