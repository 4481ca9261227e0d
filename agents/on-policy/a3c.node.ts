import { startTypeScriptWorker } from '../../sim/worker-host.node.ts';
import type { A3cWorkerFactory, FromWorker } from './a3c-protocol.ts';

/**
 * A3C's actor-learners as Node worker threads (a3c-worker.node.ts). Each thread imports `envModule` and
 * builds its environments with its `envExport` function (sim/vec-env.ts's createVecEnv by default; tests
 * pass a fixture).
 */
export interface NodeWorkerOptions {
  /** URL of the module that builds environments. */
  readonly envModule?: string;
  /** Its export with the VecEnvFactory signature. */
  readonly envExport?: string;
}

export function nodeWorkers(options: NodeWorkerOptions = {}): A3cWorkerFactory {
  const envModule = options.envModule ?? new URL('../../sim/vec-env.ts', import.meta.url).href;
  const envExport = options.envExport ?? 'createVecEnv';
  return (index) => {
    const worker = startTypeScriptWorker(new URL('./a3c-worker.node.ts', import.meta.url), { envModule, envExport });
    let handler: (message: FromWorker) => void = () => {};
    worker.on('message', (message: FromWorker) => handler(message));
    worker.on('error', (error) => handler({ type: 'error', index, message: error.stack ?? String(error) }));
    return {
      post: (message) => worker.postMessage(message),
      onMessage: (h) => {
        handler = h;
      },
      async terminate() {
        worker.postMessage({ type: 'stop' });
        await worker.terminate();
      },
    };
  };
}
