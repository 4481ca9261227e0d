import type { Quat, Vec3 } from '../../model/types.ts';

/** Rotations as Rapier stores them (x, y, z, w at r[o..o+3]), on preallocated arrays: the step loop allocates nothing. */

/** out = rotation r[o] applied to v (v itself when `rotated` is false: the world's identity frame). */
export function rotateInto(out: Float64Array, r: Float64Array, o: number, v: Vec3 | Float64Array, rotated: boolean): Float64Array {
  if (!rotated) {
    out[0] = v[0];
    out[1] = v[1];
    out[2] = v[2];
    return out;
  }
  const x = r[o];
  const y = r[o + 1];
  const z = r[o + 2];
  const w = r[o + 3];
  // t = 2 q x v; v' = v + w t + q x t
  const tx = 2 * (y * v[2] - z * v[1]);
  const ty = 2 * (z * v[0] - x * v[2]);
  const tz = 2 * (x * v[1] - y * v[0]);
  out[0] = v[0] + w * tx + (y * tz - z * ty);
  out[1] = v[1] + w * ty + (z * tx - x * tz);
  out[2] = v[2] + w * tz + (x * ty - y * tx);
  return out;
}

/** out (x, y, z, w) = r[o] * b, with b a model quaternion [w, x, y, z]. */
export function mulInto(out: Float64Array, r: Float64Array, o: number, b: Quat): Float64Array {
  const ax = r[o];
  const ay = r[o + 1];
  const az = r[o + 2];
  const aw = r[o + 3];
  const [bw, bx, by, bz] = b;
  out[0] = aw * bx + ax * bw + ay * bz - az * by;
  out[1] = aw * by - ax * bz + ay * bw + az * bx;
  out[2] = aw * bz + ax * by - ay * bx + az * bw;
  out[3] = aw * bw - ax * bx - ay * by - az * bz;
  return out;
}

/** The angle by which rotation b (at rb[ob]) turns past rotation a (at ra[oa], or the identity) about unit `axis` (in a's frame). */
export function twistAngle(ra: Float64Array, oa: number, hasA: boolean, rb: Float64Array, ob: number, axis: Vec3): number {
  // Relative rotation conj(a) * b.
  let x = rb[ob];
  let y = rb[ob + 1];
  let z = rb[ob + 2];
  let w = rb[ob + 3];
  if (hasA) {
    const ax = -ra[oa];
    const ay = -ra[oa + 1];
    const az = -ra[oa + 2];
    const aw = ra[oa + 3];
    const rx = aw * x + ax * w + ay * z - az * y;
    const ry = aw * y - ax * z + ay * w + az * x;
    const rz = aw * z + ax * y - ay * x + az * w;
    const rw = aw * w - ax * x - ay * y - az * z;
    x = rx;
    y = ry;
    z = rz;
    w = rw;
  }
  return wrapAngle(2 * Math.atan2(x * axis[0] + y * axis[1] + z * axis[2], w));
}

export function wrapAngle(angle: number): number {
  return angle - 2 * Math.PI * Math.round(angle / (2 * Math.PI));
}
