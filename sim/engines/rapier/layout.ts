import { mulQuat, quatToMat, rotate, symmetricEigen, type Mat3 } from '../../model/math.ts';
import type { ModelGeom, ModelJoint, Quat, RobotModel, Vec3 } from '../../model/types.ts';

import type { BodyFrame, ColliderPlan, JointPlan, LinkPlan, RapierLayout, RootCoordinate, RootKind } from './layout-types.ts';

export type * from './layout-types.ts';

/**
 * How a compiled robot model maps onto Rapier, worked out once per model without touching Rapier (build.ts then
 * creates it in a world). Every model body with joints (or a free joint) becomes one Rapier rigid body, a "link";
 * bodies without joints are welded into their parent's link (their mass and geoms join it). A link's frame has its
 * origin at its body's origin and is world-aligned at qpos0, so every joint axis reads the same in both links'
 * frames and every joint's angle is 0 at its reference position (MuJoCo's `ref`).
 *
 * Roots (a body whose parent is the world):
 * - a free joint: a free Rapier body;
 * - slides along world axes followed by at most one hinge through the body origin, with the slides spanning the
 *   plane the hinge turns in (Hopper, Walker2d, HalfCheetah's rootx/rootz/rooty; the Reacher's target's x/y; the
 *   Swimmer's slider1/slider2/free_body_rot): Rapier's locked axes, exact (no constraint to solve). Limits on these
 *   coordinates are not enforced (none of our robots reaches them: the Reacher's target never moves). Their armature
 *   is exact in the link's mass (rootArmature); their damping acts as forces (root-loads.ts);
 * - one hinge or one slide: a joint to the world (the Reacher's joint0).
 * Every other jointed body carries exactly one hinge or slide to its parent's link.
 */

const EPS = 1e-9;

/** World poses of every body at qpos0 (the model's own poses: joints sit at their ref). */
function restPoses(model: RobotModel): { pos: Vec3[]; quat: Quat[] } {
  const pos: Vec3[] = [];
  const quat: Quat[] = [];
  for (const body of model.bodies) {
    if (body.parent < 0) {
      pos.push([0, 0, 0]);
      quat.push([1, 0, 0, 0]);
      continue;
    }
    const offset = rotate(quat[body.parent], body.pos);
    const p = pos[body.parent];
    pos.push([p[0] + offset[0], p[1] + offset[1], p[2] + offset[2]]);
    quat.push(mulQuat(quat[body.parent], body.quat));
  }
  return { pos, quat };
}

/** Index of the world axis `v` lies along (0, 1 or 2), or -1. */
function worldAxis(v: Vec3): number {
  for (let k = 0; k < 3; k++) if (Math.abs(Math.abs(v[k]) - 1) < EPS && Math.abs(v[(k + 1) % 3]) < EPS && Math.abs(v[(k + 2) % 3]) < EPS) return k;
  return -1;
}

function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

function unsupported(model: RobotModel, what: string): Error {
  return new Error(`${model.name}: the Rapier engine does not support ${what}`);
}

/** Plans the links, joints, root coordinates and colliders of `model` (throws a clear error for what it cannot build). */
export function planRapierLayout(model: RobotModel): RapierLayout {
  const rest = restPoses(model);
  const linkOf: number[] = model.bodies.map(() => -1);
  const links: LinkPlan[] = [];
  const joints: JointPlan[] = [];
  const rootCoordinates: RootCoordinate[] = [];
  // Mass gathered per link as full inertia tensors about the link origin in the link frame (world-aligned at rest).
  const gathered: { mass: number; moment: Vec3; tensor: Mat3 }[] = [];

  for (const body of model.bodies) {
    if (body.parent < 0) continue;
    const parentLink = linkOf[body.parent];
    if (body.joints.length === 0) {
      linkOf[body.id] = parentLink; // welded to its parent's link (or to the world)
    } else {
      const index = links.length;
      linkOf[body.id] = index;
      const origin = rest.pos[body.id];
      const bodyJoints = body.joints.map((j) => model.joints[j]);
      let root: RootKind | null = null;
      let freeTranslations: [boolean, boolean, boolean] = [true, true, true];
      let freeRotations: [boolean, boolean, boolean] = [true, true, true];
      let armatureMass = 0;
      let rootHinge = 0;
      const axisOf = (joint: ModelJoint) => rotate(rest.quat[body.id], joint.axis);
      if (bodyJoints.some((j) => j.type === 'ball')) throw unsupported(model, `ball joints (body '${body.name}')`);
      if (bodyJoints.some((j) => j.type === 'free')) {
        if (bodyJoints.length !== 1 || parentLink !== -1)
          throw unsupported(model, `a free joint beside other joints or below the root (body '${body.name}')`);
        const joint = bodyJoints[0];
        if (joint.armature !== 0 || joint.damping !== 0 || joint.stiffness !== 0)
          throw unsupported(model, `armature, damping or stiffness on free joint '${joint.name}'`);
        root = 'free';
      } else if (bodyJoints.length === 1) {
        if (parentLink === -1) root = 'joint';
        const joint = bodyJoints[0];
        const anchorWorld = add(origin, rotate(rest.quat[body.id], joint.pos));
        const parentOrigin = parentLink === -1 ? ([0, 0, 0] as Vec3) : links[parentLink].origin;
        joints.push({
          joint: joint.id,
          kind: joint.type as 'hinge' | 'slide',
          link: index,
          parentLink,
          anchorParent: sub(anchorWorld, parentOrigin),
          anchorChild: sub(anchorWorld, origin),
          axis: axisOf(joint),
          qposAddress: joint.qposAddress,
          dofAddress: joint.dofAddress,
          ref: joint.ref,
          limits: joint.limited ? [joint.range[0] - joint.ref, joint.range[1] - joint.ref] : null,
          armatureInLink: joint.type === 'hinge' && parentLink === -1 && joint.armature > 0,
          limitInertia: 0,
        });
      } else {
        if (parentLink !== -1) throw unsupported(model, `several joints in one body below the root (body '${body.name}')`);
        root = 'locked';
        freeTranslations = [false, false, false];
        freeRotations = [false, false, false];
        let hinges = 0;
        const slideArmature = new Set<number>();
        let hingeArmature = 0;
        for (const joint of bodyJoints) {
          if (joint.stiffness !== 0) throw unsupported(model, `stiffness on root joint '${joint.name}'`);
          const axis = axisOf(joint);
          const k = worldAxis(axis);
          if (k < 0) throw unsupported(model, `root joint '${joint.name}' whose axis is not a world axis`);
          if (joint.type === 'slide') {
            if (hinges > 0) throw unsupported(model, `a root slide after a root hinge ('${joint.name}')`);
            if (freeTranslations[k]) throw unsupported(model, `two root slides along one axis ('${joint.name}')`);
            freeTranslations[k] = true;
          } else {
            if (++hinges > 1) throw unsupported(model, `more than one root hinge ('${joint.name}')`);
            if (Math.hypot(...joint.pos) > EPS) throw unsupported(model, `root hinge '${joint.name}' off the body origin`);
            freeRotations[k] = true;
            // The body turns about its centre of mass in Rapier; only slides spanning the turning plane make that free.
            if (!freeTranslations[(k + 1) % 3] || !freeTranslations[(k + 2) % 3])
              throw unsupported(model, `root hinge '${joint.name}' without slides spanning its plane`);
          }
          if (joint.type === 'slide') slideArmature.add(joint.armature);
          else hingeArmature = joint.armature;
          rootCoordinates.push({
            link: index,
            kind: joint.type as 'hinge' | 'slide',
            axis,
            qposAddress: joint.qposAddress,
            dofAddress: joint.dofAddress,
            ref: joint.ref,
          });
        }
        if (slideArmature.size > 1) throw unsupported(model, `different armatures on the root slides of body '${body.name}'`);
        armatureMass = slideArmature.values().next().value ?? 0;
        rootHinge = hingeArmature;
      }
      links.push({
        body: body.id,
        parent: parentLink,
        origin,
        root,
        freeTranslations,
        freeRotations,
        armatureMass,
        mass: 0,
        com: [0, 0, 0],
        inertia: [0, 0, 0],
        inertiaFrame: [1, 0, 0, 0],
      });
      // Root armature: a point mass at the link origin (no moment, no inertia about the origin) and a rotor inertia.
      const a = rootCoordinates.find((c) => c.link === index && c.kind === 'hinge')?.axis ?? ([0, 0, 0] as Vec3);
      const A = rootHinge;
      const rotor: Mat3 = [
        A * a[0] * a[0],
        A * a[0] * a[1],
        A * a[0] * a[2],
        A * a[1] * a[0],
        A * a[1] * a[1],
        A * a[1] * a[2],
        A * a[2] * a[0],
        A * a[2] * a[1],
        A * a[2] * a[2],
      ];
      gathered.push({ mass: armatureMass, moment: [0, 0, 0], tensor: rotor });
    }
    // This body's mass joins its link: inertia tensor rotated into the link frame, moved to the link origin.
    const link = linkOf[body.id];
    if (link < 0 || body.mass === 0) continue;
    const g = gathered[link];
    const frame = mulQuat(rest.quat[body.id], body.iquat);
    const c = add(sub(rest.pos[body.id], links[link].origin), rotate(rest.quat[body.id], body.ipos));
    const r = quatToMat(frame);
    const d = body.inertia;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let value = 0;
        for (let k = 0; k < 3; k++) value += r[3 * i + k] * d[k] * r[3 * j + k];
        // Parallel axis theorem about the link origin: m (|c|^2 delta_ij - c_i c_j).
        value += body.mass * ((i === j ? c[0] * c[0] + c[1] * c[1] + c[2] * c[2] : 0) - c[i] * c[j]);
        g.tensor[3 * i + j] += value;
      }
    }
    g.mass += body.mass;
    g.moment = add(g.moment, [body.mass * c[0], body.mass * c[1], body.mass * c[2]]);
  }

  for (const plan of joints) {
    if (!plan.armatureInLink) continue;
    const armature = model.joints[plan.joint].armature;
    const t = gathered[plan.link].tensor;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) t[3 * i + j] += armature * plan.axis[i] * plan.axis[j];
  }
  const finished = links.map((link, i) => {
    const { mass, moment, tensor } = gathered[i];
    if (!(mass > 0)) throw unsupported(model, `a massless jointed body ('${model.bodies[link.body].name}')`);
    const com: Vec3 = [moment[0] / mass, moment[1] / mass, moment[2] / mass];
    // Back from the link origin to the centre of mass.
    const atCom = tensor.map((value, k) => {
      const a = Math.floor(k / 3);
      const b = k % 3;
      return value - mass * ((a === b ? com[0] * com[0] + com[1] * com[1] + com[2] * com[2] : 0) - com[a] * com[b]);
    }) as Mat3;
    const { values, frame } = symmetricEigen(atCom);
    return { ...link, mass, com, inertia: values, inertiaFrame: frame, tensor: atCom };
  });
  const jointPlans = joints.map((plan) => {
    const link = finished[plan.link];
    const armature = model.joints[plan.joint].armature;
    if (plan.kind === 'slide') return { ...plan, limitInertia: armature + link.mass };
    const a = plan.axis;
    const t = link.tensor;
    let about = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) about += a[i] * t[3 * i + j] * a[j];
    const arm = sub(link.com, plan.anchorChild);
    const cross = [a[1] * arm[2] - a[2] * arm[1], a[2] * arm[0] - a[0] * arm[2], a[0] * arm[1] - a[1] * arm[0]];
    const own = plan.armatureInLink ? 0 : armature;
    return { ...plan, limitInertia: own + about + link.mass * (cross[0] ** 2 + cross[1] ** 2 + cross[2] ** 2) };
  });

  const bodyFrames: BodyFrame[] = model.bodies.map((body) => {
    const link = linkOf[body.id];
    const origin = link < 0 ? ([0, 0, 0] as Vec3) : links[link].origin;
    return { link, pos: sub(rest.pos[body.id], origin), quat: rest.quat[body.id] };
  });

  const colliders = planColliders(model, bodyFrames, rest);
  return { links: finished.map(({ tensor: _tensor, ...link }) => link), joints: jointPlans, rootCoordinates, bodyFrames, colliders };
}

/**
 * MuJoCo's contact filter: geoms a and b may touch when (a.contype & b.conaffinity) || (b.contype & a.conaffinity).
 * Only robot-against-world pairs are kept (robots share a world with other robots and must not touch them, and none
 * of our robots' own parts can touch each other except the Hopper's, whose far links never meet in practice); a
 * geom that can touch nothing gets no collider (colliders cost the broad phase even when they meet nothing).
 */
function planColliders(model: RobotModel, frames: readonly BodyFrame[], rest: { pos: Vec3[]; quat: Quat[] }): ColliderPlan[] {
  const canTouch = (a: ModelGeom, b: ModelGeom) => (a.contype & b.conaffinity) !== 0 || (b.contype & a.conaffinity) !== 0;
  const isStatic = (geom: ModelGeom) => frames[geom.body].link < 0;
  const world = model.geoms.filter(isStatic);
  const robot = model.geoms.filter((geom) => !isStatic(geom));
  const plans: ColliderPlan[] = [];
  const place = (geom: ModelGeom, partners: readonly ModelGeom[]): ColliderPlan => {
    const frame = frames[geom.body];
    const linkOrigin = sub(rest.pos[geom.body], frame.pos);
    const pos = sub(add(rest.pos[geom.body], rotate(rest.quat[geom.body], geom.pos)), linkOrigin);
    return { geom: geom.id, link: frame.link, pos, quat: mulQuat(rest.quat[geom.body], geom.quat), partners: partners.map((other) => other.id) };
  };
  for (const geom of world) {
    const partners = robot.filter((other) => canTouch(geom, other));
    if (partners.length > 0) plans.push(place(geom, partners));
  }
  for (const geom of robot) {
    const partners = world.filter((other) => canTouch(geom, other));
    if (partners.length === 0) continue;
    for (const other of partners) {
      if (Math.max(geom.condim, other.condim) === 1 && Math.max(geom.friction[0], other.friction[0]) > 0) {
        throw unsupported(model, `frictionless (condim 1) contacts between '${geom.name}' and '${other.name}'`);
      }
    }
    if (geom.type === 'plane') throw unsupported(model, `a moving plane ('${geom.name}')`);
    plans.push(place(geom, partners));
  }
  return plans;
}

const layouts = new WeakMap<RobotModel, RapierLayout>();

/** The layout of `model`, planned once per model object. */
export function rapierLayout(model: RobotModel): RapierLayout {
  let layout = layouts.get(model);
  if (!layout) {
    layout = planRapierLayout(model);
    layouts.set(model, layout);
  }
  return layout;
}
