import type { A3cWorkerFactory, FromWebA3cWorker, FromWorker, ToWebA3cWorker, WebA3cReady } from './a3c-protocol.ts';

/** How long terminate() waits for a worker to dispose of its environments before ending it anyway. */
const STOP_GRACE_MS = 1000;

export interface WebA3cWorkerOptions {
  /** Folder URL of tfjs-backend-wasm's .wasm files. */
  readonly wasmPath: string;
  /** Called when an actor-learner has built its environments, with their pose board (for the 3D view). */
  readonly onReady?: (ready: WebA3cReady) => void;
}

/**
 * A3C's actor-learners as module Web Workers (a3c-worker.web.ts): truly parallel in the browser, as Node's
 * worker threads are in the command line (a3c.node.ts). The app passes this to createTrainer as `a3cWorkers`.
 */
export function webA3cWorkers(options: WebA3cWorkerOptions): A3cWorkerFactory {
  return (index) => {
    const worker = new Worker(new URL('./a3c-worker.web.ts', import.meta.url), { type: 'module' });
    let handler: (message: FromWorker) => void = () => {};
    let stopped: () => void = () => {};
    worker.addEventListener('message', (event: MessageEvent<FromWebA3cWorker>) => {
      const message = event.data;
      if (message.type === 'stopped') {
        stopped();
        return;
      }
      if (message.type === 'ready' && 'poses' in message) options.onReady?.(message);
      handler(message);
    });
    worker.addEventListener('error', (event: ErrorEvent) =>
      handler({ type: 'error', index, message: event.message || 'A3C worker failed to start' }),
    );
    const post = (message: ToWebA3cWorker) => worker.postMessage(message);
    post({ type: 'setup', wasmPath: options.wasmPath });
    return {
      post,
      onMessage: (h) => {
        handler = h;
      },
      async terminate() {
        // 'stop' lets the core dispose of its environments; a worker that hangs is ended after the grace period.
        await new Promise<void>((resolve) => {
          stopped = resolve;
          setTimeout(resolve, STOP_GRACE_MS);
          post({ type: 'stop' });
        });
        worker.terminate();
      },
    };
  };
}
