import type { RobotModel } from '../../model/types.ts';
import type { RapierLayout } from './layout.ts';
import { mulInto, rotateInto } from './quat.ts';

/** MuJoCo's body and site frames of a Rapier robot from its link states (translations t, rotations r, lane free). */

const axis = new Float64Array(3);
const rotation = new Float64Array(4);
const pose = new Float64Array(7);

/** Model body `body`'s frame in the world (MuJoCo's xpos and xquat as x, y, z, qx, qy, qz, qw) at out[offset]. */
export function writeBodyPose(
  layout: RapierLayout,
  t: Float64Array,
  r: Float64Array,
  body: number,
  out: Float32Array | Float64Array,
  offset: number,
): void {
  const frame = layout.bodyFrames[body];
  const i = frame.link;
  if (i < 0) {
    out.set([frame.pos[0], frame.pos[1], frame.pos[2], frame.quat[1], frame.quat[2], frame.quat[3], frame.quat[0]], offset);
    return;
  }
  const p = rotateInto(axis, r, 4 * i, frame.pos, true);
  const rot = mulInto(rotation, r, 4 * i, frame.quat);
  out[offset] = t[3 * i] + p[0];
  out[offset + 1] = t[3 * i + 1] + p[1];
  out[offset + 2] = t[3 * i + 2] + p[2];
  out[offset + 3] = rot[0];
  out[offset + 4] = rot[1];
  out[offset + 5] = rot[2];
  out[offset + 6] = rot[3];
}

/** MuJoCo's xpos, xquat ([w, x, y, z]) and site_xpos of every body and site. */
export function writeFrames(
  model: RobotModel,
  layout: RapierLayout,
  t: Float64Array,
  r: Float64Array,
  xpos: Float64Array,
  xquat: Float64Array,
  siteXpos: Float64Array,
): void {
  for (let b = 0; b < model.bodies.length; b++) {
    writeBodyPose(layout, t, r, b, pose, 0);
    xpos[3 * b] = pose[0];
    xpos[3 * b + 1] = pose[1];
    xpos[3 * b + 2] = pose[2];
    xquat[4 * b] = pose[6];
    xquat[4 * b + 1] = pose[3];
    xquat[4 * b + 2] = pose[4];
    xquat[4 * b + 3] = pose[5];
  }
  for (let s = 0; s < model.sites.length; s++) {
    const site = model.sites[s];
    const b = site.body;
    // site = xpos + xquat * site.pos
    const w = xquat[4 * b];
    const x = xquat[4 * b + 1];
    const y = xquat[4 * b + 2];
    const z = xquat[4 * b + 3];
    const [px, py, pz] = site.pos;
    const tx = 2 * (y * pz - z * py);
    const ty = 2 * (z * px - x * pz);
    const tz = 2 * (x * py - y * px);
    siteXpos[3 * s] = xpos[3 * b] + px + w * tx + (y * tz - z * ty);
    siteXpos[3 * s + 1] = xpos[3 * b + 1] + py + w * ty + (z * tx - x * tz);
    siteXpos[3 * s + 2] = xpos[3 * b + 2] + pz + w * tz + (x * ty - y * tx);
  }
}
