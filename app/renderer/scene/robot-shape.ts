import { BoxGeometry, CapsuleGeometry, CylinderGeometry, Matrix4, Quaternion, SphereGeometry, Vector3, type BufferGeometry } from 'three';
import type { GeomDescription } from '../../../sim/robot-description.ts';
import type { RobotInfo } from '../../../sim/registry.ts';

/** Floats per body in the pose board: x, y, z, qx, qy, qz, qw (MuJoCo world frame, z up). */
export const POSE_STRIDE = 7;

/**
 * Three's primitives are built along y; MuJoCo's capsules and cylinders along their local z. This rotation
 * turns one into the other; it is folded into each geom's local matrix once.
 */
const Y_TO_Z = new Matrix4().makeRotationX(Math.PI / 2);

/** Segments of the round shapes: a sphere's [around, pole to pole], a capsule's [per cap, around], a cylinder's around. */
export interface Detail {
  readonly sphere: readonly [number, number];
  readonly capsule: readonly [number, number];
  readonly cylinder: number;
}

/**
 * Full quality, and light (software rendering) levels, finest first. SwiftShader sets up every triangle on the
 * CPU, about 0.5 us each even when it covers no pixel (64 Reachers with 1,500-triangle spheres: 109 ms a frame;
 * with LIGHT_LEVELS[0] 29 ms, with [2] 22 ms, of which 14 without robots), and a shadow draws them all again. So
 * the grid draws the finest level whose triangles, shadows included, fit a budget (robot-grid.ts), and the finest
 * level close up, when a coarse one would look square (see RobotGrid.setCloseUp).
 */
export const FULL_DETAIL: Detail = { sphere: [20, 14], capsule: [6, 14], cylinder: 18 };
export const LIGHT_LEVELS: readonly Detail[] = [
  { sphere: [8, 4], capsule: [2, 8], cylinder: 8 },
  { sphere: [6, 3], capsule: [1, 6], cylinder: 6 },
  { sphere: [4, 2], capsule: [1, 4], cylinder: 4 },
];

/**
 * Points of interest modelled as tiny spheres (the Reacher's target, 9 mm; its fingertip, 1 cm) are drawn at least
 * this radius (m), so that they show from the grid view as more than a pixel or two. Drawing only: physics is untouched.
 */
const MIN_SPHERE_RADIUS_M = 0.02;

/** A geom's shape in its own frame, at `detail`. */
export function geometryFor(geom: GeomDescription, detail: Detail): BufferGeometry {
  switch (geom.shape) {
    case 'sphere':
      return new SphereGeometry(Math.max(geom.size[0], MIN_SPHERE_RADIUS_M), ...detail.sphere);
    case 'capsule':
      return new CapsuleGeometry(geom.size[0], 2 * geom.size[1], ...detail.capsule).applyMatrix4(Y_TO_Z);
    case 'cylinder':
      return new CylinderGeometry(geom.size[0], geom.size[0], 2 * geom.size[1], detail.cylinder).applyMatrix4(Y_TO_Z);
    case 'box':
      return new BoxGeometry(2 * geom.size[0], 2 * geom.size[1], 2 * geom.size[2]);
  }
}

/** A geom's pose in its body's frame. */
export function localMatrix(geom: GeomDescription): Matrix4 {
  return new Matrix4().compose(new Vector3(...geom.pos), new Quaternion(...geom.quat), new Vector3(1, 1, 1));
}

/** Triangles one robot costs at `detail`. */
export function trianglesPerRobot(robot: RobotInfo, detail: Detail): number {
  let triangles = 0;
  for (const body of robot.bodies) {
    for (const geom of body.geoms) {
      const geometry = geometryFor(geom, detail);
      triangles += (geometry.index?.count ?? geometry.getAttribute('position').count) / 3;
      geometry.dispose();
    }
  }
  return triangles;
}

/**
 * The robot's size at rest (qpos0), from its geoms: how far they reach across the ground from its first body
 * (half the cell it needs in a grid), and how high above the ground (z = 0) they rise. A geom counts as a ball of
 * its largest size around its centre: generous for long capsules lying down, never short.
 */
export function restExtent(robot: RobotInfo): { readonly reach: number; readonly height: number } {
  const rest = robot.restPoses;
  let reach = 0;
  let height = 0;
  robot.bodies.forEach((body, index) => {
    for (const geom of body.geoms) {
      const [x, y, z] = [0, 1, 2].map((axis) => rest[index * POSE_STRIDE + axis] + geom.pos[axis]);
      const radius = Math.max(...geom.size);
      reach = Math.max(reach, Math.hypot(x - rest[0], y - rest[1]) + radius);
      height = Math.max(height, z + radius);
    }
  });
  return { reach, height };
}

/**
 * Whether a robot lies flat on the ground (the Reacher on its table, the Swimmer in its pool): at rest it rises less
 * than a quarter of its width. A shadow of such a robot would hide beneath it and cost as much as the robot.
 */
export function liesFlat(robot: RobotInfo): boolean {
  const { reach, height } = restExtent(robot);
  return height < 0.25 * 2 * reach;
}
