import { parentPort } from 'node:worker_threads';
import { initTf } from '../shared/tf.ts';
import { nodeGemmHelper } from '../shared/gemm-helper.node.ts';
import { useGemmHelper } from '../shared/gemm-module.ts';
import { LearnerCore } from './learner-core.ts';
import { makeAgentByName } from './agent-makers.ts';
import type { FromLearner, ToLearner } from './learner-protocol.ts';

/** Entry of an off-policy learner thread under Node (see learner-thread.node.ts): tfjs, then the message loop. */
const port = parentPort;
if (!port) throw new Error('learner-worker.node.ts must run in a worker thread');
await initTf();
const core = new LearnerCore(makeAgentByName);
port.on('message', (message: ToLearner) => {
  let reply: FromLearner | null;
  try {
    // The second core is mostly idle beside the acting thread: large products take a helper thread (gemm-helper.ts).
    if (message.type === 'init') useGemmHelper(message.setup.config.productHelper ? nodeGemmHelper : null);
    reply = core.handle(message);
  } catch (error) {
    reply = { type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  if (reply) port.postMessage(reply);
  if (message.type === 'stop') port.close();
});
