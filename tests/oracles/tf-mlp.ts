import { Mlp } from '../../agents/shared/mlp.ts';
import type { HeapMlp } from '../../agents/shared/heap-mlp.ts';
import { Rng } from '../../sim/rng.ts';

/** A tfjs Mlp holding a heap network's weights: the autograd reference of the off-policy tests (dispose it). */
export function tfMlpOf(net: HeapMlp): Mlp {
  const mlp = new Mlp(net.spec, new Rng(0));
  mlp.setParameters(net.getParameters());
  return mlp;
}
