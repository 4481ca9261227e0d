import { BufferAttribute, BufferGeometry, DynamicDrawUsage, Mesh, MeshLambertMaterial, type Color, type Matrix4, type Raycaster } from 'three';

/** One geom's shape, already placed in its body's frame, and its colour. */
export interface MergedPart {
  readonly geometry: BufferGeometry;
  readonly bodyIndex: number;
  readonly color: Color;
}

interface PartRange {
  /** First vertex of this part within one robot's vertices. */
  readonly start: number;
  readonly positions: Float32Array;
  readonly normals: Float32Array;
}

/**
 * All robots of a grid as one mesh whose vertices are moved on the CPU every frame: the light (software
 * rendering) path. Under SwiftShader an instanced draw costs about 20 us per instance whatever its size (64
 * Reachers: 4 geoms x 64 instances, plus as many again for shadows, about 10 ms a frame), while moving 13,000
 * vertices in JavaScript and uploading them takes well under a millisecond. Colours are per vertex, so the
 * robots are one draw call and their planar shadows (the same geometry) another.
 */
export class MergedRobots {
  readonly geometry = new BufferGeometry();
  readonly mesh: Mesh<BufferGeometry, MeshLambertMaterial>;
  private readonly positions: Float32Array;
  private readonly normals: Float32Array;
  private readonly partsByBody: PartRange[][];
  readonly verticesPerRobot: number;

  constructor(
    parts: readonly MergedPart[],
    bodyCount: number,
    readonly count: number,
  ) {
    this.partsByBody = Array.from({ length: bodyCount }, () => []);
    let perRobot = 0;
    let indicesPerRobot = 0;
    for (const part of parts) {
      const position = part.geometry.getAttribute('position');
      const normal = part.geometry.getAttribute('normal');
      this.partsByBody[part.bodyIndex].push({
        start: perRobot,
        positions: Float32Array.from(position.array),
        normals: Float32Array.from(normal.array),
      });
      perRobot += position.count;
      indicesPerRobot += part.geometry.index?.count ?? position.count;
    }
    this.verticesPerRobot = perRobot;
    const vertices = perRobot * count;
    this.positions = new Float32Array(vertices * 3);
    this.normals = new Float32Array(vertices * 3);
    const colors = new Float32Array(vertices * 3);
    const index = vertices > 65535 ? new Uint32Array(indicesPerRobot * count) : new Uint16Array(indicesPerRobot * count);
    let at = 0;
    for (let robot = 0; robot < count; robot++) {
      let first = robot * perRobot;
      for (const part of parts) {
        const vertexCount = part.geometry.getAttribute('position').count;
        for (let v = 0; v < vertexCount; v++) part.color.toArray(colors, (first + v) * 3);
        const partIndex = part.geometry.index;
        if (partIndex) for (let i = 0; i < partIndex.count; i++) index[at++] = first + partIndex.getX(i);
        else for (let i = 0; i < vertexCount; i++) index[at++] = first + i;
        first += vertexCount;
      }
    }
    for (const part of parts) part.geometry.dispose();
    this.geometry.setAttribute('position', new BufferAttribute(this.positions, 3).setUsage(DynamicDrawUsage));
    this.geometry.setAttribute('normal', new BufferAttribute(this.normals, 3).setUsage(DynamicDrawUsage));
    this.geometry.setAttribute('color', new BufferAttribute(colors, 3));
    this.geometry.setIndex(new BufferAttribute(index, 1));
    this.mesh = new Mesh(this.geometry, new MeshLambertMaterial({ vertexColors: true }));
    // The bounding sphere would go stale as the robots move; the grid is in view anyway.
    this.mesh.frustumCulled = false;
  }

  /** Moves one robot's body to `matrix` (rigid: rotation and translation only). */
  setBody(robot: number, body: number, matrix: Matrix4): void {
    const e = matrix.elements;
    const positions = this.positions;
    const normals = this.normals;
    for (const part of this.partsByBody[body]) {
      const source = part.positions;
      const sourceNormals = part.normals;
      let out = (robot * this.verticesPerRobot + part.start) * 3;
      for (let i = 0; i < source.length; i += 3, out += 3) {
        const x = source[i];
        const y = source[i + 1];
        const z = source[i + 2];
        positions[out] = e[0] * x + e[4] * y + e[8] * z + e[12];
        positions[out + 1] = e[1] * x + e[5] * y + e[9] * z + e[13];
        positions[out + 2] = e[2] * x + e[6] * y + e[10] * z + e[14];
        const nx = sourceNormals[i];
        const ny = sourceNormals[i + 1];
        const nz = sourceNormals[i + 2];
        normals[out] = e[0] * nx + e[4] * ny + e[8] * nz;
        normals[out + 1] = e[1] * nx + e[5] * ny + e[9] * nz;
        normals[out + 2] = e[2] * nx + e[6] * ny + e[10] * nz;
      }
    }
  }

  /** Marks the moved vertices for upload; call after the frame's setBody calls. */
  finishFrame(): void {
    this.geometry.getAttribute('position').needsUpdate = true;
    this.geometry.getAttribute('normal').needsUpdate = true;
  }

  /** The robot under the ray, or null. */
  pick(raycaster: Raycaster): number | null {
    // Raycasting culls by the bounds first, and those moved with the robots (this runs on a click, not a frame).
    this.geometry.computeBoundingSphere();
    this.geometry.computeBoundingBox();
    const hit = raycaster.intersectObject(this.mesh, false)[0];
    return hit?.face ? Math.floor(hit.face.a / this.verticesPerRobot) : null;
  }

  dispose(): void {
    this.mesh.removeFromParent();
    this.geometry.dispose();
    this.mesh.material.dispose();
  }
}
