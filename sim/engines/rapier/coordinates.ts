import type { RobotModel } from '../../model/types.ts';
import type { RapierLayout } from './layout.ts';
import { mulInto, rotateInto, twistAngle, wrapAngle } from './quat.ts';

/**
 * MuJoCo's generalised coordinates to and from the states of a robot's Rapier links (translation of the link origin,
 * rotation x/y/z/w, centre-of-mass velocity, angular velocity, all in the robot's lane-free world frame). Free joints:
 * position, quaternion [w, x, y, z], linear velocity of the body origin in the world, angular velocity in the body
 * frame; hinges and slides: MuJoCo's angle or displacement from the joint's ref.
 */
export interface LinkStates {
  readonly model: RobotModel;
  readonly layout: RapierLayout;
  readonly qpos: Float64Array;
  readonly qvel: Float64Array;
  readonly linkState: { t: Float64Array; r: Float64Array; v: Float64Array; w: Float64Array };
}

const a = new Float64Array(3);
const b = new Float64Array(3);
const c = new Float64Array(3);
const quat = new Float64Array(4);
const conjugate = new Float64Array(4);

function cross(u: ArrayLike<number>, v: ArrayLike<number>, out: Float64Array): Float64Array {
  const x = u[1] * v[2] - u[2] * v[1];
  const y = u[2] * v[0] - u[0] * v[2];
  const z = u[0] * v[1] - u[1] * v[0];
  out[0] = x;
  out[1] = y;
  out[2] = z;
  return out;
}

/** Velocity of world point (px, py, pz) moving with link i (zero for the world, i < 0). */
function pointVelocity(s: LinkStates, i: number, px: number, py: number, pz: number, out: Float64Array): Float64Array {
  if (i < 0) {
    out.fill(0);
    return out;
  }
  const { t, r, v, w } = s.linkState;
  const com = rotateInto(c, r, 4 * i, s.layout.links[i].com, true);
  const dx = px - t[3 * i] - com[0];
  const dy = py - t[3 * i + 1] - com[1];
  const dz = pz - t[3 * i + 2] - com[2];
  out[0] = v[3 * i] + w[3 * i + 1] * dz - w[3 * i + 2] * dy;
  out[1] = v[3 * i + 1] + w[3 * i + 2] * dx - w[3 * i] * dz;
  out[2] = v[3 * i + 2] + w[3 * i] * dy - w[3 * i + 1] * dx;
  return out;
}

/** qpos/qvel from the link states (angles of unlimited hinges unwrapped against the previous qpos). */
export function toGeneralised(s: LinkStates): void {
  const { model, layout, qpos, qvel } = s;
  const { t, r, w } = s.linkState;
  layout.links.forEach((link, i) => {
    if (link.root !== 'free') return;
    const joint = model.joints[model.bodies[link.body].joints[0]];
    const p = joint.qposAddress;
    const d = joint.dofAddress;
    mulInto(quat, r, 4 * i, s.layout.bodyFrames[link.body].quat);
    qpos[p] = t[3 * i];
    qpos[p + 1] = t[3 * i + 1];
    qpos[p + 2] = t[3 * i + 2];
    qpos[p + 3] = quat[3];
    qpos[p + 4] = quat[0];
    qpos[p + 5] = quat[1];
    qpos[p + 6] = quat[2];
    const origin = pointVelocity(s, i, t[3 * i], t[3 * i + 1], t[3 * i + 2], a);
    qvel[d] = origin[0];
    qvel[d + 1] = origin[1];
    qvel[d + 2] = origin[2];
    // Angular velocity in the body frame: conj(body rotation) applied to w.
    conjugate[0] = -quat[0];
    conjugate[1] = -quat[1];
    conjugate[2] = -quat[2];
    conjugate[3] = quat[3];
    rotateInto(b, conjugate, 0, w.subarray(3 * i, 3 * i + 3), true);
    qvel[d + 3] = b[0];
    qvel[d + 4] = b[1];
    qvel[d + 5] = b[2];
  });
  for (const coordinate of layout.rootCoordinates) {
    const i = coordinate.link;
    const axis = coordinate.axis;
    if (coordinate.kind === 'slide') {
      const origin = layout.links[i].origin;
      const vel = pointVelocity(s, i, t[3 * i], t[3 * i + 1], t[3 * i + 2], a);
      qpos[coordinate.qposAddress] =
        coordinate.ref + axis[0] * (t[3 * i] - origin[0]) + axis[1] * (t[3 * i + 1] - origin[1]) + axis[2] * (t[3 * i + 2] - origin[2]);
      qvel[coordinate.dofAddress] = axis[0] * vel[0] + axis[1] * vel[1] + axis[2] * vel[2];
    } else {
      const angle = coordinate.ref + twistAngle(r, 0, false, r, 4 * i, axis);
      const previous = qpos[coordinate.qposAddress];
      qpos[coordinate.qposAddress] = previous + wrapAngle(angle - previous);
      qvel[coordinate.dofAddress] = axis[0] * w[3 * i] + axis[1] * w[3 * i + 1] + axis[2] * w[3 * i + 2];
    }
  }
  for (const plan of layout.joints) {
    const ci = plan.link;
    const pi = plan.parentLink;
    const axis = rotateInto(a, r, 4 * pi, plan.axis, pi >= 0);
    if (plan.kind === 'hinge') {
      const angle = plan.ref + twistAngle(r, 4 * pi, pi >= 0, r, 4 * ci, plan.axis);
      const previous = qpos[plan.qposAddress];
      qpos[plan.qposAddress] = previous + wrapAngle(angle - previous);
      let rate = 0;
      for (let k = 0; k < 3; k++) rate += axis[k] * (w[3 * ci + k] - (pi >= 0 ? w[3 * pi + k] : 0));
      qvel[plan.dofAddress] = rate;
    } else {
      const anchor = rotateInto(b, r, 4 * ci, plan.anchorChild, true);
      const px = t[3 * ci] + anchor[0];
      const py = t[3 * ci + 1] + anchor[1];
      const pz = t[3 * ci + 2] + anchor[2];
      const parentAnchor = rotateInto(b, r, 4 * pi, plan.anchorParent, pi >= 0);
      const ox = (pi >= 0 ? t[3 * pi] : 0) + parentAnchor[0];
      const oy = (pi >= 0 ? t[3 * pi + 1] : 0) + parentAnchor[1];
      const oz = (pi >= 0 ? t[3 * pi + 2] : 0) + parentAnchor[2];
      qpos[plan.qposAddress] = plan.ref + axis[0] * (px - ox) + axis[1] * (py - oy) + axis[2] * (pz - oz);
      const vc = pointVelocity(s, ci, px, py, pz, b);
      const vcx = vc[0];
      const vcy = vc[1];
      const vcz = vc[2];
      const vp = pointVelocity(s, pi, px, py, pz, b);
      qvel[plan.dofAddress] = axis[0] * (vcx - vp[0]) + axis[1] * (vcy - vp[1]) + axis[2] * (vcz - vp[2]);
    }
  }
}

/** Link states from qpos/qvel (forward kinematics, parents first), which are copied into the robot's own. */
export function fromGeneralised(s: LinkStates, qposIn: ArrayLike<number>, qvelIn: ArrayLike<number>): void {
  const { model, layout, qpos, qvel } = s;
  const { t, r, v, w } = s.linkState;
  qpos.set(qposIn);
  qvel.set(qvelIn);
  const jointOfLink = new Map(layout.joints.map((plan) => [plan.link, plan]));
  layout.links.forEach((link, i) => {
    if (link.root === 'free') {
      const joint = model.joints[model.bodies[link.body].joints[0]];
      const p = joint.qposAddress;
      const d = joint.dofAddress;
      const n = Math.hypot(qpos[p + 3], qpos[p + 4], qpos[p + 5], qpos[p + 6]);
      const body = new Float64Array([qpos[p + 4] / n, qpos[p + 5] / n, qpos[p + 6] / n, qpos[p + 3] / n]);
      const q0 = layout.bodyFrames[link.body].quat;
      mulInto(quat, body, 0, [q0[0], -q0[1], -q0[2], -q0[3]]);
      r.set(quat, 4 * i);
      t.set([qpos[p], qpos[p + 1], qpos[p + 2]], 3 * i);
      rotateInto(a, body, 0, [qvel[d + 3], qvel[d + 4], qvel[d + 5]], true);
      w.set(a, 3 * i);
      const com = rotateInto(b, r, 4 * i, link.com, true);
      cross(a, com, c);
      v.set([qvel[d] + c[0], qvel[d + 1] + c[1], qvel[d + 2] + c[2]], 3 * i);
      return;
    }
    if (link.root === 'locked') {
      const pos = [...link.origin];
      const originVelocity = [0, 0, 0];
      let angle = 0;
      let rate = 0;
      let hingeAxis: readonly number[] = [0, 0, 1];
      for (const coordinate of layout.rootCoordinates) {
        if (coordinate.link !== i) continue;
        const value = qpos[coordinate.qposAddress] - coordinate.ref;
        const speed = qvel[coordinate.dofAddress];
        if (coordinate.kind === 'slide') {
          for (let k = 0; k < 3; k++) {
            pos[k] += value * coordinate.axis[k];
            originVelocity[k] += speed * coordinate.axis[k];
          }
        } else {
          angle = value;
          rate = speed;
          hingeAxis = coordinate.axis;
        }
      }
      const sin = Math.sin(angle / 2);
      r.set([hingeAxis[0] * sin, hingeAxis[1] * sin, hingeAxis[2] * sin, Math.cos(angle / 2)], 4 * i);
      t.set(pos, 3 * i);
      w.set([hingeAxis[0] * rate, hingeAxis[1] * rate, hingeAxis[2] * rate], 3 * i);
      const com = rotateInto(b, r, 4 * i, link.com, true);
      cross(w.subarray(3 * i, 3 * i + 3), com, c);
      v.set([originVelocity[0] + c[0], originVelocity[1] + c[1], originVelocity[2] + c[2]], 3 * i);
      return;
    }
    const plan = jointOfLink.get(i);
    if (!plan) throw new Error(`${model.name}: link ${i} has no joint`);
    const pi = plan.parentLink;
    const value = qpos[plan.qposAddress] - plan.ref;
    const speed = qvel[plan.dofAddress];
    const parentRotation = pi >= 0 ? r.slice(4 * pi, 4 * pi + 4) : new Float64Array([0, 0, 0, 1]);
    const parentT = pi >= 0 ? [t[3 * pi], t[3 * pi + 1], t[3 * pi + 2]] : [0, 0, 0];
    const parentW = pi >= 0 ? [w[3 * pi], w[3 * pi + 1], w[3 * pi + 2]] : [0, 0, 0];
    const axisWorld = [...rotateInto(a, parentRotation, 0, plan.axis, true)];
    if (plan.kind === 'hinge') {
      const sin = Math.sin(value / 2);
      mulInto(quat, parentRotation, 0, [Math.cos(value / 2), plan.axis[0] * sin, plan.axis[1] * sin, plan.axis[2] * sin]);
    } else {
      quat.set(parentRotation);
    }
    r.set(quat, 4 * i);
    const anchorOffset = rotateInto(a, parentRotation, 0, plan.anchorParent, true);
    const anchor = [parentT[0] + anchorOffset[0], parentT[1] + anchorOffset[1], parentT[2] + anchorOffset[2]];
    if (plan.kind === 'slide') for (let k = 0; k < 3; k++) anchor[k] += value * axisWorld[k];
    const childAnchor = rotateInto(a, r, 4 * i, plan.anchorChild, true);
    const origin = [anchor[0] - childAnchor[0], anchor[1] - childAnchor[1], anchor[2] - childAnchor[2]];
    t.set(origin, 3 * i);
    const omega = plan.kind === 'hinge' ? parentW.map((x, k) => x + speed * axisWorld[k]) : parentW;
    w.set(omega, 3 * i);
    // Velocity of the child's origin: the parent's motion at the origin's place, plus the joint's own motion.
    const carried = [...pointVelocity(s, pi, origin[0], origin[1], origin[2], b)];
    if (plan.kind === 'hinge') {
      // The hinge turns the child about the anchor: add (speed axis) x (origin - anchor).
      const arm = [origin[0] - anchor[0], origin[1] - anchor[1], origin[2] - anchor[2]];
      cross(axisWorld, arm, c);
      for (let k = 0; k < 3; k++) carried[k] += speed * c[k];
    } else {
      for (let k = 0; k < 3; k++) carried[k] += speed * axisWorld[k];
    }
    const com = rotateInto(b, r, 4 * i, link.com, true);
    cross(omega, com, c);
    v.set([carried[0] + c[0], carried[1] + c[1], carried[2] + c[2]], 3 * i);
  });
}
