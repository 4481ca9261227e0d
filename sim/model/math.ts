import type { Quat, Vec3 } from './types.ts';

/** Small vector, quaternion ([w, x, y, z]) and 3x3 matrix (row-major, 9 numbers) helpers for the compiler. */

export type Mat3 = [number, number, number, number, number, number, number, number, number];

export const IDENTITY_QUAT: Quat = [1, 0, 0, 0];

export function norm3(v: Vec3): number {
  return Math.hypot(v[0], v[1], v[2]);
}

export function normalize3(v: Vec3, what: string): Vec3 {
  const n = norm3(v);
  if (!(n > 1e-12)) throw new Error(`${what} has zero length`);
  return [v[0] / n, v[1] / n, v[2] / n];
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function normalizeQuat(q: Quat, what: string): Quat {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  if (!(n > 1e-12)) throw new Error(`${what} has zero length`);
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

export function mulQuat(a: Quat, b: Quat): Quat {
  return [
    a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
    a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
    a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
    a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0],
  ];
}

/** Rotation by `angle` radians about `axis` (any length). */
export function axisAngleQuat(axis: Vec3, angle: number): Quat {
  const [x, y, z] = normalize3(axis, 'rotation axis');
  const s = Math.sin(angle / 2);
  return [Math.cos(angle / 2), x * s, y * s, z * s];
}

/** The smallest rotation taking +z to `direction` (MuJoCo's convention for fromto and zaxis). */
export function zToQuat(direction: Vec3): Quat {
  const v = normalize3(direction, 'direction');
  const axis = cross([0, 0, 1], v);
  const s = norm3(axis);
  const angle = Math.atan2(s, v[2]);
  if (s < 1e-10) return angle === 0 ? IDENTITY_QUAT : [Math.cos(angle / 2), Math.sin(angle / 2), 0, 0];
  const k = Math.sin(angle / 2) / s;
  return [Math.cos(angle / 2), axis[0] * k, axis[1] * k, axis[2] * k];
}

export function quatToMat(q: Quat): Mat3 {
  const [w, x, y, z] = q;
  return [
    1 - 2 * (y * y + z * z),
    2 * (x * y - w * z),
    2 * (x * z + w * y),
    2 * (x * y + w * z),
    1 - 2 * (x * x + z * z),
    2 * (y * z - w * x),
    2 * (x * z - w * y),
    2 * (y * z + w * x),
    1 - 2 * (x * x + y * y),
  ];
}

/** The quaternion of a proper rotation matrix (Shepperd's method: the numerically safest branch). */
export function matToQuat(m: Mat3): Quat {
  const trace = m[0] + m[4] + m[8];
  let q: Quat;
  if (trace > 0) {
    const s = 2 * Math.sqrt(1 + trace);
    q = [s / 4, (m[7] - m[5]) / s, (m[2] - m[6]) / s, (m[3] - m[1]) / s];
  } else if (m[0] > m[4] && m[0] > m[8]) {
    const s = 2 * Math.sqrt(1 + m[0] - m[4] - m[8]);
    q = [(m[7] - m[5]) / s, s / 4, (m[1] + m[3]) / s, (m[2] + m[6]) / s];
  } else if (m[4] > m[8]) {
    const s = 2 * Math.sqrt(1 + m[4] - m[0] - m[8]);
    q = [(m[2] - m[6]) / s, (m[1] + m[3]) / s, s / 4, (m[5] + m[7]) / s];
  } else {
    const s = 2 * Math.sqrt(1 + m[8] - m[0] - m[4]);
    q = [(m[3] - m[1]) / s, (m[2] + m[6]) / s, (m[5] + m[7]) / s, s / 4];
  }
  return normalizeQuat(q[0] < 0 ? [-q[0], -q[1], -q[2], -q[3]] : q, 'rotation');
}

/** The frame whose x axis is `x` and whose y axis is `y` made orthogonal to it (MJCF's xyaxes). */
export function xyAxesQuat(x: Vec3, y: Vec3): Quat {
  const ex = normalize3(x, 'xyaxes x');
  const d = ex[0] * y[0] + ex[1] * y[1] + ex[2] * y[2];
  const ey = normalize3([y[0] - d * ex[0], y[1] - d * ex[1], y[2] - d * ex[2]], 'xyaxes y');
  const ez = cross(ex, ey);
  return matToQuat([ex[0], ey[0], ez[0], ex[1], ey[1], ez[1], ex[2], ey[2], ez[2]]);
}

export function rotate(q: Quat, v: Vec3): Vec3 {
  const m = quatToMat(q);
  return [m[0] * v[0] + m[1] * v[1] + m[2] * v[2], m[3] * v[0] + m[4] * v[1] + m[5] * v[2], m[6] * v[0] + m[7] * v[1] + m[8] * v[2]];
}

/**
 * Eigen-decomposition of a symmetric 3x3 matrix by Jacobi rotations: eigenvalues in decreasing order (MuJoCo's
 * order for principal inertias) and the rotation whose columns are the matching eigenvectors.
 */
export function symmetricEigen(matrix: Mat3): { values: Vec3; frame: Quat } {
  const a = [...matrix];
  const v: number[] = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = Math.abs(a[1]) + Math.abs(a[2]) + Math.abs(a[5]);
    if (off <= 1e-300 || off <= 1e-17 * (Math.abs(a[0]) + Math.abs(a[4]) + Math.abs(a[8]))) break;
    for (const [p, q] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ] as const) {
      const apq = a[3 * p + q];
      if (apq === 0) continue;
      const theta = (a[3 * q + q] - a[3 * p + p]) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      // A <- J^T A J and V <- V J with the rotation J in the (p, q) plane.
      for (let k = 0; k < 3; k++) {
        const akp = a[3 * k + p];
        const akq = a[3 * k + q];
        a[3 * k + p] = c * akp - s * akq;
        a[3 * k + q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[3 * p + k];
        const aqk = a[3 * q + k];
        a[3 * p + k] = c * apk - s * aqk;
        a[3 * q + k] = s * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[3 * k + p];
        const vkq = v[3 * k + q];
        v[3 * k + p] = c * vkp - s * vkq;
        v[3 * k + q] = s * vkp + c * vkq;
      }
    }
  }
  const order = [0, 1, 2].sort((i, j) => a[4 * j] - a[4 * i]);
  const m = [0, 0, 0, 0, 0, 0, 0, 0, 0] as Mat3;
  order.forEach((column, k) => {
    for (let r = 0; r < 3; r++) m[3 * r + k] = v[3 * r + column];
  });
  // A right-handed frame: flip the last eigenvector if the sort made a reflection.
  const det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
  if (det < 0) for (let r = 0; r < 3; r++) m[3 * r + 2] = -m[3 * r + 2];
  return { values: [a[4 * order[0]], a[4 * order[1]], a[4 * order[2]]], frame: matToQuat(m) };
}
