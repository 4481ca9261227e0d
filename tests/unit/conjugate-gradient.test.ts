import { describe, expect, it } from 'vitest';
import { conjugateGradient, dot } from '../../agents/shared/conjugate-gradient.ts';

/** H v for a small dense matrix given row by row. */
function product(matrix: number[][]): (v: Float64Array) => Float64Array {
  return (v) => Float64Array.from(matrix.map((row) => dot(row, v)));
}

describe('conjugateGradient', () => {
  it('solves a 2x2 SPD system exactly in two iterations', () => {
    // [[4, 1], [1, 3]] x = [1, 2]: det = 11, x = [(3 - 2)/11, (8 - 1)/11] = [1/11, 7/11]
    const result = conjugateGradient(
      product([
        [4, 1],
        [1, 3],
      ]),
      [1, 2],
      { iterations: 10 },
    );
    expect(result.x[0]).toBeCloseTo(1 / 11, 12);
    expect(result.x[1]).toBeCloseTo(7 / 11, 12);
    expect(result.iterations).toBe(2);
  });

  it('solves a 3x3 SPD system', () => {
    // [[2, -1, 0], [-1, 2, -1], [0, -1, 2]] x = [1, 0, 1] has x = [1, 1, 1]
    const result = conjugateGradient(
      product([
        [2, -1, 0],
        [-1, 2, -1],
        [0, -1, 2],
      ]),
      [1, 0, 1],
      { iterations: 10 },
    );
    [...result.x].forEach((v) => expect(v).toBeCloseTo(1, 10));
    expect(result.residualSquared).toBeLessThan(1e-10);
  });

  it('returns the first steepest-descent step when limited to one iteration', () => {
    // x1 = (g^T g / g^T H g) g: g = [1, 2], H g = [6, 7], g^T g = 5, g^T H g = 20 -> x = [0.25, 0.5]
    const result = conjugateGradient(
      product([
        [4, 1],
        [1, 3],
      ]),
      [1, 2],
      { iterations: 1 },
    );
    expect([...result.x]).toEqual([0.25, 0.5]);
  });

  it('rejects a matrix that is not positive definite and bad options', () => {
    expect(() =>
      conjugateGradient(
        product([
          [-1, 0],
          [0, 1],
        ]),
        [1, 0],
        { iterations: 5 },
      ),
    ).toThrow(/positive definite/);
    expect(() => conjugateGradient(product([[1]]), [1], { iterations: 0 })).toThrow(/iterations/);
  });
});
