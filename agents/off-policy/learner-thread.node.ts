import { startTypeScriptWorker } from '../../sim/worker-host.node.ts';
import type { FromLearner, LearnerPort } from './learner-protocol.ts';

/**
 * An off-policy learner in a Node worker thread (learner-worker.node.ts). A thread that throws, runs out of
 * memory or exits is reported as an 'exit' message with the reason, so the acting thread stops waiting.
 */
export function nodeLearnerThread(): LearnerPort {
  const worker = startTypeScriptWorker(new URL('./learner-worker.node.ts', import.meta.url));
  let handler: (message: FromLearner) => void = () => {};
  let ended = false;
  const end = (message: string) => {
    if (ended) return;
    ended = true;
    handler({ type: 'exit', message });
  };
  worker.on('message', (message: FromLearner) => handler(message));
  worker.on('error', (error) => end(`the learner thread failed: ${error.stack ?? String(error)}`));
  worker.on('messageerror', (error) => end(`the learner thread sent a message that could not be read: ${String(error)}`));
  worker.on('exit', (code) => end(`the learner thread exited (code ${code})`));
  return {
    post: (message) => worker.postMessage(message),
    onMessage: (h) => {
      handler = h;
    },
    async terminate() {
      ended = true;
      worker.postMessage({ type: 'stop' });
      await worker.terminate();
    },
  };
}
