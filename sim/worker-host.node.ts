import { Worker } from 'node:worker_threads';
import type { WorkerFactory, WorkerPort } from './worker-protocol.ts';

const entry = new URL('./env-worker.node.ts', import.meta.url);

/**
 * Starts a worker on a .ts entry. Node 20 refuses a .ts file as a worker's main module, even with
 * execArgv ['--import', 'tsx'], so a one-line bootstrap registers tsx's loader in the worker, then imports it.
 */
export function startTypeScriptWorker(file: URL, workerData?: unknown): Worker {
  if (!file.pathname.endsWith('.ts')) return new Worker(file, { workerData });
  const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
  const tsxApi = resolve ? resolve('tsx/esm/api') : 'tsx/esm/api';
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(file.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** Env workers as Node worker_threads running sim/env-worker.node.ts. */
export const nodeWorkerFactory: WorkerFactory = (): WorkerPort => {
  const worker = startTypeScriptWorker(entry);
  return {
    postMessage: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.on('message', listener),
    onError: (listener) => worker.on('error', listener),
    terminate: () => worker.terminate(),
  };
};
