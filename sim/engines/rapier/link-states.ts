import type { World } from '@dimforge/rapier3d-simd-compat';
import type { Rapier } from '../../rapier.ts';

type RawRigidBodySet = World['bodies']['raw'];

/**
 * A robot's links as its Rapier bodies hold them, in double precision for the conversions (coordinates.ts): per
 * link its translation (x, y, z, the lane's offset taken off y), rotation (x, y, z, w), centre-of-mass velocity and
 * angular velocity. Read and written through the raw body set by handle: no JS object per body and step.
 */
export class LinkStates {
  readonly t: Float64Array;
  readonly r: Float64Array;
  readonly v: Float64Array;
  readonly w: Float64Array;
  private readonly scratch = new Float32Array(4);

  constructor(links: number) {
    this.t = new Float64Array(3 * links);
    this.r = new Float64Array(4 * links);
    this.v = new Float64Array(3 * links);
    this.w = new Float64Array(3 * links);
  }

  /** Rotations and angular velocities: what the joint motors need before every world step. */
  readRotations(bodies: RawRigidBodySet, links: readonly number[]): void {
    const { scratch, r, w } = this;
    for (let i = 0; i < links.length; i++) {
      bodies.rbRotation(links[i], scratch);
      r[4 * i] = scratch[0];
      r[4 * i + 1] = scratch[1];
      r[4 * i + 2] = scratch[2];
      r[4 * i + 3] = scratch[3];
      bodies.rbAngvel(links[i], scratch);
      w[3 * i] = scratch[0];
      w[3 * i + 1] = scratch[1];
      w[3 * i + 2] = scratch[2];
    }
  }

  /** Translations (in the robot's lane: laneY off y) and centre-of-mass velocities. */
  readTranslations(bodies: RawRigidBodySet, links: readonly number[], laneY: number): void {
    const { scratch, t, v } = this;
    for (let i = 0; i < links.length; i++) {
      bodies.rbTranslation(links[i], scratch);
      t[3 * i] = scratch[0];
      t[3 * i + 1] = scratch[1] - laneY;
      t[3 * i + 2] = scratch[2];
      bodies.rbLinvel(links[i], scratch);
      v[3 * i] = scratch[0];
      v[3 * i + 1] = scratch[1];
      v[3 * i + 2] = scratch[2];
    }
  }

  /** Sets the bodies to these states (to their single precision), in the lane at laneY. */
  write(RAPIER: Rapier, bodies: RawRigidBodySet, links: readonly number[], laneY: number): void {
    const { t, r, v, w } = this;
    for (let i = 0; i < links.length; i++) {
      const h = links[i];
      bodies.rbSetTranslation(h, t[3 * i], t[3 * i + 1] + laneY, t[3 * i + 2], true);
      bodies.rbSetRotation(h, r[4 * i], r[4 * i + 1], r[4 * i + 2], r[4 * i + 3], true);
      const lin = RAPIER.VectorOps.intoRaw({ x: v[3 * i], y: v[3 * i + 1], z: v[3 * i + 2] });
      const ang = RAPIER.VectorOps.intoRaw({ x: w[3 * i], y: w[3 * i + 1], z: w[3 * i + 2] });
      bodies.rbSetLinvel(h, lin, true);
      bodies.rbSetAngvel(h, ang, true);
      lin.free();
      ang.free();
    }
  }
}
