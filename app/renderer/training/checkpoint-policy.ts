import type { PolicySnapshot } from '../../../agents/policy.ts';
import type { RunConfig } from '../../runtime/run-config.ts';
import type { FromTrainer, ToTrainer } from './protocol.ts';

/**
 * The policy of a run that is not training, rebuilt from one of its checkpoints in a trainer Web Worker that lives
 * only for this (the trainer's code is what reads a checkpoint; the UI thread never loads tfjs).
 */
export function policyFromCheckpoint(runName: string, config: RunConfig, checkpoint: Uint8Array, wasmPath: string): Promise<PolicySnapshot> {
  const worker = new Worker(new URL('./trainer.worker.ts', import.meta.url), { type: 'module', name: `export ${runName}` });
  const answer = new Promise<PolicySnapshot>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<FromTrainer>) => {
      const message = event.data;
      if (message.type !== 'policy') return;
      if (message.snapshot) resolve(message.snapshot);
      else reject(new Error(message.error ?? 'export failed'));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(event.message || 'the export worker crashed'));
    };
  });
  worker.postMessage({ type: 'exportCheckpoint', requestId: 0, config, checkpoint, wasmPath } satisfies ToTrainer);
  return answer.finally(() => worker.terminate());
}
