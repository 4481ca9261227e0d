import {
  Box3,
  Color,
  DynamicDrawUsage,
  Group,
  InstancedMesh,
  Matrix4,
  Mesh,
  MeshStandardMaterial,
  Plane,
  Quaternion,
  Vector3,
  type Raycaster,
} from 'three';
import type { RobotInfo } from '../../../sim/registry.ts';
import { MergedRobots, type MergedPart } from './merged-robots.ts';
import { PlanarShadows } from './planar-shadows.ts';
import {
  FULL_DETAIL,
  LIGHT_LEVELS,
  POSE_STRIDE,
  geometryFor,
  liesFlat,
  localMatrix,
  restExtent,
  trianglesPerRobot,
  type Detail,
} from './robot-shape.ts';

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

/** Triangles (robots and their shadows) the light quality may draw: about 2.5 ms a frame under SwiftShader (robot-shape.ts). */
const LIGHT_TRIANGLE_BUDGET = 5000;

/** Distance between the lanes of robots that travel (m). */
const LANE_SPACING_M = 1.2;
/** Room between the reaches of neighbouring robots fixed to their base (m). */
const GRID_GAP_M = 0.08;

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
    const travels = robot.travels;
    this.travels = travels;
    this.spacing = travels ? LANE_SPACING_M : 2 * restExtent(robot).reach + GRID_GAP_M;
    const columns = travels ? 1 : Math.ceil(Math.sqrt(count));
    const rows = Math.ceil(count / columns);
    for (let i = 0; i < count; i++) {
      const x = ((i % columns) - (columns - 1) / 2) * this.spacing;
      const y = (Math.floor(i / columns) - (rows - 1) / 2) * this.spacing;
      this.lanes.push(new Matrix4().makeTranslation(x, y, 0));
    }
    if (look.light) {
      // The sun's direction in the root's frame (MuJoCo's z up), where the ground is the plane z = 0. A robot that
      // lies flat gets no shadow: it would hide beneath the robot and cost as many triangles.
      const toLight = look.sunDirection.clone().applyQuaternion(this.root.quaternion.clone().invert());
      this.shadows = liesFlat(robot) ? null : new PlanarShadows(toLight);
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
