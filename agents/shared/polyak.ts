import { tf } from './tf.ts';

/**
 * Polyak averaging of target networks: target <- tau * source + (1 - tau) * target, variable by variable
 * (tau = 1 copies). Both lists must be in the same order with the same shapes (e.g. Mlp.variables of a network
 * and its target).
 */
export function polyakUpdate(targets: readonly tf.Variable[], sources: readonly tf.Variable[], tau: number): void {
  if (!(tau >= 0 && tau <= 1)) throw new Error(`polyakUpdate: tau must be in [0, 1], got ${tau}`);
  if (targets.length !== sources.length) throw new Error(`polyakUpdate: ${targets.length} targets but ${sources.length} sources`);
  tf.tidy(() => {
    const keep = tf.scalar(1 - tau);
    const take = tf.scalar(tau);
    targets.forEach((target, i) => {
      if (!tf.util.arraysEqual(target.shape, sources[i].shape)) {
        throw new Error(`polyakUpdate: shape ${target.shape} of target ${i} differs from its source's ${sources[i].shape}`);
      }
      target.assign(tf.add(tf.mul(target, keep), tf.mul(sources[i], take)));
    });
  });
}
