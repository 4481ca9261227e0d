import { Worker } from 'node:worker_threads';
import type { A3cWorkerFactory, FromWorker } from './a3c-worker.ts';

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

/**
 * Node 20 refuses a .ts file as a worker's main module even with execArgv ['--import', 'tsx'] (the same
 * finding as sim/worker-host.node.ts), so a one-line bootstrap registers tsx's loader, then imports the entry.
 */
function startTypeScriptWorker(file: URL, workerData: unknown): Worker {
  const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
  const tsxApi = resolve ? resolve('tsx/esm/api') : 'tsx/esm/api';
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(file.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

export function nodeWorkers(options: NodeWorkerOptions = {}): A3cWorkerFactory {
  const envModule = options.envModule ?? new URL('../sim/vec-env.ts', import.meta.url).href;
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
