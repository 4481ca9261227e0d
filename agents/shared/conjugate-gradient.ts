/**
 * Conjugate gradient for H x = g with H symmetric positive definite and known only through products
 * H v (TRPO's x ~ H^-1 g from Fisher-vector products, never the matrix itself). Plain Float64 arrays:
 * the vectors are a network's flattened parameters, a few thousand numbers.
 */

export interface ConjugateGradientOptions {
  /** Maximum iterations (TRPO uses about 10: a rough solve is enough for a search direction). */
  readonly iterations: number;
  /** Stop once the squared residual r^T r falls below this. */
  readonly residualTolerance?: number;
}

export interface ConjugateGradientResult {
  readonly x: Float64Array;
  readonly iterations: number;
  /** r^T r at the end. */
  readonly residualSquared: number;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`dot: lengths differ (${a.length} vs ${b.length})`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** Solves H x = b starting from x = 0; `multiply(v)` returns H v. */
export function conjugateGradient(
  multiply: (v: Float64Array) => ArrayLike<number>,
  b: ArrayLike<number>,
  options: ConjugateGradientOptions,
): ConjugateGradientResult {
  const { iterations, residualTolerance = 1e-10 } = options;
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`conjugateGradient: iterations must be a positive integer, got ${iterations}`);
  const n = b.length;
  const x = new Float64Array(n);
  const r = Float64Array.from(b);
  const p = Float64Array.from(b);
  let rr = dot(r, r);
  let done = 0;
  while (done < iterations && rr >= residualTolerance) {
    const hp = multiply(p);
    if (hp.length !== n) throw new Error(`conjugateGradient: H v returned ${hp.length} entries, expected ${n}`);
    const curvature = dot(p, hp);
    if (!(curvature > 0)) throw new Error(`conjugateGradient: p^T H p = ${curvature}; H must be positive definite`);
    const alpha = rr / curvature;
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * hp[i];
    }
    const rrNext = dot(r, r);
    const beta = rrNext / rr;
    for (let i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
    rr = rrNext;
    done++;
  }
  return { x, iterations: done, residualSquared: rr };
}
