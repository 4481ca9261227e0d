import { startTypeScriptWorker } from '../../sim/worker-host.node.ts';
import type { GemmHelperStarter } from './gemm-helper.ts';

/** The products' helper (gemm-helper.ts) as a Node worker thread running gemm-helper-worker.node.ts. */
export const nodeGemmHelper: GemmHelperStarter = (job) => {
  const worker = startTypeScriptWorker(new URL('./gemm-helper-worker.node.ts', import.meta.url), job);
  // It never keeps the process alive: the learner that started it stops it, or the process ends with it.
  worker.unref();
  return {
    terminate: () => {
      void worker.terminate();
    },
  };
};
