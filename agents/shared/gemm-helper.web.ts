import type { GemmHelperStarter } from './gemm-helper.ts';

/** The products' helper (gemm-helper.ts) as a module Web Worker running gemm-helper-worker.web.ts. */
export const webGemmHelper: GemmHelperStarter = (job) => {
  const worker = new Worker(new URL('./gemm-helper-worker.web.ts', import.meta.url), { type: 'module' });
  worker.postMessage(job);
  return { terminate: () => worker.terminate() };
};
