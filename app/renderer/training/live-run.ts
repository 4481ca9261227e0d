import type { MetricsRecord } from '../../../agents/contract.ts';
import type { TrainerPhase } from './protocol.ts';
import type { StoredRun } from './stored-run.ts';

/**
 * A run's state as the UI shows it. A run loaded from disk (trained earlier, or by the CLI) is 'finished' when
 * it reached its step budget and 'stopped' otherwise; 'elsewhere' is one another process (sinew train/resume) or
 * tab is training: it holds the run's lock.
 */
export type RunPhase = TrainerPhase | 'queued' | 'saving' | 'elsewhere';

/** The phase of a run on disk that nothing trains: finished once it reached its step budget, else stopped. */
export function restingPhase(envSteps: number, totalSteps: number): RunPhase {
  return envSteps >= totalSteps ? 'finished' : 'stopped';
}

export interface LiveRun {
  readonly stored: StoredRun;
  phase: RunPhase;
  detail: string;
  records: MetricsRecord[];
  envSteps: number;
  stepsPerSecond: number;
  /** Poses the worker's environments write every step (7 floats per body per robot); null without a worker. */
  poseBoard: Float32Array | null;
  numEnvs: number;
  worker: Worker | null;
}
