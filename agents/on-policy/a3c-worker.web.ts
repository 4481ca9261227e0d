/// <reference lib="webworker" />
import { InThreadVecEnv, type SimVecEnv } from '../../sim/vec-env.ts';
import { initTf } from '../shared/tf.ts';
import { A3cWorkerCore } from './a3c-worker.ts';
import type { ToWebA3cWorker } from './a3c-protocol.ts';

/**
 * Entry of one A3C actor-learner as a module Web Worker (see a3c.web.ts): the first message sets tfjs up, every
 * later one goes to the platform-free core. Its environments live here, in shared memory, so the page can draw
 * the robots of worker 0 from their pose board while this thread steps them.
 */
declare const self: DedicatedWorkerGlobalScope;

let core: A3cWorkerCore | null = null;
let vecEnv: SimVecEnv | null = null;
let queue = Promise.resolve();

self.onmessage = (event: MessageEvent<ToWebA3cWorker>) => {
  const message = event.data;
  // One message at a time, in order: 'parameters' must not overtake 'init'.
  queue = queue.then(async () => {
    if (message.type === 'setup') {
      await initTf({ wasmPath: message.wasmPath });
      core = new A3cWorkerCore(async (options) => (vecEnv = await InThreadVecEnv.create({ ...options, shared: true })));
      return;
    }
    if (!core) throw new Error('A3C web worker: a message before setup');
    const reply = await core.handle(message);
    if (reply?.type === 'ready' && vecEnv) self.postMessage({ ...reply, poses: vecEnv.poses, numEnvs: vecEnv.numEnvs });
    else if (reply) self.postMessage(reply);
    if (message.type === 'stop') {
      self.postMessage({ type: 'stopped' });
      self.close();
    }
  });
  queue.catch((error: unknown) => {
    const index = message.type === 'init' ? message.index : -1;
    self.postMessage({ type: 'error', index, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
};
