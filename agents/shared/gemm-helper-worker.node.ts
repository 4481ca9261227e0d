import { workerData } from 'node:worker_threads';
import { serveGemm, type GemmHelperJob } from './gemm-helper.ts';

/** Entry of the products' helper thread under Node (gemm-helper.node.ts): serves until told to stop. */
serveGemm(workerData as GemmHelperJob);
