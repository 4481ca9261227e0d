import { parentPort, workerData } from 'node:worker_threads';
import { initTf } from '../shared/tf.ts';
import { A3cWorkerCore } from './a3c-worker.ts';
import type { ToWorker } from './a3c-protocol.ts';
import type { VecEnvFactory } from '../contract.ts';

/** Entry of one A3C actor-learner thread (see a3c.node.ts): tfjs, its environments, then the message loop. */
const { envModule, envExport } = workerData as { envModule: string; envExport: string };
const port = parentPort;
if (!port) throw new Error('a3c-worker.node.ts must run in a worker thread');
await initTf();
const factory = ((await import(envModule)) as Record<string, unknown>)[envExport];
if (typeof factory !== 'function') throw new Error(`${envModule} does not export a function '${envExport}'`);
const core = new A3cWorkerCore(factory as VecEnvFactory);
port.on('message', (message: ToWorker) => {
  void core.handle(message).then((reply) => {
    if (reply) port.postMessage(reply);
    if (message.type === 'stop') port.close();
  });
});
