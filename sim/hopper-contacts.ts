import type { ConstraintRows } from './planar-solver.ts';
import type { RobotDescription } from './robot-description.ts';
import { impedance, softConstraintCoefficients, type SoftConstraintCoefficients } from './soft-constraint.ts';

/**
 * The Hopper's contacts as MuJoCo 2.2 makes them for hopper.xml: each capsule against the floor (both end spheres
 * within the margin, MuJoCo's mjc_PlaneCapsule) with the floor's condim 3 and the larger friction, and the three
 * body pairs that are not parent and child (capsule-capsule, frictionless: both geoms have condim 1). Each contact
 * becomes soft-constraint rows (solref/solimp/margin as the XML mixes them) for the solver.
 */

const NV = 6;
/** MuJoCo's mjMINVAL. */
const MIN_VALUE = 1e-15;

/** What the contacts need from the chain's current kinematics. */
export interface ChainKinematics {
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  readonly originX: Float64Array;
  readonly originZ: Float64Array;
  /** MuJoCo's body_invweight0 (translation), the scale of a contact's softness. */
  readonly bodyInvWeight0: Float64Array;
  /** Jacobian rows (x and z velocity) of world point (px, pz) fixed on body b. */
  pointJacobian(b: number, px: number, pz: number, jx: Float64Array, jz: Float64Array): void;
}

interface Capsule {
  /** Centre and unit axis in the body frame (x, z). */
  readonly cx: number;
  readonly cz: number;
  readonly ax: number;
  readonly az: number;
  readonly halfLength: number;
  readonly radius: number;
  /** Sliding friction of a contact with the floor: the larger of the geom's and the floor's. */
  readonly floorFriction: number;
}

/** Contact candidates MuJoCo checks: every geom against the floor, and body pairs that are not parent-child. */
const SELF_PAIRS: readonly (readonly [number, number])[] = [
  [0, 2],
  [0, 3],
  [1, 3],
];

export class HopperContacts {
  private readonly capsules: Capsule[] = [];
  private readonly contact: SoftConstraintCoefficients;
  private readonly contactImpedance: number;
  private readonly jx = new Float64Array(NV);
  private readonly jz = new Float64Array(NV);
  private readonly jx2 = new Float64Array(NV);
  private readonly jz2 = new Float64Array(NV);
  // The call in progress (build() sets them; the helpers below read them).
  private chain!: ChainKinematics;
  private v!: Float64Array;
  private rows!: ConstraintRows;
  private count = 0;
  private pointX = 0;
  private pointZ = 0;

  constructor(description: RobotDescription) {
    const contact = description.contact;
    if (!contact) throw new Error('hopper: description lacks contact parameters');
    this.contact = softConstraintCoefficients(contact, description.timestep);
    this.contactImpedance = impedance(this.contact, 0);
    for (const body of description.bodies) {
      const geom = body.geoms[0];
      if (geom.shape !== 'capsule') throw new Error(`hopper: geom ${geom.name} must be a capsule`);
      const axis = rotateByQuat(geom.quat, [0, 0, 1]);
      this.capsules.push({
        cx: geom.pos[0],
        cz: geom.pos[2],
        ax: axis[0],
        az: axis[2],
        halfLength: geom.size[1],
        radius: geom.size[0],
        floorFriction: Math.max(geom.friction ?? 1, contact.floorFriction),
      });
    }
  }

  /** Appends the rows of every contact at the chain's current pose to `rows`; returns the number of contacts. */
  build(chain: ChainKinematics, v: Float64Array, rows: ConstraintRows): number {
    this.chain = chain;
    this.v = v;
    this.rows = rows;
    this.count = 0;
    const NB = this.capsules.length;
    // Capsules against the floor (plane z = 0, normal +z): MuJoCo tests both end spheres.
    for (let b = 0; b < NB; b++) {
      const cap = this.capsules[b];
      this.point(b, cap.cx, cap.cz);
      const cx = this.pointX;
      const cz = this.pointZ;
      const axisX = cap.ax * chain.cos[b] + cap.az * chain.sin[b];
      const axisZ = -cap.ax * chain.sin[b] + cap.az * chain.cos[b];
      for (let end = 1; end >= -1; end -= 2) {
        const ex = cx + end * cap.halfLength * axisX;
        const ez = cz + end * cap.halfLength * axisZ;
        const dist = ez - cap.radius;
        if (dist > this.contact.margin) continue;
        this.addContact(b, -1, ex, ez - cap.radius - dist / 2, 0, 1, dist, cap.floorFriction);
      }
    }
    for (let pair = 0; pair < SELF_PAIRS.length; pair++) this.capsuleCapsule(SELF_PAIRS[pair][0], SELF_PAIRS[pair][1]);
    return this.count;
  }

  /** World (x, z) of a point in body b's frame into pointX, pointZ. */
  private point(b: number, x: number, z: number): void {
    const { cos, sin, originX, originZ } = this.chain;
    this.pointX = originX[b] + x * cos[b] + z * sin[b];
    this.pointZ = originZ[b] - x * sin[b] + z * cos[b];
  }

  /**
   * One contact at world point (px, pz) with normal (nx, nz) from body b1 (-1: the floor) to body b2. With
   * friction (the floor's condim 3) it is MuJoCo's pyramid: rows n + mu t, n - mu t (t the in-plane tangent) and
   * n, n (the out-of-plane tangent, which no planar dof can move), all with R = 2 mu^2 R_normal. Without
   * (friction 0: two robot geoms, condim 1 each) it is one frictionless row.
   */
  private addContact(b2: number, b1: number, px: number, pz: number, nx: number, nz: number, dist: number, friction: number): void {
    const { jx, jz, jx2, jz2, rows, chain, v } = this;
    const c = this.contact;
    this.count++;
    chain.pointJacobian(b2, px, pz, jx, jz);
    let tran = chain.bodyInvWeight0[b2];
    if (b1 >= 0) {
      chain.pointJacobian(b1, px, pz, jx2, jz2);
      for (let i = 0; i < NV; i++) {
        jx[i] -= jx2[i];
        jz[i] -= jz2[i];
      }
      tran += chain.bodyInvWeight0[b1];
    }
    const imp = this.contactImpedance;
    const mu = friction;
    const frictionless = mu === 0;
    const r0 = Math.max(MIN_VALUE, ((1 - imp) / imp) * tran * (1 + mu * mu));
    const d = frictionless ? 1 / r0 : 1 / (2 * mu * mu * r0);
    const tx = nz;
    const tz = -nx;
    const bias = -c.k * imp * (dist - c.margin);
    // The two edges along the out-of-plane tangent are the same row twice: one row with twice the D.
    for (let e = 0; e < (frictionless ? 1 : 3); e++) {
      const scale = frictionless || e === 2 ? 0 : e === 0 ? mu : -mu;
      let vel = 0;
      const row = rows.add(0, e === 2 ? 2 * d : d);
      if (row < 0) return;
      const base = row * NV;
      for (let i = 0; i < NV; i++) {
        const value = nx * jx[i] + nz * jz[i] + scale * (tx * jx[i] + tz * jz[i]);
        rows.jacobian[base + i] = value;
        vel += value * v[i];
      }
      rows.aref[row] = -c.b * vel + bias;
    }
  }

  /** MuJoCo's capsule-capsule test (nearest points of the segments, then sphere-sphere). */
  private capsuleCapsule(b1: number, b2: number): void {
    const c1 = this.capsules[b1];
    const c2 = this.capsules[b2];
    this.point(b1, c1.cx, c1.cz);
    const p1x = this.pointX;
    const p1z = this.pointZ;
    this.point(b2, c2.cx, c2.cz);
    const p2x = this.pointX;
    const p2z = this.pointZ;
    const a1x = (c1.ax * this.chain.cos[b1] + c1.az * this.chain.sin[b1]) * c1.halfLength;
    const a1z = (-c1.ax * this.chain.sin[b1] + c1.az * this.chain.cos[b1]) * c1.halfLength;
    const a2x = (c2.ax * this.chain.cos[b2] + c2.az * this.chain.sin[b2]) * c2.halfLength;
    const a2z = (-c2.ax * this.chain.sin[b2] + c2.az * this.chain.cos[b2]) * c2.halfLength;
    const margin = this.contact.margin;
    // Cheap reject: bounding circles.
    const reach = c1.halfLength + c1.radius + c2.halfLength + c2.radius + margin;
    const dx = p1x - p2x;
    const dz = p1z - p2z;
    if (dx * dx + dz * dz > reach * reach) return;
    const ma = a1x * a1x + a1z * a1z;
    const mb = -(a1x * a2x + a1z * a2z);
    const mc = a2x * a2x + a2z * a2z;
    const uu = -(a1x * dx + a1z * dz);
    const vv = a2x * dx + a2z * dz;
    const det = ma * mc - mb * mb;
    // Segment points p + a x for x in [-1, 1]; both geoms have condim 1: frictionless contacts.
    const r1 = c1.radius;
    const r2 = c2.radius;
    if (Math.abs(det) >= MIN_VALUE) {
      let x1 = (mc * uu - mb * vv) / det;
      let x2 = (ma * vv - mb * uu) / det;
      if (x1 > 1) {
        x1 = 1;
        x2 = (vv - mb) / mc;
      } else if (x1 < -1) {
        x1 = -1;
        x2 = (vv + mb) / mc;
      }
      if (x2 > 1) {
        x2 = 1;
        x1 = clampUnit((uu - mb) / ma);
      } else if (x2 < -1) {
        x2 = -1;
        x1 = clampUnit((uu + mb) / ma);
      }
      this.sphereSphere(b1, b2, p1x + a1x * x1, p1z + a1z * x1, r1, p2x + a2x * x2, p2z + a2z * x2, r2, 0);
      return;
    }
    // Parallel axes: up to two contacts from the segment ends.
    let x2 = clampUnit((vv - mb) / mc);
    let n = this.sphereSphere(b1, b2, p1x + a1x, p1z + a1z, r1, p2x + a2x * x2, p2z + a2z * x2, r2, 0);
    x2 = clampUnit((vv + mb) / mc);
    n += this.sphereSphere(b1, b2, p1x - a1x, p1z - a1z, r1, p2x + a2x * x2, p2z + a2z * x2, r2, 0);
    if (n >= 2) return;
    let x1 = clampUnit((uu - mb) / ma);
    n += this.sphereSphere(b1, b2, p1x + a1x * x1, p1z + a1z * x1, r1, p2x + a2x, p2z + a2z, r2, 0);
    if (n >= 2) return;
    x1 = clampUnit((uu + mb) / ma);
    this.sphereSphere(b1, b2, p1x + a1x * x1, p1z + a1z * x1, r1, p2x - a2x, p2z - a2z, r2, 0);
  }

  private sphereSphere(b1: number, b2: number, x1: number, z1: number, r1: number, x2: number, z2: number, r2: number, friction: number): number {
    const dx = x2 - x1;
    const dz = z2 - z1;
    const centres = Math.hypot(dx, dz);
    if (centres > this.contact.margin + r1 + r2) return 0;
    const dist = centres - r1 - r2;
    // Coincident centres cannot happen for these non-adjacent links in the plane; fall back to +x.
    const nx = centres > MIN_VALUE ? dx / centres : 1;
    const nz = centres > MIN_VALUE ? dz / centres : 0;
    const px = x1 + nx * (r1 + dist / 2);
    const pz = z1 + nz * (r1 + dist / 2);
    this.addContact(b2, b1, px, pz, nx, nz, dist, friction);
    return 1;
  }
}

function clampUnit(x: number): number {
  return x > 1 ? 1 : x < -1 ? -1 : x;
}

/** Rotates vector v by quaternion [x, y, z, w]. */
function rotateByQuat(quat: readonly number[], v: readonly [number, number, number]): [number, number, number] {
  const [x, y, z, w] = quat;
  const [vx, vy, vz] = v;
  // t = 2 q_vec x v; v' = v + w t + q_vec x t
  const tx = 2 * (y * vz - z * vy);
  const ty = 2 * (z * vx - x * vz);
  const tz = 2 * (x * vy - y * vx);
  return [vx + w * tx + (y * tz - z * ty), vy + w * ty + (z * tx - x * tz), vz + w * tz + (x * ty - y * tx)];
}
