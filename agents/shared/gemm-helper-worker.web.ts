/// <reference lib="webworker" />
import { serveGemm, type GemmHelperJob } from './gemm-helper.ts';

/** Entry of the products' helper as a module Web Worker (gemm-helper.web.ts): its one message is the job. */
declare const self: DedicatedWorkerGlobalScope;

self.onmessage = (event: MessageEvent<GemmHelperJob>) => {
  self.onmessage = null;
  serveGemm(event.data);
};
