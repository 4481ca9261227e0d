import type { Quat, Vec3 } from '../../model/types.ts';

/** What layout.ts plans for a model: the links, joints, root coordinates, body frames and colliders (see there). */

export type RootKind = 'free' | 'locked' | 'joint';

export interface LinkPlan {
  /** The model body that owns this link. */
  readonly body: number;
  /** Index of the parent link; -1 when the parent is the world. */
  readonly parent: number;
  /** Origin in the world at qpos0. */
  readonly origin: Vec3;
  readonly root: RootKind | null;
  /** Locked roots: which world translations and rotations stay free. */
  readonly freeTranslations: readonly [boolean, boolean, boolean];
  readonly freeRotations: readonly [boolean, boolean, boolean];
  /**
   * A locked root's slide armature, as a point mass at the link origin (root-loads.ts takes its weight off again).
   * MuJoCo's armature A on slides along world axes adds A |v_origin|^2 / 2 to the kinetic energy, A on the root hinge
   * A w^2 / 2: exactly a point mass A at the origin and a rotor inertia A a a^T, as long as every root slide carries
   * the same armature (else the extra mass would depend on the direction: refused).
   */
  readonly armatureMass: number;
  /** Mass properties of the welded bodies, in the link frame: total mass, centre of mass, principal inertia and frame. */
  readonly mass: number;
  readonly com: Vec3;
  readonly inertia: Vec3;
  readonly inertiaFrame: Quat;
}

export interface JointPlan {
  readonly joint: number;
  readonly kind: 'hinge' | 'slide';
  /** The link the joint moves and the link (or -1: the world) it hangs from. */
  readonly link: number;
  readonly parentLink: number;
  /** Anchor in the parent link's frame (world frame for the world) and in the child link's frame. */
  readonly anchorParent: Vec3;
  readonly anchorChild: Vec3;
  /** Unit axis in both link frames (they are world-aligned at qpos0). */
  readonly axis: Vec3;
  readonly qposAddress: number;
  readonly dofAddress: number;
  readonly ref: number;
  /** Joint limits relative to ref (Rapier's angle is 0 at ref), or null. */
  readonly limits: readonly [number, number] | null;
  /**
   * A hinge on the world: its child link turns at exactly the joint's rate, so the armature is exactly a rotor
   * inertia A a a^T in that link (no solver work); other joints' armature acts through their motors.
   */
  readonly armatureInLink: boolean;
  /**
   * The joint's inertia as its limit sees it: armature plus the child link's own inertia about the joint (hinge) or
   * its mass (slide). MuJoCo's soft limit acts through the joint-space inertia; this is the link-local part of it.
   */
  readonly limitInertia: number;
}

/** One coordinate of a locked root: a slide along or a hinge about a world axis. */
export interface RootCoordinate {
  readonly link: number;
  readonly kind: 'hinge' | 'slide';
  readonly axis: Vec3;
  readonly qposAddress: number;
  readonly dofAddress: number;
  readonly ref: number;
}

export interface ColliderPlan {
  readonly geom: number;
  /** The link carrying it, or -1 for the world (static ground). */
  readonly link: number;
  /** Pose in the link frame (world frame for the world). */
  readonly pos: Vec3;
  readonly quat: Quat;
  /** The geoms on the other side it may touch (world geoms for a robot geom, robot geoms for a world geom). */
  readonly partners: readonly number[];
}

/** A model body's frame within its link: the pose to compose with the link's (MuJoCo's xpos/xquat). */
export interface BodyFrame {
  /** -1 for bodies welded to the world. */
  readonly link: number;
  readonly pos: Vec3;
  readonly quat: Quat;
}

export interface RapierLayout {
  readonly links: readonly LinkPlan[];
  readonly joints: readonly JointPlan[];
  readonly rootCoordinates: readonly RootCoordinate[];
  readonly bodyFrames: readonly BodyFrame[];
  readonly colliders: readonly ColliderPlan[];
}
