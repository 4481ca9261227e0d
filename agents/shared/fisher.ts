import { tf } from './tf.ts';
import type { Mlp } from './mlp.ts';

/**
 * Fisher-vector products for TRPO without forming the matrix.
 *
 * The policy is a diagonal Gaussian: mean mu_theta(s) from an Mlp, log std a state-independent vector.
 * The Hessian of the mean KL(pi_old || pi_new) at theta = theta_old is the Fisher information
 *   F = E_s[ J_s^T M J_s ],  J_s = d(mu(s), log sigma)/d theta,  M = diag(1/sigma^2 (means), 2 (log stds)),
 * so F v = E_s[ J_s^T (M (J_s v)) ]: one forward-mode pass through the network for J v (exact, written out
 * layer by layer below) and one reverse-mode pass (a vector-Jacobian product) for J^T u. That costs about
 * three forward passes, and needs no second-order gradients (the fast dense layer has none).
 *
 * Parameter order, here and in the flattened vectors: the actor's variables (kernel, bias per layer), then
 * the log std vector.
 */

export interface GaussianPolicyParameters {
  readonly actor: Mlp;
  readonly logStd: tf.Variable<tf.Rank.R1>;
}

export function policyVariables(policy: GaussianPolicyParameters): tf.Variable[] {
  return [...policy.actor.variables, policy.logStd];
}

export function parameterCount(policy: GaussianPolicyParameters): number {
  return policyVariables(policy).reduce((sum, v) => sum + v.size, 0);
}

/** Splits a flat vector into tensors shaped like `variables` (caller disposes, or runs inside a tidy). */
export function unflatten(flat: ArrayLike<number>, variables: readonly tf.Variable[]): tf.Tensor[] {
  const total = variables.reduce((sum, v) => sum + v.size, 0);
  if (flat.length !== total) throw new Error(`unflatten: vector has ${flat.length} entries, the parameters ${total}`);
  let offset = 0;
  return variables.map((v) => {
    const part = Float32Array.from({ length: v.size }, (_, i) => flat[offset + i]);
    offset += v.size;
    return tf.tensor(part, v.shape);
  });
}

/** Concatenates tensors (gradients, parameters) into one Float64Array. */
export function flatten(tensors: readonly tf.Tensor[]): Float64Array {
  const total = tensors.reduce((sum, t) => sum + t.size, 0);
  const out = new Float64Array(total);
  let offset = 0;
  for (const t of tensors) {
    out.set(t.dataSync() as Float32Array, offset);
    offset += t.size;
  }
  return out;
}

/** J v: the directional derivative of the actor's output along the parameter direction `tangents`. */
function meanJacobianVectorProduct(actor: Mlp, observations: tf.Tensor2D, tangents: readonly tf.Tensor[]): tf.Tensor2D {
  const variables = actor.variables;
  const layerCount = variables.length / 2;
  let h: tf.Tensor2D = observations;
  let dh: tf.Tensor2D | null = null; // the inputs do not depend on theta
  for (let layer = 0; layer < layerCount; layer++) {
    const kernel = variables[2 * layer] as tf.Tensor2D;
    const bias = variables[2 * layer + 1] as tf.Tensor1D;
    const dKernel = tangents[2 * layer] as tf.Tensor2D;
    const dBias = tangents[2 * layer + 1] as tf.Tensor1D;
    const z = tf.add(tf.matMul(h, kernel), bias) as tf.Tensor2D;
    let dz = tf.add(tf.matMul(h, dKernel), dBias) as tf.Tensor2D;
    if (dh !== null) dz = tf.add(dz, tf.matMul(dh, kernel));
    const isOutput = layer === layerCount - 1;
    const activation = isOutput ? (actor.spec.outputActivation ?? 'linear') : (actor.spec.hiddenActivation ?? 'relu');
    if (activation === 'relu') {
      h = tf.relu(z) as tf.Tensor2D;
      dh = tf.mul(dz, tf.step(z)) as tf.Tensor2D;
    } else if (activation === 'tanh') {
      h = tf.tanh(z) as tf.Tensor2D;
      dh = tf.mul(dz, tf.sub(1, tf.square(h))) as tf.Tensor2D;
    } else {
      h = z;
      dh = dz;
    }
  }
  if (dh === null) throw new Error('meanJacobianVectorProduct: the actor has no layers');
  return dh;
}

/**
 * F v + damping v for the policy at its current parameters, averaged over `observations` (the rollout's
 * states). `v` is a flat vector in the parameter order above.
 */
export function fisherVectorProduct(policy: GaussianPolicyParameters, observations: tf.Tensor2D, v: ArrayLike<number>, damping = 0): Float64Array {
  const actorVariables = policy.actor.variables;
  const variables = policyVariables(policy);
  const n = observations.shape[0];
  const result = tf.tidy(() => {
    const tangents = unflatten(v, variables);
    const jvMean = meanJacobianVectorProduct(policy.actor, observations, tangents.slice(0, actorVariables.length));
    const precision = tf.exp(tf.mul(-2, policy.logStd)); // 1 / sigma^2
    const weighted = tf.div(tf.mul(jvMean, precision), n); // M J v, with the 1/n of the mean folded in
    // J^T u as a vector-Jacobian product: the gradient of sum(mu(s) * u) with u held constant.
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(policy.actor.apply(observations), weighted)), actorVariables);
    const actorPart = actorVariables.map((variable) => grads[variable.name]);
    const logStdPart = tf.mul(2, tangents[actorVariables.length]); // M = 2 per log std, the same for every state
    return [...actorPart, logStdPart];
  });
  const out = flatten(result);
  tf.dispose(result);
  if (damping !== 0) for (let i = 0; i < out.length; i++) out[i] += damping * v[i];
  return out;
}
