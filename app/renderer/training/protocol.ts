import type { MetricsRecord } from '../../../agents/trainer.ts';
import type { PolicySnapshot } from '../../../agents/policy.ts';
import type { RunConfig } from '../../runtime/run-config.ts';

/** Messages between the UI thread and a trainer Web Worker (one worker per training run). */

export type ToTrainer =
  | {
      readonly type: 'start';
      readonly config: RunConfig;
      /** Checkpoint bytes to resume from. */
      readonly checkpoint: Uint8Array | null;
      /** Shared pose board the environments write each step and the renderer reads each frame. */
      readonly poseBoard: SharedArrayBuffer;
      /** Folder URL of tfjs-backend-wasm's .wasm files. */
      readonly wasmPath: string;
    }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'stop' }
  | { readonly type: 'export'; readonly requestId: number };

export type TrainerPhase = 'starting' | 'training' | 'paused' | 'finished' | 'stopped' | 'failed';

export type FromTrainer =
  | { readonly type: 'phase'; readonly phase: TrainerPhase; readonly detail?: string }
  | { readonly type: 'ready'; readonly backend: string; readonly numEnvs: number; readonly bodyNames: readonly string[] }
  | { readonly type: 'records'; readonly records: readonly MetricsRecord[] }
  | { readonly type: 'progress'; readonly envSteps: number; readonly stepsPerSecond: number }
  | { readonly type: 'checkpoint'; readonly bytes: Uint8Array; readonly envSteps: number; readonly meanReturn: number | null }
  | { readonly type: 'policy'; readonly requestId: number; readonly snapshot: PolicySnapshot | null; readonly error?: string };
