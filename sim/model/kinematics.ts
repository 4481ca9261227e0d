import { axisAngleQuat, mulQuat, rotate } from './math.ts';
import type { Quat, RobotModel, Vec3 } from './types.ts';

/**
 * Forward kinematics of a RobotModel (MuJoCo's mj_kinematics for hinge, slide, ball and free joints): every
 * body's world position and orientation at `qpos`. Engine-independent, for tools that need the frames of a state
 * (fidelity, replays) without stepping an engine. Writes xpos (nbody x 3) and xquat (nbody x 4, [w, x, y, z]).
 */
export function forwardKinematics(model: RobotModel, qpos: ArrayLike<number>, xpos: Float64Array, xquat: Float64Array): void {
  xpos.fill(0, 0, 3);
  xquat.set([1, 0, 0, 0], 0);
  for (let b = 1; b < model.bodies.length; b++) {
    const body = model.bodies[b];
    const p = body.parent;
    const parentQuat: Quat = [xquat[4 * p], xquat[4 * p + 1], xquat[4 * p + 2], xquat[4 * p + 3]];
    const offset = rotate(parentQuat, body.pos);
    let pos: Vec3 = [xpos[3 * p] + offset[0], xpos[3 * p + 1] + offset[1], xpos[3 * p + 2] + offset[2]];
    let quat = mulQuat(parentQuat, body.quat);
    for (const id of body.joints) {
      const joint = model.joints[id];
      const a = joint.qposAddress;
      if (joint.type === 'free') {
        pos = [qpos[a], qpos[a + 1], qpos[a + 2]];
        quat = normalized([qpos[a + 3], qpos[a + 4], qpos[a + 5], qpos[a + 6]]);
        continue;
      }
      // The joint's anchor in the world before it moves; the body turns about it (hinge, ball) or slides.
      const anchor = add(pos, rotate(quat, joint.pos));
      if (joint.type === 'slide') {
        const axis = rotate(quat, joint.axis);
        const d = qpos[a] - joint.ref;
        pos = [pos[0] + axis[0] * d, pos[1] + axis[1] * d, pos[2] + axis[2] * d];
        continue;
      }
      const turn =
        joint.type === 'hinge' ? axisAngleQuat(joint.axis, qpos[a] - joint.ref) : normalized([qpos[a], qpos[a + 1], qpos[a + 2], qpos[a + 3]]);
      quat = mulQuat(quat, turn);
      // Keep the anchor fixed: the body origin moves by the rotated anchor offset.
      pos = sub(anchor, rotate(quat, joint.pos));
    }
    xpos.set(pos, 3 * b);
    xquat.set(quat, 4 * b);
  }
}

function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

function normalized(q: Quat): Quat {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}
