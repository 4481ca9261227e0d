import { Matrix4, Mesh, MeshBasicMaterial, NotEqualStencilFunc, ReplaceStencilOp, type BufferGeometry, type Vector3 } from 'three';

/** Height (m) the shadows float above the ground, with a polygon offset, so they never fight it for depth. */
const LIFT = 0.002;

/**
 * Matrix that flattens points onto the plane z = LIFT along `toLight` (z up, pointing from the ground to the
 * light): p' = p - ((p.z - LIFT) / l.z) * l.
 */
export function planarShadowMatrix(toLight: Vector3, out: Matrix4): Matrix4 {
  const sx = toLight.x / toLight.z;
  const sy = toLight.y / toLight.z;
  return out.set(1, 0, -sx, sx * LIFT, 0, 1, -sy, sy * LIFT, 0, 0, 0, LIFT, 0, 0, 0, 1);
}

/**
 * Planar shadows: the robots' geometry drawn a second time, flattened onto the ground along the sun and filled
 * with one translucent dark colour. They replace shadow maps under software rendering, where a shadow map costs
 * a depth pass and several lookups for every ground pixel; these cost the robots' triangles once more, and their
 * shapes still show where a foot touches the ground. The shadow shares the robots' vertex buffers, so the
 * per-frame pose update feeds both. The stencil lets each ground pixel be darkened once where the shadows of
 * several parts overlap.
 */
export class PlanarShadows {
  private readonly material = new MeshBasicMaterial({
    color: 0x000000,
    transparent: true,
    opacity: 0.28,
    // Black stays black: no tone mapping per pixel.
    toneMapped: false,
    depthWrite: false,
    polygonOffset: true,
    polygonOffsetFactor: -1,
    polygonOffsetUnits: -1,
    stencilWrite: true,
    stencilRef: 1,
    stencilFunc: NotEqualStencilFunc,
    stencilZPass: ReplaceStencilOp,
  });
  private readonly projection: Matrix4;

  /** `toLight` in the frame the casting meshes live in (z up, the ground at z = 0). */
  constructor(toLight: Vector3) {
    this.projection = planarShadowMatrix(toLight, new Matrix4());
  }

  /** The shadow of `geometry` (in the frame given to the constructor), to be added beside its mesh. */
  shadowOf(geometry: BufferGeometry): Mesh {
    const shadow = new Mesh(geometry, this.material);
    shadow.matrixAutoUpdate = false;
    shadow.matrix.copy(this.projection);
    shadow.frustumCulled = false;
    // After the robots, whose depth hides the part of a shadow under them.
    shadow.renderOrder = 1;
    return shadow;
  }

  dispose(): void {
    this.material.dispose();
  }
}
