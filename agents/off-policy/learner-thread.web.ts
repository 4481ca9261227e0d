import type { FromLearner, LearnerThreadFactory, ToWebLearner } from './learner-protocol.ts';

/**
 * Off-policy learners as module Web Workers (learner-worker.web.ts): the app's trainer worker passes this to
 * createTrainer as `learnerThread`, so its TD3, DDPG and SAC runs learn in a second thread as the command line's do.
 */
export function webLearnerThread(options: { readonly wasmPath: string }): LearnerThreadFactory {
  return () => {
    const worker = new Worker(new URL('./learner-worker.web.ts', import.meta.url), { type: 'module' });
    let handler: (message: FromLearner) => void = () => {};
    let ended = false;
    worker.addEventListener('message', (event: MessageEvent<FromLearner>) => handler(event.data));
    worker.addEventListener('error', (event: ErrorEvent) => {
      if (ended) return;
      ended = true;
      handler({ type: 'exit', message: `the learner thread failed: ${event.message || 'it could not start'}` });
    });
    const post = (message: ToWebLearner) => worker.postMessage(message);
    post({ type: 'setup', wasmPath: options.wasmPath });
    return {
      post,
      onMessage: (h) => {
        handler = h;
      },
      async terminate() {
        ended = true;
        worker.terminate();
      },
    };
  };
}
