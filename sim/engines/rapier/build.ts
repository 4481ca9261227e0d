import type { ImpulseJoint, RigidBody } from '@dimforge/rapier3d-simd-compat';
import type { ModelGeom, Quat, RobotModel, Vec3 } from '../../model/types.ts';
import { rapierLayout, type ColliderPlan, type RapierLayout } from './layout.ts';
import type { RapierWorld } from './world.ts';

/**
 * Creates one robot of a planned layout in a Rapier world, in lane `lane` (its y offset): its links with MuJoCo's
 * mass properties (colliders carry no mass), its joints (revolute or prismatic impulse joints with force-based motors
 * and limits), and the colliders of the geoms that can touch the world.
 *
 * Collision groups (16 membership bits << 16 | 16 filter bits): every robot collider is a member of ROBOT_GROUP and
 * filters for the bits of the world geoms it may touch by MuJoCo's contype/conaffinity; world geom k is a member of
 * bit k and filters for ROBOT_GROUP. Robots therefore touch the ground, never each other (nor themselves).
 */
export const ROBOT_GROUP = 1 << 15;

export interface BuiltRobot {
  readonly links: RigidBody[];
  /** Per layout joint: its impulse joint. */
  readonly joints: ImpulseJoint[];
  /** Fixed bodies this robot added (its lane's ground, carrying the joints to the world and its world geoms). */
  readonly staticBodies: RigidBody[];
  /** Handles of the robot's own colliders (the ones on its links). */
  readonly colliders: number[];
}

function quat(q: Quat): { x: number; y: number; z: number; w: number } {
  return { x: q[1], y: q[2], z: q[3], w: q[0] };
}

function vec(v: Vec3): { x: number; y: number; z: number } {
  return { x: v[0], y: v[1], z: v[2] };
}

/** MuJoCo's capsules and cylinders lie along their local z; Rapier's along y: turn y onto z. */
const Y_TO_Z: Quat = [Math.SQRT1_2, Math.SQRT1_2, 0, 0];

function mul(a: Quat, b: Quat): Quat {
  return [
    a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
    a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
    a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
    a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0],
  ];
}

/** World geoms that can touch robots, in model order: geom id -> its group bit. */
export function worldGroupBits(layout: RapierLayout): Map<number, number> {
  const bits = new Map<number, number>();
  for (const plan of layout.colliders) {
    if (plan.link >= 0) continue;
    if (bits.size >= 15) throw new Error('the Rapier engine supports at most 15 world geoms that robots can touch');
    bits.set(plan.geom, 1 << bits.size);
  }
  return bits;
}

/** How many handles a built robot has of each kind (the same for every robot of a layout): its snapshot's size. */
export function builtCounts(
  model: RobotModel,
  layout: RapierLayout,
): { links: number; joints: number; staticBodies: number; colliders: number; planes: number } {
  const planes = new Set<number>();
  let colliders = 0;
  for (const plan of layout.colliders) {
    if (plan.link >= 0) colliders++;
    else if (model.geoms[plan.geom].type === 'plane') planes.add(plan.geom);
  }
  return { links: layout.links.length, joints: layout.joints.length, staticBodies: 1, colliders, planes: planes.size };
}

/**
 * Floats of a robot's extra state in snapshots (snapshot.ts): its world's id, then its handles there. Here, beside
 * the build, so that sizing a snapshot (registry.ts) does not load Rapier.
 */
export function rapierStateExtraSize(model: RobotModel): number {
  const counts = builtCounts(model, rapierLayout(model));
  return 1 + counts.links + counts.joints + counts.staticBodies + counts.colliders + counts.planes;
}

export function buildRobot(host: RapierWorld, model: RobotModel, layout: RapierLayout, lane: number, hardLimits: boolean): BuiltRobot {
  const { RAPIER, world } = host;
  const laneY = lane * host.laneSpacing;
  const bits = worldGroupBits(layout);
  const staticBodies: RigidBody[] = [];
  // Soft ground (solver.ts): the lane's planes sit on its own ground body, made kinematic, as a strip of the lane.
  const softGround = host.solver.contactNaturalFrequency !== undefined;
  if (softGround) assertStaysInLane(model, layout);
  const groundDesc = softGround ? RAPIER.RigidBodyDesc.kinematicPositionBased() : RAPIER.RigidBodyDesc.fixed();
  const ground = world.createRigidBody(groundDesc.setTranslation(0, laneY, 0));
  staticBodies.push(ground);

  const links: RigidBody[] = layout.links.map((link) => {
    const desc = RAPIER.RigidBodyDesc.dynamic()
      .setTranslation(link.origin[0], link.origin[1] + laneY, link.origin[2])
      .setCanSleep(false)
      .setAdditionalMassProperties(link.mass, vec(link.com), vec(link.inertia), quat(link.inertiaFrame));
    if (link.root === 'locked') {
      desc.enabledTranslations(...link.freeTranslations).enabledRotations(...link.freeRotations);
    }
    return world.createRigidBody(desc);
  });

  const joints = layout.joints.map((plan) => {
    const data =
      plan.kind === 'hinge'
        ? RAPIER.JointData.revolute(vec(plan.anchorParent), vec(plan.anchorChild), vec(plan.axis))
        : RAPIER.JointData.prismatic(vec(plan.anchorParent), vec(plan.anchorChild), vec(plan.axis));
    const parent = plan.parentLink < 0 ? ground : links[plan.parentLink];
    const joint = world.createImpulseJoint(data, parent, links[plan.link], true);
    joint.setContactsEnabled(false);
    const unit = joint as unknown as { setLimits(min: number, max: number): void; configureMotorModel(model: number): void };
    // Slides keep Rapier's hard limits (the soft ones are for hinges: robot.ts).
    if (plan.limits && (hardLimits || plan.kind === 'slide')) unit.setLimits(plan.limits[0], plan.limits[1]);
    unit.configureMotorModel(RAPIER.MotorModel.ForceBased);
    return joint;
  });

  const colliders: number[] = [];
  for (const plan of layout.colliders) {
    const geom = model.geoms[plan.geom];
    const isStatic = plan.link < 0;
    // On Rapier's own (fixed) ground a world plane serves every lane of the world: build it once.
    const sharedPlane = isStatic && geom.type === 'plane' && !softGround;
    if (sharedPlane) {
      if (host.sharedStatics.has(geom.id)) continue;
      host.sharedStatics.add(geom.id);
    }
    const desc = colliderDesc(host, geom, plan);
    const groups = isStatic
      ? ((bits.get(geom.id) ?? 0) << 16) | ROBOT_GROUP
      : (ROBOT_GROUP << 16) | plan.partners.reduce((mask, id) => mask | (bits.get(id) ?? 0), 0);
    desc.setDensity(0).setFriction(geom.friction[0]).setFrictionCombineRule(RAPIER.CoefficientCombineRule.Max).setCollisionGroups(groups);
    if (sharedPlane) {
      // Not tied to the lane: its own fixed body at the world origin.
      const body = world.createRigidBody(RAPIER.RigidBodyDesc.fixed());
      world.createCollider(desc, body);
      host.planeBodies.push(body.handle);
      continue; // shared: not removed with this robot
    }
    const collider = world.createCollider(desc, isStatic ? ground : links[plan.link]);
    if (!isStatic) colliders.push(collider.handle);
  }
  return { links, joints, staticBodies, colliders };
}

/**
 * Soft ground needs every contact of a robot to meet its own lane's body: contacts that share one kinematic body
 * with other lanes' make a robot's numbers depend on which robots share its world (docs/FINDINGS.md), so its ground
 * is a strip of its lane, which a robot free to move sideways could leave.
 */
function assertStaysInLane(model: RobotModel, layout: RapierLayout): void {
  const leaves = layout.links.some((link) => link.root === 'free' || (link.root === 'locked' && link.freeTranslations[1]));
  if (leaves)
    throw new Error(`the Rapier engine's soft ground (a strip per lane) needs robots that stay in their lane; '${model.name}' can leave it`);
}

/** A geom's shape and pose in its link (or its lane's ground body). Planes become a thick slab. */
function colliderDesc(host: RapierWorld, geom: ModelGeom, plan: ColliderPlan) {
  const { ColliderDesc } = host.RAPIER;
  const s = geom.size;
  let desc;
  let rotation = plan.quat;
  let pos: Vec3 = plan.pos;
  switch (geom.type) {
    case 'sphere':
      desc = ColliderDesc.ball(s[0]);
      break;
    case 'capsule':
      desc = ColliderDesc.capsule(s[1], s[0]);
      rotation = mul(plan.quat, Y_TO_Z);
      break;
    case 'cylinder':
      desc = ColliderDesc.cylinder(s[1], s[0]);
      rotation = mul(plan.quat, Y_TO_Z);
      break;
    case 'box':
      desc = ColliderDesc.cuboid(s[0], s[1], s[2]);
      break;
    case 'plane': {
      // MuJoCo's planes are infinite for contacts (their size only draws them): a slab 1 m thick whose top is the plane,
      // as wide as the lane when every lane has its own (soft ground), so that no robot meets another lane's.
      const half = 0.5;
      desc = ColliderDesc.cuboid(1e3, host.solver.contactNaturalFrequency === undefined ? 1e3 : host.laneSpacing / 2, half);
      const [w, x, y, z] = plan.quat;
      const normal: Vec3 = [2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y)];
      pos = [plan.pos[0] - half * normal[0], plan.pos[1] - half * normal[1], plan.pos[2] - half * normal[2]];
      break;
    }
    default:
      throw new Error(`the Rapier engine does not support ${geom.type} geoms ('${geom.name}')`);
  }
  return desc.setTranslation(pos[0], pos[1], pos[2]).setRotation(quat(rotation));
}
