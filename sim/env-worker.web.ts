import { runEnvWorker } from './env-worker.ts';
import type { WorkerInit } from './worker-protocol.ts';

const scope = globalThis as unknown as {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: WorkerInit }) => void): void;
  close(): void;
};
runEnvWorker({
  postMessage: (message) => scope.postMessage(message),
  onMessage: (listener) => scope.addEventListener('message', (event) => listener(event.data)),
  exit: () => scope.close(),
});
