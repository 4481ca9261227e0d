import type { WorkerFactory, WorkerPort } from './worker-protocol.ts';

/** Env workers as module Web Workers running sim/env-worker.web.ts (the app's bundler resolves the URL). */
export const webWorkerFactory: WorkerFactory = (): WorkerPort => {
  const worker = new Worker(new URL('./env-worker.web.ts', import.meta.url), { type: 'module' });
  return {
    postMessage: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.addEventListener('message', (event: MessageEvent) => listener(event.data)),
    onError: (listener) => worker.addEventListener('error', (event: ErrorEvent) => listener(new Error(event.message))),
    terminate: () => worker.terminate(),
  };
};
