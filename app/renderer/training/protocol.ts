import type { MetricsRecord } from '../../../agents/contract.ts';
import type { PolicySnapshot } from '../../../agents/policy.ts';
import type { RunConfig } from '../../runtime/run-config.ts';

/** Messages between the UI thread and a trainer Web Worker (one worker per training run). */

export type ToTrainer =
  | {
      readonly type: 'start';
      readonly config: RunConfig;
      /** Checkpoint bytes to resume from. */
      readonly checkpoint: Uint8Array | null;
      /** Folder URL of tfjs-backend-wasm's .wasm files. */
      readonly wasmPath: string;
    }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'stop' }
  | { readonly type: 'export'; readonly requestId: number }
  /** Builds the trainer from a checkpoint only to export its policy (a run that is not training). */
  | {
      readonly type: 'exportCheckpoint';
      readonly requestId: number;
      readonly config: RunConfig;
      readonly checkpoint: Uint8Array;
      readonly wasmPath: string;
    };

export type TrainerPhase = 'starting' | 'training' | 'paused' | 'finished' | 'stopped' | 'failed';

export type FromTrainer =
  | { readonly type: 'phase'; readonly phase: TrainerPhase; readonly detail?: string }
  | {
      readonly type: 'ready';
      readonly backend: string;
      readonly numEnvs: number;
      /** The training environments' pose board over shared memory: written each step, read by the renderer each frame. */
      readonly poses: Float32Array;
    }
  | { readonly type: 'records'; readonly records: readonly MetricsRecord[] }
  | { readonly type: 'progress'; readonly envSteps: number; readonly stepsPerSecond: number }
  | { readonly type: 'checkpoint'; readonly bytes: Uint8Array; readonly envSteps: number; readonly meanReturn: number | null }
  | { readonly type: 'policy'; readonly requestId: number; readonly snapshot: PolicySnapshot | null; readonly error?: string };
