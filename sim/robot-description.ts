/**
 * What the renderer and the policy cards know of a robot besides its pose board (registry.ts RobotInfo): its
 * geoms and the meaning of its signals. Conventions: MuJoCo's frames (z up), quaternions [x, y, z, w],
 * capsules and cylinders along their local z with size [radius, halfLength], spheres [radius], boxes half extents.
 */

export type Vec3 = readonly [number, number, number];
export type Quat = readonly [number, number, number, number];
export type ShapeKind = 'capsule' | 'sphere' | 'box' | 'cylinder';

export interface GeomDescription {
  readonly name: string;
  readonly shape: ShapeKind;
  readonly size: readonly number[];
  /** Pose in the body frame. */
  readonly pos: Vec3;
  readonly quat: Quat;
  readonly rgba: readonly [number, number, number, number];
  /** MuJoCo's sliding friction coefficient (default 1). */
  readonly friction?: number;
}

export interface SignalDescription {
  readonly name: string;
  readonly unit: string;
}
