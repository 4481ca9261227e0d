/// <reference lib="webworker" />
import { initTf } from '../shared/tf.ts';
import { webGemmHelper } from '../shared/gemm-helper.web.ts';
import { useGemmHelper } from '../shared/gemm-module.ts';
import { LearnerCore } from './learner-core.ts';
import { makeAgentByName } from './agent-makers.ts';
import type { FromLearner, ToWebLearner } from './learner-protocol.ts';

/**
 * Entry of an off-policy learner as a module Web Worker (see learner-thread.web.ts): the first message sets tfjs
 * up, every later one goes to the platform-free core, one at a time and in order.
 */
declare const self: DedicatedWorkerGlobalScope;

const core = new LearnerCore(makeAgentByName);
let queue = Promise.resolve();

self.onmessage = (event: MessageEvent<ToWebLearner>) => {
  const message = event.data;
  queue = queue.then(async () => {
    if (message.type === 'setup') {
      await initTf({ wasmPath: message.wasmPath });
      return;
    }
    let reply: FromLearner | null;
    try {
      // As under Node (learner-worker.node.ts): large products take a helper thread (gemm-helper.ts).
      if (message.type === 'init') useGemmHelper(message.setup.config.productHelper ? webGemmHelper : null);
      reply = core.handle(message);
    } catch (error) {
      reply = { type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    if (reply) self.postMessage(reply);
    if (message.type === 'stop') self.close();
  });
  queue.catch((error: unknown) => {
    self.postMessage({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies FromLearner);
  });
};
