import {
  Box3,
  BoxGeometry,
  CapsuleGeometry,
  Color,
  CylinderGeometry,
  DynamicDrawUsage,
  Group,
  InstancedMesh,
  Matrix4,
  Mesh,
  MeshStandardMaterial,
  Plane,
  Quaternion,
  SphereGeometry,
  Vector3,
  type BufferGeometry,
  type Raycaster,
} from 'three';
import type { GeomDescription } from '../../../sim/robot-description.ts';
import type { RobotInfo } from '../../../sim/registry.ts';
import { MergedRobots, type MergedPart } from './merged-robots.ts';
import { PlanarShadows } from './planar-shadows.ts';

/** Floats per body in the pose board: x, y, z, qx, qy, qz, qw (MuJoCo world frame, z up). */
export const POSE_STRIDE = 7;

// Scratch objects: the per-frame update allocates nothing.
const bodyPosition = new Vector3();
const bodyRotation = new Quaternion();
const bodyMatrix = new Matrix4();
const instanceMatrix = new Matrix4();
const ONE = new Vector3(1, 1, 1);
const meshBounds = new Box3();
/** The ground (three's y = 0) and scratch points for picking a robot by where a click meets it. */
const groundPlane = new Plane(new Vector3(0, 1, 0), 0);
const groundHit = new Vector3();
const robotAt = new Vector3();

/**
 * Three's primitives are built along y; MuJoCo's capsules and cylinders along their local z. This rotation
 * turns one into the other; it is folded into each geom's local matrix once.
 */
const Y_TO_Z = new Matrix4().makeRotationX(Math.PI / 2);

/** Segments of the round shapes: a sphere's [around, pole to pole], a capsule's [per cap, around], a cylinder's around. */
interface Detail {
  readonly sphere: readonly [number, number];
  readonly capsule: readonly [number, number];
  readonly cylinder: number;
}

/**
 * Full quality, and light (software rendering) levels, finest first. SwiftShader sets up every triangle on the
 * CPU, about 0.5 us each even when it covers no pixel (64 Reachers with 1,500-triangle spheres: 109 ms a frame;
 * with LIGHT_LEVELS[0] 29 ms, with [2] 22 ms, of which 14 without robots), and a shadow draws them all again. So
 * the grid draws the finest level whose triangles, shadows included, fit LIGHT_TRIANGLE_BUDGET (about 2.5 ms),
 * and the finest level close up, when a coarse one would look square (see RobotGrid.setCloseUp).
 */
export const FULL_DETAIL: Detail = { sphere: [20, 14], capsule: [6, 14], cylinder: 18 };
export const LIGHT_LEVELS: readonly Detail[] = [
  { sphere: [8, 4], capsule: [2, 8], cylinder: 8 },
  { sphere: [6, 3], capsule: [1, 6], cylinder: 6 },
  { sphere: [4, 2], capsule: [1, 4], cylinder: 4 },
];
const LIGHT_TRIANGLE_BUDGET = 5000;

function trianglesPerRobot(robot: RobotInfo, detail: Detail): number {
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
 * Points of interest modelled as tiny spheres (the Reacher's target, 9 mm; its fingertip, 1 cm) are drawn at least
 * this radius (m), so that they show from the grid view as more than a pixel or two. Drawing only: physics is untouched.
 */
const MIN_SPHERE_RADIUS_M = 0.02;

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
function localMatrix(geom: GeomDescription): Matrix4 {
  return new Matrix4().compose(new Vector3(...geom.pos), new Quaternion(...geom.quat), new Vector3(1, 1, 1));
}

/** Distance between the lanes of robots that travel (m). */
const LANE_SPACING_M = 1.2;
/** Room between the reaches of neighbouring robots fixed to their base (m). */
const GRID_GAP_M = 0.08;

/** Whether the robot's root body slides (it travels, along x as every Gymnasium walker does). */
function travelsAlongX(robot: RobotInfo): boolean {
  return robot.travels;
}

/** How far (m) the robot's geoms reach across the ground from its first body at rest: half the cell it needs. */
function reach(robot: RobotInfo): number {
  const rest = robot.restPoses;
  let farthest = 0;
  robot.bodies.forEach((body, index) => {
    for (const geom of body.geoms) {
      const x = rest[index * POSE_STRIDE] + geom.pos[0] - rest[0];
      const y = rest[index * POSE_STRIDE + 1] + geom.pos[1] - rest[1];
      farthest = Math.max(farthest, Math.hypot(x, y) + Math.max(...geom.size));
    }
  });
  return farthest;
}

/** How the stage draws: see StageQuality in stage.ts. */
export interface GridLook {
  /** Software rendering: matte materials, fewer segments, planar shadows instead of shadow maps. */
  readonly light: boolean;
  /** Unit vector from the ground towards the sun, in three's frame (y up). */
  readonly sunDirection: Vector3;
}

interface GeomInstances {
  readonly mesh: InstancedMesh;
  readonly local: Matrix4;
}

/**
 * Draws N copies of one robot, laid out in a grid, from its description and a flat pose array. In full quality
 * each geom of the robot is one InstancedMesh with N instances, so 64 Hoppers cost a handful of draw calls; in
 * light quality all robots are one mesh moved on the CPU (see MergedRobots), with planar shadows.
 */
export class RobotGrid {
  /** Rotates MuJoCo's z-up world into three's y-up world. */
  readonly root = new Group();
  /** Full quality: each body's instanced geoms. */
  private readonly geomsByBody: GeomInstances[][] = [];
  /** Light quality: the robots, their shadow (not for flat robots) and the detail they are built at. */
  private merged: MergedRobots | null = null;
  private shadowMesh: Mesh | null = null;
  private closeUp = false;
  /** Light quality: the level drawn from afar. */
  private readonly farDetail: Detail = LIGHT_LEVELS[LIGHT_LEVELS.length - 1];
  private readonly lanes: Matrix4[] = [];
  readonly bodyCount: number;
  /** Distance between neighbouring robots in the grid (m). */
  readonly spacing: number;
  /** Whether the robots travel along lanes (a sliding root) rather than sit fixed in a grid. */
  readonly travels: boolean;
  private readonly shadows: PlanarShadows | null;

  constructor(
    readonly robot: RobotInfo,
    readonly count: number,
    look: GridLook,
  ) {
    this.root.rotation.x = -Math.PI / 2;
    this.bodyCount = robot.bodies.length;
    // Robots that travel (a sliding root, as the Hopper's) get lanes side by side, across their direction of
    // travel; robots fixed to their base (the Reacher) sit in a square grid, as close as their reach allows.
    const travels = travelsAlongX(robot);
    this.travels = travels;
    this.spacing = travels ? LANE_SPACING_M : 2 * reach(robot) + GRID_GAP_M;
    const columns = travels ? 1 : Math.ceil(Math.sqrt(count));
    const rows = Math.ceil(count / columns);
    for (let i = 0; i < count; i++) {
      const x = ((i % columns) - (columns - 1) / 2) * this.spacing;
      const y = (Math.floor(i / columns) - (rows - 1) / 2) * this.spacing;
      this.lanes.push(new Matrix4().makeTranslation(x, y, 0));
    }
    if (look.light) {
      // The sun's direction in the root's frame (MuJoCo's z up), where the ground is the plane z = 0. The
      // Reacher's arm lies on its table, 1 cm up: its shadow would hide beneath it and cost as much as the arm.
      const toLight = look.sunDirection.clone().applyQuaternion(this.root.quaternion.clone().invert());
      this.shadows = robot.name === 'reacher' ? null : new PlanarShadows(toLight);
      const drawings = this.shadows ? 2 : 1;
      this.farDetail = LIGHT_LEVELS.find((level) => count * drawings * trianglesPerRobot(robot, level) <= LIGHT_TRIANGLE_BUDGET) ?? this.farDetail;
      this.buildMerged(this.farDetail);
      return;
    }
    this.shadows = null;
    for (const body of robot.bodies) {
      const geoms: GeomInstances[] = [];
      for (const geom of body.geoms) {
        const [r, g, b, a] = geom.rgba;
        const material = new MeshStandardMaterial({ color: new Color(r, g, b), roughness: 0.55, metalness: 0.1, transparent: a < 1, opacity: a });
        const mesh = new InstancedMesh(geometryFor(geom, FULL_DETAIL), material, count);
        mesh.instanceMatrix.setUsage(DynamicDrawUsage);
        mesh.castShadow = true;
        mesh.receiveShadow = true;
        mesh.frustumCulled = false;
        geoms.push({ mesh, local: localMatrix(geom) });
        this.root.add(mesh);
      }
      this.geomsByBody.push(geoms);
    }
  }

  /** Light quality: (re)builds the merged robots at `detail`; their vertices are filled by the next update. */
  private buildMerged(detail: Detail): void {
    this.merged?.dispose();
    this.shadowMesh?.removeFromParent();
    const parts: MergedPart[] = [];
    for (const [bodyIndex, body] of this.robot.bodies.entries()) {
      for (const geom of body.geoms) {
        const [r, g, b] = geom.rgba;
        parts.push({ geometry: geometryFor(geom, detail).applyMatrix4(localMatrix(geom)), bodyIndex, color: new Color(r, g, b) });
      }
    }
    this.merged = new MergedRobots(parts, this.bodyCount, this.count);
    this.root.add(this.merged.mesh);
    this.shadowMesh = this.shadows?.shadowOf(this.merged.geometry) ?? null;
    if (this.shadowMesh) this.root.add(this.shadowMesh);
  }

  /**
   * Light quality: the finest robots when the camera is close to them, the level that fits the budget from afar.
   * Returns whether the robots were rebuilt, in which case they need an update() before the next frame.
   */
  setCloseUp(close: boolean): boolean {
    if (!this.merged || close === this.closeUp) return false;
    this.closeUp = close;
    this.buildMerged(close ? LIGHT_LEVELS[0] : this.farDetail);
    return true;
  }

  /** Copies poses[offset + (robot * bodyCount + body) * 7 ...] into the instance matrices or the merged mesh. */
  update(poses: Float32Array, offset = 0): void {
    for (let robot = 0; robot < this.count; robot++) {
      for (let body = 0; body < this.bodyCount; body++) {
        const base = offset + (robot * this.bodyCount + body) * POSE_STRIDE;
        bodyPosition.set(poses[base], poses[base + 1], poses[base + 2]);
        bodyRotation.set(poses[base + 3], poses[base + 4], poses[base + 5], poses[base + 6]);
        if (bodyRotation.lengthSq() === 0) bodyRotation.identity();
        bodyMatrix.compose(bodyPosition, bodyRotation, ONE).premultiply(this.lanes[robot]);
        if (this.merged) {
          this.merged.setBody(robot, body, bodyMatrix);
          continue;
        }
        for (const geom of this.geomsByBody[body]) geom.mesh.setMatrixAt(robot, instanceMatrix.multiplyMatrices(bodyMatrix, geom.local));
      }
    }
    this.merged?.finishFrame();
    for (const geoms of this.geomsByBody) for (const geom of geoms) geom.mesh.instanceMatrix.needsUpdate = true;
  }

  /** World position (three's frame) of a robot's body, for the follow camera. */
  bodyWorldPosition(poses: Float32Array, robot: number, body: number, out: Vector3): Vector3 {
    const base = (robot * this.bodyCount + body) * POSE_STRIDE;
    out.set(poses[base], poses[base + 1], poses[base + 2]).applyMatrix4(this.lanes[robot]);
    return this.root.localToWorld(out);
  }

  /**
   * The box (three's world frame) around the robots as last updated: what the camera frames. Walks every vertex or
   * instance, so it is for framing once, not for every frame.
   */
  bounds(out: Box3): Box3 {
    this.root.updateMatrixWorld(true);
    out.makeEmpty();
    if (this.merged) {
      this.merged.geometry.computeBoundingBox();
      if (this.merged.geometry.boundingBox) out.copy(this.merged.geometry.boundingBox).applyMatrix4(this.merged.mesh.matrixWorld);
      return out;
    }
    for (const geoms of this.geomsByBody) {
      for (const { mesh } of geoms) {
        mesh.computeBoundingBox();
        if (mesh.boundingBox) out.union(meshBounds.copy(mesh.boundingBox).applyMatrix4(mesh.matrixWorld));
      }
    }
    return out;
  }

  /**
   * The robot under the ray, or null: its geoms if the ray hits them, else the robot whose cell (fixed-base robots)
   * or lane (robots that travel) the ray meets the ground in, so that a click on a thin arm that moved on still hits it.
   */
  pick(raycaster: Raycaster, poses: Float32Array): number | null {
    const direct = this.merged
      ? this.merged.pick(raycaster)
      : (raycaster
          .intersectObjects(
            this.geomsByBody.flatMap((geoms) => geoms.map((geom) => geom.mesh)),
            false,
          )
          .find((hit) => hit.instanceId !== undefined)?.instanceId ?? null);
    if (direct !== null) return direct;
    if (!raycaster.ray.intersectPlane(groundPlane, groundHit)) return null;
    let nearest: number | null = null;
    let nearestDistance = this.spacing / 2;
    for (let robot = 0; robot < this.count; robot++) {
      this.bodyWorldPosition(poses, robot, 0, robotAt);
      // Robots that travel are told apart across their lanes (z in three's frame), fixed ones by their cell.
      const distance = this.travels
        ? Math.abs(robotAt.z - groundHit.z)
        : Math.max(Math.abs(robotAt.x - groundHit.x), Math.abs(robotAt.z - groundHit.z));
      if (distance < nearestDistance) [nearest, nearestDistance] = [robot, distance];
    }
    return nearest;
  }

  /** Radius (m) of the ring that marks a followed robot: its reach, or a third of a lane for robots that travel. */
  get markerRadius(): number {
    return this.travels ? LANE_SPACING_M / 3 : (this.spacing - GRID_GAP_M) / 2;
  }

  dispose(): void {
    this.merged?.dispose();
    this.shadows?.dispose();
    for (const geoms of this.geomsByBody) {
      for (const geom of geoms) {
        geom.mesh.geometry.dispose();
        (geom.mesh.material as MeshStandardMaterial).dispose();
        geom.mesh.dispose();
      }
    }
    this.root.removeFromParent();
  }
}
