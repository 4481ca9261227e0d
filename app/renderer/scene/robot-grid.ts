import {
  BoxGeometry,
  CapsuleGeometry,
  Color,
  CylinderGeometry,
  DynamicDrawUsage,
  Group,
  InstancedMesh,
  Matrix4,
  MeshStandardMaterial,
  Quaternion,
  SphereGeometry,
  Vector3,
  type BufferGeometry,
} from 'three';
import type { GeomDescription } from '../../../sim/robot-description.ts';
import type { RobotInfo } from '../../../sim/registry.ts';

/** Floats per body in the pose board: x, y, z, qx, qy, qz, qw (MuJoCo world frame, z up). */
export const POSE_STRIDE = 7;

// Scratch objects: the per-frame update allocates nothing.
const bodyPosition = new Vector3();
const bodyRotation = new Quaternion();
const bodyMatrix = new Matrix4();
const instanceMatrix = new Matrix4();
const laneOffset = new Matrix4();
const ONE = new Vector3(1, 1, 1);

/**
 * Three's primitives are built along y; MuJoCo's capsules and cylinders along their local z. This rotation
 * turns one into the other; it is folded into each geom's local matrix once.
 */
const Y_TO_Z = new Matrix4().makeRotationX(Math.PI / 2);

function geometryFor(geom: GeomDescription): BufferGeometry {
  switch (geom.shape) {
    case 'sphere':
      return new SphereGeometry(geom.size[0], 20, 14);
    case 'capsule':
      return new CapsuleGeometry(geom.size[0], 2 * geom.size[1], 6, 14).applyMatrix4(Y_TO_Z);
    case 'cylinder':
      return new CylinderGeometry(geom.size[0], geom.size[0], 2 * geom.size[1], 18).applyMatrix4(Y_TO_Z);
    case 'box':
      return new BoxGeometry(2 * geom.size[0], 2 * geom.size[1], 2 * geom.size[2]);
  }
}

interface GeomInstances {
  readonly mesh: InstancedMesh;
  readonly bodyIndex: number;
  readonly local: Matrix4;
}

/**
 * Draws N copies of one robot, laid out in a grid, from its description and a flat pose array. Each geom of
 * the robot is one InstancedMesh with N instances, so 64 Hoppers cost a handful of draw calls.
 */
export class RobotGrid {
  /** Rotates MuJoCo's z-up world into three's y-up world. */
  readonly root = new Group();
  private readonly geoms: GeomInstances[] = [];
  private readonly lanes: Matrix4[] = [];
  readonly bodyCount: number;
  /** Distance between neighbouring robots in the grid (m). */
  readonly spacing: number;

  constructor(
    readonly robot: RobotInfo,
    readonly count: number,
  ) {
    this.root.rotation.x = -Math.PI / 2;
    this.bodyCount = robot.bodies.length;
    const hopper = robot.name === 'hopper';
    this.spacing = hopper ? 1.2 : 0.6;
    const columns = Math.ceil(Math.sqrt(count));
    for (let i = 0; i < count; i++) {
      // Hoppers travel along +x, so their lanes are spread along y only; Reachers sit in a square grid.
      const column = hopper ? 0 : i % columns;
      const row = hopper ? i : Math.floor(i / columns);
      const x = (column - (columns - 1) / 2) * this.spacing * (hopper ? 0 : 1);
      const y = (row - ((hopper ? count : Math.ceil(count / columns)) - 1) / 2) * this.spacing;
      this.lanes.push(new Matrix4().makeTranslation(x, y, 0));
    }
    for (const [bodyIndex, body] of robot.bodies.entries()) {
      for (const geom of body.geoms) {
        const [r, g, b, a] = geom.rgba;
        const material = new MeshStandardMaterial({ color: new Color(r, g, b), roughness: 0.55, metalness: 0.1, transparent: a < 1, opacity: a });
        const mesh = new InstancedMesh(geometryFor(geom), material, count);
        mesh.instanceMatrix.setUsage(DynamicDrawUsage);
        mesh.castShadow = true;
        mesh.receiveShadow = true;
        mesh.frustumCulled = false;
        const local = new Matrix4().compose(new Vector3(...geom.pos), new Quaternion(...geom.quat), new Vector3(1, 1, 1));
        this.geoms.push({ mesh, bodyIndex, local });
        this.root.add(mesh);
      }
    }
  }

  /** Copies poses[offset + (robot * bodyCount + body) * 7 ...] into the instance matrices. */
  update(poses: Float32Array, offset = 0): void {
    for (const geom of this.geoms) {
      for (let robot = 0; robot < this.count; robot++) {
        const base = offset + (robot * this.bodyCount + geom.bodyIndex) * POSE_STRIDE;
        bodyPosition.set(poses[base], poses[base + 1], poses[base + 2]);
        bodyRotation.set(poses[base + 3], poses[base + 4], poses[base + 5], poses[base + 6]);
        if (bodyRotation.lengthSq() === 0) bodyRotation.identity();
        bodyMatrix.compose(bodyPosition, bodyRotation, ONE);
        laneOffset.copy(this.lanes[robot]);
        instanceMatrix.multiplyMatrices(laneOffset, bodyMatrix).multiply(geom.local);
        geom.mesh.setMatrixAt(robot, instanceMatrix);
      }
      geom.mesh.instanceMatrix.needsUpdate = true;
    }
  }

  /** World position (three's frame) of a robot's body, for the follow camera. */
  bodyWorldPosition(poses: Float32Array, robot: number, body: number, out: Vector3): Vector3 {
    const base = (robot * this.bodyCount + body) * POSE_STRIDE;
    out.set(poses[base], poses[base + 1], poses[base + 2]).applyMatrix4(this.lanes[robot]);
    return this.root.localToWorld(out);
  }

  get meshes(): readonly InstancedMesh[] {
    return this.geoms.map((geom) => geom.mesh);
  }

  dispose(): void {
    for (const geom of this.geoms) {
      geom.mesh.geometry.dispose();
      (geom.mesh.material as MeshStandardMaterial).dispose();
      geom.mesh.dispose();
    }
    this.root.removeFromParent();
  }
}
