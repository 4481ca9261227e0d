import type { MetricsRecord, Trainer } from '../../agents/contract.ts';
import { DIVERGED } from '../../agents/shared/divergence.ts';

/**
 * The loop shared by the command line and the app's trainer worker: iterate until the step budget is spent
 * or a stop is requested, hand every metrics record on, evaluate the policy and checkpoint at fixed env-step
 * multiples (checkpoints also at the end). Both fall on iteration boundaries, where a trainer's state is
 * complete, so a resume from any checkpoint continues the exact same computation.
 *
 * Evaluation is SB3's EvalCallback: every `evaluation.every` env steps, `evaluation.episodes` episodes without
 * exploration noise on the trainer's separate evaluation environments (the same start states each time), logged
 * as one record { eval_return (their mean), eval_return_std, eval_length }. Trainer.evaluate changes nothing
 * the training depends on, so a run gives the same training curve with evaluation on or off.
 */

/** When and how much to evaluate (RunConfig's evalEvery and evalEpisodes). */
export interface EvaluationSchedule {
  /** Evaluate whenever envSteps passes a multiple of this; 0: never. */
  readonly every: number;
  readonly episodes: number;
}

export interface TrainingLoopOptions {
  readonly trainer: Trainer;
  /** Stop once the trainer has taken this many env steps. */
  readonly totalSteps: number;
  /** Checkpoint whenever envSteps passes a multiple of this. */
  readonly checkpointEvery: number;
  /** Polled between iterations (Ctrl-C, the app's stop button). */
  shouldStop(): boolean;
  onRecords(records: readonly MetricsRecord[]): void | Promise<void>;
  saveCheckpoint(): Promise<void>;
  /** Periodic deterministic evaluation; none when absent. */
  readonly evaluation?: EvaluationSchedule;
}

export type LoopOutcome = 'finished' | 'stopped';

export async function runTrainingLoop(options: TrainingLoopOptions): Promise<LoopOutcome> {
  const { trainer, totalSteps, checkpointEvery } = options;
  if (!(checkpointEvery > 0)) throw new Error(`checkpointEvery must be positive, got ${checkpointEvery}`);
  const evaluation = options.evaluation ?? { every: 0, episodes: 0 };
  if (evaluation.every !== 0 && !(evaluation.every > 0 && evaluation.episodes >= 1))
    throw new Error(`evaluation needs a positive interval and at least one episode, got every ${evaluation.every}, episodes ${evaluation.episodes}`);
  const nextMultiple = (steps: number, every: number) => (Math.floor(steps / every) + 1) * every;
  let nextCheckpoint = nextMultiple(trainer.envSteps, checkpointEvery);
  let nextEvaluation = evaluation.every > 0 ? nextMultiple(trainer.envSteps, evaluation.every) : Infinity;
  let checkpointedAt = trainer.envSteps;
  while (trainer.envSteps < totalSteps) {
    // A trainer whose steps all resolve as microtasks never returns to the event loop, where signals (Ctrl-C)
    // and worker messages are delivered: give it one turn per iteration, then ask (once) whether to stop.
    await yieldToEventLoop();
    if (options.shouldStop()) break;
    const before = trainer.envSteps;
    let records = await trainer.iterate().catch((error: unknown) => {
      throw divergenceStop(trainer.algorithm, error, before, checkpointedAt);
    });
    const bad = nonFiniteLoss(records);
    if (bad !== null) throw divergenceStop(trainer.algorithm, new Error(`${DIVERGED}${bad}`), before, checkpointedAt);
    // A real turn of the event loop (awaiting resolved promises never gives one): Ctrl-C, the app's pause and
    // stop messages and test runners' heartbeats are handled between iterations, however long training runs.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (trainer.envSteps <= before) throw new Error(`${trainer.algorithm}: an iteration took no environment steps`);
    // An evaluation is logged with the training wall time of the iteration's last record, so it waits for an
    // iteration that logged one (off-policy trainers log every few chunks).
    const last = records.at(-1);
    if (trainer.envSteps >= nextEvaluation && last !== undefined) {
      records = [...records, await evaluationRecord(trainer, evaluation.episodes, last.wallTime)];
      nextEvaluation = nextMultiple(trainer.envSteps, evaluation.every);
    }
    await options.onRecords(records);
    if (trainer.envSteps >= nextCheckpoint) {
      await options.saveCheckpoint();
      checkpointedAt = trainer.envSteps;
      nextCheckpoint = nextMultiple(trainer.envSteps, checkpointEvery);
    }
  }
  if (checkpointedAt !== trainer.envSteps) await options.saveCheckpoint();
  return trainer.envSteps >= totalSteps ? 'finished' : 'stopped';
}

/** One evaluation as a metrics record, at the trainer's env steps and the training wall time of its last record. */
async function evaluationRecord(trainer: Trainer, episodes: number, wallTime: number): Promise<MetricsRecord> {
  const result = await trainer.evaluate(episodes);
  const length = result.lengths.reduce((sum, value) => sum + value, 0) / result.lengths.length;
  return { envSteps: trainer.envSteps, wallTime, eval_return: result.meanReturn, eval_return_std: result.stdReturn, eval_length: length };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The first loss of the records that is not a finite number ("critic_loss became Infinity"), or null. */
function nonFiniteLoss(records: readonly MetricsRecord[]): string | null {
  for (const record of records) {
    for (const [key, value] of Object.entries(record)) {
      if (/loss$/.test(key) && typeof value === 'number' && !Number.isFinite(value)) return `${key} became ${value}; lower the learning rate`;
    }
  }
  return null;
}

/**
 * A diverged trainer stops the run with one clear line: what diverged, when, and that no checkpoint holds it
 * (the loop checkpoints only after a whole, finite iteration). Other errors pass unchanged. A learner thread's
 * error arrives as text (with its stack), hence the search for the message's marker.
 */
function divergenceStop(algorithm: string, error: unknown, envSteps: number, checkpointedAt: number): unknown {
  const text = error instanceof Error ? error.message : String(error);
  const at = text.indexOf(DIVERGED);
  if (at < 0) return error;
  const reason = text.slice(at + DIVERGED.length).split('\n')[0];
  const kept = checkpointedAt > 0 ? `the latest checkpoint (at ${checkpointedAt} env steps) is from before it` : 'no checkpoint was written';
  return new Error(`${algorithm} diverged after ${envSteps} env steps: ${reason}. The run stopped; ${kept}`);
}
