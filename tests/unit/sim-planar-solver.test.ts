import { describe, expect, it } from 'vitest';
import { ConstraintRows, ConstraintSolver, DualConstraintSolver, cholesky, choleskySolve } from '../../sim/planar-solver.ts';
import { Rng } from '../../sim/rng.ts';
import { impedance, softConstraintCoefficients } from '../../sim/soft-constraint.ts';

const N = 6;

function randomSpd(rng: Rng): Float64Array {
  const a = new Float64Array(N * N);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  const m = new Float64Array(N * N);
  for (let i = 0; i < N; i++) for (let k = 0; k < N; k++) for (let j = 0; j < N; j++) m[i * N + k] += a[i * N + j] * a[k * N + j];
  for (let i = 0; i < N; i++) m[i * N + i] += 0.5;
  return m;
}

describe('planar constraint solver', () => {
  it('solves M x = b through its Cholesky factor', () => {
    const rng = new Rng(1);
    const m = randomSpd(rng);
    const x = Float64Array.from({ length: N }, () => rng.normal());
    const b = new Float64Array(N);
    for (let i = 0; i < N; i++) for (let k = 0; k < N; k++) b[i] += m[i * N + k] * x[k];
    const l = m.slice();
    expect(cholesky(l, N)).toBe(true);
    choleskySolve(l, N, b);
    b.forEach((value, i) => expect(value).toBeCloseTo(x[i], 9));
  });

  it('one active row reproduces the closed form a = a0 + M^-1 J f, f = (aref - J a0) / (J M^-1 J + R)', () => {
    const m = new Float64Array(N * N);
    for (let i = 0; i < N; i++) m[i * N + i] = 2;
    const a0 = new Float64Array([1, -1, 0, 0, 0, 0]);
    const rows = new ConstraintRows(N, 4);
    const r = rows.add(5, 1 / 0.25); // aref 5, R 0.25
    rows.jacobian[r * N] = 1;
    const l = m.slice();
    cholesky(l, N);
    const a = new Float64Array(N);
    expect(new DualConstraintSolver(N, 4).solve(l, a0, rows, a)).toBe(true);
    // f = (5 - 1) / (0.5 + 0.25) = 16/3; a0 + f/2 = 1 + 8/3
    expect(a[0]).toBeCloseTo(1 + 8 / 3, 12);
    expect(a[1]).toBe(-1);
  });

  it('the dual pivoting and the primal Newton solver agree on random problems', () => {
    const rng = new Rng(2);
    for (let trial = 0; trial < 50; trial++) {
      const m = randomSpd(rng);
      const a0 = Float64Array.from({ length: N }, () => rng.normal());
      const rows = new ConstraintRows(N, 12);
      const count = 1 + rng.int(10);
      for (let k = 0; k < count; k++) {
        const r = rows.add(rng.normal() * 3, 1 / (0.01 + rng.uniform()));
        for (let i = 0; i < N; i++) rows.jacobian[r * N + i] = rng.normal();
      }
      const l = m.slice();
      cholesky(l, N);
      const dual = new Float64Array(N);
      expect(new DualConstraintSolver(N, 12).solve(l, a0, rows, dual)).toBe(true);
      const primal = a0.slice();
      new ConstraintSolver(N, 12).solve(m, a0, rows, primal);
      dual.forEach((value, i) => expect(value).toBeCloseTo(primal[i], 7));
    }
  });

  it("MuJoCo's impedance: dmin at 0, dmax beyond the width, 2x^2 blend below the midpoint", () => {
    const c = softConstraintCoefficients({ solref: [0.02, 1], solimp: [0.9, 0.95, 0.001, 0.5, 2], margin: 0 }, 0.002);
    expect(impedance(c, 0)).toBe(0.9);
    expect(impedance(c, -0.01)).toBe(0.95);
    expect(impedance(c, 0.00025)).toBeCloseTo(0.9 + 2 * 0.25 ** 2 * 0.05, 12);
    expect(c.b).toBeCloseTo(2 / (0.95 * 0.02), 12);
    expect(c.k).toBeCloseTo(1 / (0.95 ** 2 * 0.02 ** 2), 9);
    // the time constant never drops below two timesteps
    expect(softConstraintCoefficients({ solref: [0.001, 1], solimp: [0.9, 0.95, 0.001, 0.5, 2], margin: 0 }, 0.01).b).toBeCloseTo(
      2 / (0.95 * 0.02),
      12,
    );
  });
});
