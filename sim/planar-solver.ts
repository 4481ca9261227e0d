/**
 * Small dense linear algebra and MuJoCo's constraint solve for a few degrees of freedom (the planar Hopper's 6).
 *
 * The solve is MuJoCo's primal problem (its Newton solver; "Computation: constraint solver" in its docs):
 *   minimise over a:  1/2 (a - a0)' M (a - a0) + sum_i s_i(J_i a - aref_i),
 *   s_i(r) = 1/2 D_i r^2 when r < 0 (the constraint pushes), else 0,
 * with Newton steps and an exact line search on the piecewise-quadratic cost. For a strictly convex cost the
 * minimiser is unique, so this reproduces MuJoCo's answer to its tolerance.
 */

/** In-place Cholesky factor (lower, row-major n x n); returns false if not positive definite. */
export function cholesky(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0)) return false;
    d = Math.sqrt(d);
    a[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / d;
    }
  }
  return true;
}

/** Solves L L' x = b in place (b[o .. o+n-1] becomes x) for a factor from cholesky(). */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array, o = 0): void {
  for (let i = 0; i < n; i++) {
    let s = b[o + i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * b[o + k];
    b[o + i] = s / l[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[o + i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * b[o + k];
    b[o + i] = s / l[i * n + i];
  }
}

/** Constraint rows for one solve: Jacobian rows (count x n), reference accelerations and D = 1/R. */
export class ConstraintRows {
  count = 0;
  readonly jacobian: Float64Array;
  readonly aref: Float64Array;
  readonly d: Float64Array;

  constructor(
    readonly n: number,
    readonly capacity: number,
  ) {
    this.jacobian = new Float64Array(capacity * n);
    this.aref = new Float64Array(capacity);
    this.d = new Float64Array(capacity);
  }

  /** Appends a row; returns its index, or -1 when full (further constraints are dropped, like MuJoCo's nconmax). */
  add(aref: number, d: number): number {
    if (this.count >= this.capacity) return -1;
    const row = this.count++;
    this.aref[row] = aref;
    this.d[row] = d;
    const jacobian = this.jacobian;
    for (let i = row * this.n, end = i + this.n; i < end; i++) jacobian[i] = 0;
    return row;
  }
}

/** Scratch space for solveConstraints. */
export class ConstraintSolver {
  private readonly h: Float64Array;
  private readonly g: Float64Array;
  private readonly p: Float64Array;
  private readonly mp: Float64Array;
  private readonly diff: Float64Array;
  private readonly jar: Float64Array;
  private readonly jp: Float64Array;
  private readonly breaks: Float64Array;
  iterations = 0;

  constructor(
    private readonly n: number,
    capacity: number,
  ) {
    this.h = new Float64Array(n * n);
    this.g = new Float64Array(n);
    this.p = new Float64Array(n);
    this.mp = new Float64Array(n);
    this.diff = new Float64Array(n);
    this.jar = new Float64Array(capacity);
    this.jp = new Float64Array(capacity);
    this.breaks = new Float64Array(capacity);
  }

  /**
   * Minimises MuJoCo's constrained cost; `a` holds a0 (the unconstrained acceleration) on entry and the
   * constrained acceleration on return. `m` is the mass matrix (n x n, row-major).
   */
  solve(m: Float64Array, a0: Float64Array, rows: ConstraintRows, a: Float64Array): void {
    const { n, h, g, p, mp, diff, jar, jp } = this;
    const count = rows.count;
    const J = rows.jacobian;
    this.iterations = 0;
    if (count === 0) return;
    for (let iteration = 0; iteration < 50; iteration++) {
      this.iterations = iteration + 1;
      // jar = J a - aref; gradient and Hessian over the active rows.
      for (let i = 0; i < n; i++) diff[i] = a[i] - a0[i];
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += m[i * n + k] * diff[k];
        g[i] = s;
      }
      h.set(m);
      for (let r = 0; r < count; r++) {
        let s = -rows.aref[r];
        for (let k = 0; k < n; k++) s += J[r * n + k] * a[k];
        jar[r] = s;
        if (s < 0) {
          const dr = rows.d[r];
          for (let i = 0; i < n; i++) {
            const ji = J[r * n + i];
            if (ji === 0) continue;
            g[i] += dr * s * ji;
            for (let k = 0; k < n; k++) h[i * n + k] += dr * ji * J[r * n + k];
          }
        }
      }
      let gradNorm = 0;
      for (let i = 0; i < n; i++) gradNorm += g[i] * g[i];
      if (gradNorm < 1e-24) return;
      if (!cholesky(h, n)) return;
      for (let i = 0; i < n; i++) p[i] = -g[i];
      choleskySolve(h, n, p);
      // Exact line search on phi(alpha) = cost(a + alpha p): phi' is piecewise linear and increasing.
      let slope0 = 0; // p' M (a - a0)
      let curvature = 0; // p' M p
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += m[i * n + k] * p[k];
        mp[i] = s;
        slope0 += s * diff[i];
        curvature += p[i] * s;
      }
      for (let r = 0; r < count; r++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += J[r * n + k] * p[k];
        jp[r] = s;
      }
      const alpha = this.lineSearch(slope0, curvature, rows, count);
      let step = 0;
      for (let i = 0; i < n; i++) {
        a[i] += alpha * p[i];
        step += Math.abs(alpha * p[i]);
      }
      if (step < 1e-12 * (1 + Math.abs(a[0]) + Math.abs(a[1]))) return;
    }
  }

  /** The alpha >= 0 where phi'(alpha) = 0 (phi' = slope0 + alpha curvature + sum over rows r<0 of D r jp). */
  private lineSearch(slope0: number, curvature: number, rows: ConstraintRows, count: number): number {
    const { jar, jp, breaks } = this;
    // Breakpoints where a row switches, sorted (insertion sort: a handful); phi' is linear between them.
    let nb = 0;
    for (let r = 0; r < count; r++) {
      if (jp[r] === 0) continue;
      const alpha = -jar[r] / jp[r];
      if (!(alpha > 0)) continue;
      let at = nb++;
      while (at > 0 && breaks[at - 1] > alpha) {
        breaks[at] = breaks[at - 1];
        at--;
      }
      breaks[at] = alpha;
    }
    let lo = 0;
    for (let b = 0; b <= nb; b++) {
      const hi = b < nb ? breaks[b] : Infinity;
      const mid = hi === Infinity ? lo + 1 : 0.5 * (lo + hi);
      // phi' at mid and its slope on (lo, hi), where the active rows do not change.
      let value = slope0 + mid * curvature;
      let rate = curvature;
      for (let r = 0; r < count; r++) {
        const residual = jar[r] + mid * jp[r];
        if (residual < 0) {
          value += rows.d[r] * residual * jp[r];
          rate += rows.d[r] * jp[r] * jp[r];
        }
      }
      if (rate > 0) {
        const root = mid - value / rate;
        if (root <= hi) return Math.max(lo, root);
      }
      lo = hi;
    }
    return 1;
  }
}

/**
 * The same problem through its dual, which is cheaper for a handful of rows: with A = J M^-1 J' and R = 1/D,
 * the forces f solve the linear complementarity problem f >= 0, w = (A + R) f + (J a0 - aref) >= 0, f'w = 0
 * (for MuJoCo's soft constraints primal and dual have the same unique solution), and a = a0 + M^-1 J' f.
 * Solved exactly by principal pivoting (Murty's least-index rule, finite for the positive definite A + R),
 * warm-started from the previous call's active set.
 */
export class DualConstraintSolver {
  private readonly y: Float64Array; // L^-1 J' (M = L L'), row-major by constraint: y[r * n + i]
  private readonly sum: Float64Array;
  private readonly ar: Float64Array; // A + R, capacity x capacity
  private readonly b: Float64Array;
  private readonly f: Float64Array;
  private readonly w: Float64Array;
  private readonly active: Uint8Array;
  private readonly index: Int32Array;
  private readonly sub: Float64Array;
  private readonly rhs: Float64Array;
  /** Pivots taken by the last solve (0 when the warm start was right). */
  pivots = 0;

  constructor(
    private readonly n: number,
    private readonly capacity: number,
  ) {
    this.y = new Float64Array(capacity * n);
    this.sum = new Float64Array(n);
    this.ar = new Float64Array(capacity * capacity);
    this.b = new Float64Array(capacity);
    this.f = new Float64Array(capacity);
    this.w = new Float64Array(capacity);
    this.active = new Uint8Array(capacity);
    this.index = new Int32Array(capacity);
    this.sub = new Float64Array(capacity * capacity);
    this.rhs = new Float64Array(capacity);
  }

  /**
   * `factor` is the Cholesky factor of M (from cholesky()); `a0` the unconstrained acceleration. Writes the
   * constrained acceleration to `a`. Returns false if pivoting did not settle (the caller falls back).
   */
  solve(factor: Float64Array, a0: Float64Array, rows: ConstraintRows, a: Float64Array): boolean {
    const { n, y, ar, b, f, w, active } = this;
    const count = rows.count;
    const J = rows.jacobian;
    a.set(a0);
    if (count === 0) return true;
    // With M = L L' and z_r = L^-1 J_r: A = Z' Z, and M^-1 J' f = L^-T (Z f). One triangular solve per row.
    for (let r = 0; r < count; r++) {
      const o = r * n;
      let s = -rows.aref[r];
      for (let i = 0; i < n; i++) {
        s += J[o + i] * a0[i];
        let z = J[o + i];
        for (let k = 0; k < i; k++) z -= factor[i * n + k] * y[o + k];
        y[o + i] = z / factor[i * n + i];
      }
      b[r] = s;
    }
    for (let r = 0; r < count; r++) {
      for (let c = 0; c <= r; c++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += y[r * n + i] * y[c * n + i];
        ar[r * count + c] = s;
        ar[c * count + r] = s;
      }
      ar[r * count + r] += 1 / rows.d[r];
    }
    // Warm start: rows beyond the last call's count start inactive; start from "violated now" otherwise.
    for (let r = 0; r < count; r++) if (this.lastCount !== count) active[r] = b[r] < 0 ? 1 : 0;
    this.lastCount = count;
    this.pivots = 0;
    for (let pivot = 0; pivot < 4 * count + 20; pivot++) {
      if (!this.solveActive(count)) return false;
      // w = (A + R) f + b; find the first violation.
      let violated = -1;
      for (let r = 0; r < count && violated < 0; r++) {
        if (active[r]) {
          if (f[r] < 0) violated = r;
        } else {
          let s = b[r];
          for (let c = 0; c < count; c++) if (active[c]) s += ar[r * count + c] * f[c];
          w[r] = s;
          if (s < 0) violated = r;
        }
      }
      if (violated < 0) {
        const sum = this.sum;
        sum.fill(0);
        for (let r = 0; r < count; r++) {
          const force = f[r];
          if (force === 0) continue;
          for (let i = 0; i < n; i++) sum[i] += y[r * n + i] * force;
        }
        // a += L^-T sum
        for (let i = n - 1; i >= 0; i--) {
          let v = sum[i];
          for (let k = i + 1; k < n; k++) v -= factor[k * n + i] * sum[k];
          sum[i] = v / factor[i * n + i];
          a[i] += sum[i];
        }
        return true;
      }
      active[violated] ^= 1;
      this.pivots++;
    }
    return false;
  }

  private lastCount = -1;

  /** f on the active set: (A + R)_SS f_S = -b_S; f = 0 elsewhere. */
  private solveActive(count: number): boolean {
    const { ar, b, f, active, index, sub, rhs } = this;
    let k = 0;
    for (let r = 0; r < count; r++) {
      f[r] = 0;
      if (active[r]) index[k++] = r;
    }
    if (k === 0) return true;
    for (let i = 0; i < k; i++) {
      rhs[i] = -b[index[i]];
      for (let j = 0; j < k; j++) sub[i * k + j] = ar[index[i] * count + index[j]];
    }
    if (!cholesky(sub, k)) return false;
    choleskySolve(sub, k, rhs);
    for (let i = 0; i < k; i++) f[index[i]] = rhs[i];
    return true;
  }
}
