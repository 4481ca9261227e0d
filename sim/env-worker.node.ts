import { parentPort } from 'node:worker_threads';
import { runEnvWorker } from './env-worker.ts';

const port = parentPort;
if (!port) throw new Error('env-worker.node.ts must run in a worker thread');
runEnvWorker({
  postMessage: (message) => port.postMessage(message),
  onMessage: (listener) => port.on('message', listener),
  exit: () => port.close(),
});
