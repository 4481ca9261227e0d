import { quatToMat, symmetricEigen, type Mat3 } from './math.ts';
import type { GeomType, Quat, Vec3 } from './types.ts';

/** Mass properties as MuJoCo's compiler computes them from geoms (inertiafromgeom). */

/** Volume of a geom from MuJoCo's size triple (capsules and cylinders: radius, half length; boxes: half extents). */
export function geomVolume(type: GeomType, size: Vec3): number {
  const [a, b, c] = size;
  switch (type) {
    case 'sphere':
      return (4 / 3) * Math.PI * a ** 3;
    case 'capsule':
      return Math.PI * a * a * (2 * b) + (4 / 3) * Math.PI * a ** 3;
    case 'cylinder':
      return Math.PI * a * a * (2 * b);
    case 'ellipsoid':
      return (4 / 3) * Math.PI * a * b * c;
    case 'box':
      return 8 * a * b * c;
    case 'plane':
      return 0;
  }
}

/** Principal moments of inertia of a solid geom of `mass` about its centre, along its own axes. */
export function geomInertia(type: GeomType, size: Vec3, mass: number): Vec3 {
  const [a, b, c] = size;
  switch (type) {
    case 'sphere': {
      const i = 0.4 * mass * a * a;
      return [i, i, i];
    }
    case 'capsule': {
      // A cylinder of height 2b plus two hemispheres, each displaced along the axis (Steiner on the hemispheres'
      // own centres of mass, as MuJoCo's compiler does).
      const height = 2 * b;
      const sphereMass = (mass * 4 * a) / (4 * a + 3 * height);
      const cylinderMass = mass - sphereMass;
      const sphereInertia = (2 * sphereMass * a * a) / 5;
      const across = (cylinderMass * (3 * a * a + height * height)) / 12 + sphereInertia + (sphereMass * height * (3 * a + 2 * height)) / 8;
      return [across, across, (cylinderMass * a * a) / 2 + sphereInertia];
    }
    case 'cylinder': {
      const height = 2 * b;
      const across = (mass * (3 * a * a + height * height)) / 12;
      return [across, across, (mass * a * a) / 2];
    }
    case 'ellipsoid':
      return [(mass * (b * b + c * c)) / 5, (mass * (a * a + c * c)) / 5, (mass * (a * a + b * b)) / 5];
    case 'box':
      return [(mass * (b * b + c * c)) / 3, (mass * (a * a + c * c)) / 3, (mass * (a * a + b * b)) / 3];
    case 'plane':
      return [0, 0, 0];
  }
}

export interface GeomMass {
  readonly mass: number;
  readonly inertia: Vec3;
  readonly pos: Vec3;
  readonly quat: Quat;
}

export interface BodyInertial {
  readonly mass: number;
  readonly inertia: Vec3;
  readonly ipos: Vec3;
  readonly iquat: Quat;
}

/**
 * A body's inertial frame from its geoms. One geom: the geom's own frame and moments (MuJoCo copies them, in the
 * geom's axis order). Several: total mass, the centre of mass, the summed inertia tensor about it (each geom's
 * rotated tensor plus the parallel-axis term), then its principal axes with moments in decreasing order.
 */
export function bodyInertial(geoms: readonly GeomMass[]): BodyInertial {
  if (geoms.length === 0) return { mass: 0, inertia: [0, 0, 0], ipos: [0, 0, 0], iquat: [1, 0, 0, 0] };
  if (geoms.length === 1) {
    const [g] = geoms;
    return { mass: g.mass, inertia: g.inertia, ipos: g.pos, iquat: g.quat };
  }
  let mass = 0;
  const com = [0, 0, 0];
  for (const g of geoms) {
    mass += g.mass;
    for (let k = 0; k < 3; k++) com[k] += g.mass * g.pos[k];
  }
  if (!(mass > 0)) throw new Error('geoms of zero total mass');
  for (let k = 0; k < 3; k++) com[k] /= mass;
  const total: Mat3 = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (const g of geoms) {
    const r = quatToMat(g.quat);
    const d = [g.pos[0] - com[0], g.pos[1] - com[1], g.pos[2] - com[2]];
    const dd = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let rotated = 0;
        for (let k = 0; k < 3; k++) rotated += r[3 * i + k] * g.inertia[k] * r[3 * j + k];
        total[3 * i + j] += rotated + g.mass * ((i === j ? dd : 0) - d[i] * d[j]);
      }
    }
  }
  const { values, frame } = symmetricEigen(total);
  return { mass, inertia: values, ipos: [com[0], com[1], com[2]], iquat: frame };
}
