import type { TempContactManifold, World } from '@dimforge/rapier3d-simd-compat';
import type { RobotModel } from '../../model/types.ts';
import type { RapierLayout } from './layout.ts';
import { rotateInto } from './quat.ts';

/** Most contact points a robot's step records (beyond it, the rest are dropped from cfrc_ext). */
const MAX_CONTACTS = 128;

/** What the contact wrenches read of a robot after a world step. */
export interface ContactSource {
  world: World;
  /** The robot's own colliders, in layout order (layout.colliders on links). */
  colliders: readonly number[];
  /** Link translations, rotations and centre-of-mass velocities (lane-free world frame) after the step. */
  readonly t: Float64Array;
  readonly r: Float64Array;
  readonly v: Float64Array;
  readonly laneY: number;
}

/**
 * MuJoCo's cfrc_ext (mj_rnePostConstraint) from Rapier's contacts: per body, the wrench [torque; force] of the
 * contact forces on it over the last world step, the torque taken about the subtree centre of mass of the body's
 * root (world axes).
 *
 * The normal force of each contact point is its normal impulse over the step (Rapier's contact manifolds). Rapier's
 * JS API reads the tangent (friction) impulses as zero (this build does not report them), so the friction comes
 * from the robot's momentum balance: over one world step the links' total linear momentum changes by
 * h (M g + sum of contact forces), joint impulses cancelling in pairs, so the total friction is that change less
 * gravity and the normal forces; it is shared among the contact points in proportion to their normal impulses (the
 * Coulomb share when every point slides; an assumption otherwise). This needs a robot whose root floats freely:
 * a root held by the world (locked axes, a joint to the world) would add its constraint force to the balance.
 */
export class ContactWrenches {
  private readonly mass: Float64Array;
  private readonly totalMass: number;
  /** Per link: index of its root group (the links under one child of the world). */
  private readonly linkRoot: Int32Array;
  private readonly rootCount: number;
  /** Per body: its root group, or -1 for the world. */
  private readonly bodyRoot: Int32Array;
  /** Per own collider: the model body its geom belongs to. */
  private readonly colliderBody: Int32Array;
  private readonly momentumBefore = new Float64Array(3);
  private readonly rootCom: Float64Array;
  private readonly rootMass: Float64Array;
  /** Recorded contact points: body, position (lane-free world), normal impulse, normal force on the robot. */
  private readonly pointBody = new Int32Array(MAX_CONTACTS);
  private readonly point = new Float64Array(3 * MAX_CONTACTS);
  private readonly impulse = new Float64Array(MAX_CONTACTS);
  private readonly force = new Float64Array(3 * MAX_CONTACTS);
  private count = 0;
  private readonly scratch = new Float32Array(4);
  private readonly vec = { x: 0, y: 0, z: 0 };
  private readonly local = new Float64Array(3);
  private readonly rotated = new Float64Array(3);
  private readonly rotation = new Float64Array(4);
  private readonly com = new Float64Array(3);
  // Per-pair state for the narrow phase's callbacks (bound once: no allocation per step).
  private source: ContactSource | null = null;
  private collider = 0;
  private colliderIndex = 0;
  private inverseStep = 0;
  private readonly onPartner = (other: number) => {
    const source = this.source as ContactSource;
    source.world.narrowPhase.contactPair(this.collider, other, source.world.bodies, this.onManifold);
  };
  private readonly onManifold = (manifold: TempContactManifold, flipped: boolean) => this.record(manifold, flipped);

  constructor(
    private readonly model: RobotModel,
    private readonly layout: RapierLayout,
  ) {
    if (layout.links.some((link) => link.parent < 0 && link.root !== 'free') || layout.joints.some((plan) => plan.parentLink < 0))
      throw new Error(`${model.name}: the Rapier engine computes contact forces (cfrc_ext) only for robots whose roots float freely`);
    this.mass = Float64Array.from(layout.links, (link) => link.mass);
    this.totalMass = this.mass.reduce((sum, m) => sum + m, 0);
    const rootOf = (link: number): number => (layout.links[link].parent < 0 ? link : rootOf(layout.links[link].parent));
    const roots = [...new Set(layout.links.map((_, i) => rootOf(i)))];
    this.linkRoot = Int32Array.from(layout.links, (_, i) => roots.indexOf(rootOf(i)));
    this.rootCount = roots.length;
    this.rootCom = new Float64Array(3 * roots.length);
    this.rootMass = new Float64Array(roots.length);
    this.bodyRoot = Int32Array.from(layout.bodyFrames, (frame) => (frame.link < 0 ? -1 : this.linkRoot[frame.link]));
    this.colliderBody = Int32Array.from(
      layout.colliders.filter((plan) => plan.link >= 0),
      (plan) => model.geoms[plan.geom].body,
    );
  }

  /** Before the last world step of an environment step: the links' total momentum (their velocities `v` now). */
  beforeLastStep(v: Float64Array): void {
    const p = this.momentumBefore;
    p.fill(0);
    for (let i = 0; i < this.mass.length; i++) for (let k = 0; k < 3; k++) p[k] += this.mass[i] * v[3 * i + k];
  }

  /** cfrc_ext (nbody x 6) after the last world step, of length h. */
  compute(source: ContactSource, h: number, out: Float64Array): void {
    out.fill(0);
    this.count = 0;
    this.source = source;
    this.inverseStep = 1 / h;
    const raw = source.world.narrowPhase;
    for (let c = 0; c < source.colliders.length; c++) {
      this.collider = source.colliders[c];
      this.colliderIndex = c;
      raw.contactPairsWith(this.collider, this.onPartner);
    }
    this.source = null;
    if (this.count === 0) return;
    this.subtreeComs(source);
    // Friction: the momentum change less gravity and the normal forces, shared by normal impulse.
    const g = this.model.option.gravity;
    const friction = this.local;
    let impulses = 0;
    for (let k = 0; k < 3; k++) {
      let momentum = 0;
      for (let i = 0; i < this.mass.length; i++) momentum += this.mass[i] * source.v[3 * i + k];
      friction[k] = (momentum - this.momentumBefore[k]) / h - this.totalMass * g[k];
    }
    for (let c = 0; c < this.count; c++) {
      impulses += this.impulse[c];
      for (let k = 0; k < 3; k++) friction[k] -= this.force[3 * c + k];
    }
    for (let c = 0; c < this.count; c++) {
      const share = this.impulse[c] / impulses;
      const body = this.pointBody[c];
      const root = this.bodyRoot[body];
      const o = 6 * body;
      const fx = this.force[3 * c] + share * friction[0];
      const fy = this.force[3 * c + 1] + share * friction[1];
      const fz = this.force[3 * c + 2] + share * friction[2];
      const dx = this.point[3 * c] - this.rootCom[3 * root];
      const dy = this.point[3 * c + 1] - this.rootCom[3 * root + 1];
      const dz = this.point[3 * c + 2] - this.rootCom[3 * root + 2];
      out[o] += dy * fz - dz * fy;
      out[o + 1] += dz * fx - dx * fz;
      out[o + 2] += dx * fy - dy * fx;
      out[o + 3] += fx;
      out[o + 4] += fy;
      out[o + 5] += fz;
    }
  }

  /** Centre of mass of each root's links (MuJoCo's subtree_com of the root body). */
  private subtreeComs(source: ContactSource): void {
    this.rootCom.fill(0);
    this.rootMass.fill(0);
    for (let i = 0; i < this.mass.length; i++) {
      const com = rotateInto(this.com, source.r, 4 * i, this.layout.links[i].com, true);
      const root = this.linkRoot[i];
      const m = this.mass[i];
      for (let k = 0; k < 3; k++) this.rootCom[3 * root + k] += m * (source.t[3 * i + k] + com[k]);
      this.rootMass[root] += m;
    }
    for (let root = 0; root < this.rootCount; root++) for (let k = 0; k < 3; k++) this.rootCom[3 * root + k] /= this.rootMass[root];
  }

  /**
   * The points of one manifold between the robot's collider and another: the normal points from the manifold's
   * first shape to its second, which is the robot's collider unless `flipped`; each point is taken on the robot's
   * shape, in the lane-free world frame.
   */
  private record(manifold: TempContactManifold, flipped: boolean): void {
    const source = this.source as ContactSource;
    const sign = flipped ? 1 : -1;
    const normal = manifold.normal(this.vec);
    const nx = normal.x;
    const ny = normal.y;
    const nz = normal.z;
    const colliders = source.world.colliders.raw;
    const body = this.colliderBody[this.colliderIndex];
    for (let i = 0; i < manifold.numContacts(); i++) {
      const impulse = manifold.contactImpulse(i);
      if (!(impulse > 0) || this.count >= MAX_CONTACTS) continue;
      const p = flipped ? manifold.localContactPoint2(i, this.vec) : manifold.localContactPoint1(i, this.vec);
      if (!p) continue;
      this.local[0] = p.x;
      this.local[1] = p.y;
      this.local[2] = p.z;
      colliders.coRotation(this.collider, this.scratch);
      for (let k = 0; k < 4; k++) this.rotation[k] = this.scratch[k];
      const world = rotateInto(this.rotated, this.rotation, 0, this.local, true);
      colliders.coTranslation(this.collider, this.scratch);
      const c = this.count++;
      this.pointBody[c] = body;
      this.point[3 * c] = this.scratch[0] + world[0];
      this.point[3 * c + 1] = this.scratch[1] + world[1] - source.laneY;
      this.point[3 * c + 2] = this.scratch[2] + world[2];
      this.impulse[c] = impulse;
      const f = sign * impulse * this.inverseStep;
      this.force[3 * c] = f * nx;
      this.force[3 * c + 1] = f * ny;
      this.force[3 * c + 2] = f * nz;
    }
  }
}
