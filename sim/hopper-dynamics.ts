import { ConstraintRows, ConstraintSolver, DualConstraintSolver, cholesky, choleskySolve } from './planar-solver.ts';
import { bodyMassProperties, type RobotDescription } from './robot-description.ts';
import { impedance, softConstraintCoefficients, type SoftConstraintCoefficients } from './soft-constraint.ts';

/**
 * The Hopper's dynamics in MuJoCo's generalised coordinates (rootx, rootz, rooty, thigh, leg, foot), computed the
 * way MuJoCo 2.2 computes them for hopper.xml: the planar chain's mass matrix with the joints' armature on its
 * diagonal, Coriolis and gravity, joint damping and gear, MuJoCo's soft joint limits and soft frictional contacts
 * (capsule-plane and capsule-capsule, pyramidal cone, solref/solimp/margin as the XML mixes them), solved as
 * MuJoCo's Newton solver does, and integrated with RK4 with the constraints recomputed at every stage.
 *
 * Planar conventions: a body's pitch phi is its rotation about +y, which maps body-frame (x, z) to
 * (x cos phi + z sin phi, -x sin phi + z cos phi). The hinges' axis is -y, so a child's pitch is its parent's
 * minus the joint angle.
 */

const NV = 6;
/** RK4: where stages 2-4 evaluate, as fractions of the step. */
const RK4_STAGE = [0.5, 0.5, 1];
const NB = 4;
const GRAVITY = 9.81;
/** MuJoCo's mjMINVAL. */
const MIN_VALUE = 1e-15;

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

export class HopperDynamics {
  readonly timestep: number;
  readonly gear: Float64Array;
  private readonly mass = new Float64Array(NB);
  private readonly inertia = new Float64Array(NB);
  private readonly comX = new Float64Array(NB);
  private readonly comZ = new Float64Array(NB);
  /** Joint anchor of body b (b >= 1) in its parent's frame and in its own frame. */
  private readonly anchorParentX = new Float64Array(NB);
  private readonly anchorParentZ = new Float64Array(NB);
  private readonly anchorChildX = new Float64Array(NB);
  private readonly anchorChildZ = new Float64Array(NB);
  private readonly armature = new Float64Array(NV);
  private readonly damping = new Float64Array(NV);
  private readonly rangeLow = new Float64Array(NV).fill(-Infinity);
  private readonly rangeHigh = new Float64Array(NV).fill(Infinity);
  private readonly capsules: Capsule[] = [];
  private readonly limit: SoftConstraintCoefficients;
  private readonly contact: SoftConstraintCoefficients;
  private readonly contactImpedance: number;
  private readonly floorFriction: number;
  /** MuJoCo's dof_invweight0 and body_invweight0 (translation), computed at qpos0 as mj_setConst does. */
  private readonly dofInvWeight0 = new Float64Array(NV);
  private readonly bodyInvWeight0 = new Float64Array(NB);

  // Kinematics of the current evaluation point.
  readonly pitch = new Float64Array(NB);
  private readonly cos = new Float64Array(NB);
  private readonly sin = new Float64Array(NB);
  readonly originX = new Float64Array(NB);
  readonly originZ = new Float64Array(NB);
  /** Reference point of each body: the root's origin, else its joint anchor. */
  private readonly refX = new Float64Array(NB);
  private readonly refZ = new Float64Array(NB);
  private readonly omega = new Float64Array(NB);
  // Dynamics scratch.
  private readonly m = new Float64Array(NV * NV);
  private readonly factor = new Float64Array(NV * NV);
  private readonly a0 = new Float64Array(NV);
  private readonly jx = new Float64Array(NV);
  private readonly jz = new Float64Array(NV);
  private readonly jx2 = new Float64Array(NV);
  private readonly jz2 = new Float64Array(NV);
  /** Per body: com in the world and its Jacobian rows (x, z), filled by massMatrix(). */
  private readonly comWorldX = new Float64Array(NB);
  private readonly comWorldZ = new Float64Array(NB);
  private readonly comJx = new Float64Array(NB * NV);
  private readonly comJz = new Float64Array(NB * NV);
  /** World point scratch (bodyPointInto). */
  private pointX = 0;
  private pointZ = 0;
  private readonly rows = new ConstraintRows(NV, 64);
  private readonly solver = new ConstraintSolver(NV, 64);
  private readonly dual = new DualConstraintSolver(NV, 64);
  /** Contacts found at the last evaluation (for the fidelity report and tests). */
  contactCount = 0;
  // RK4 scratch.
  private readonly stageQ = new Float64Array(NV);
  private readonly stageV = new Float64Array(NV);
  private readonly kq = new Float64Array(4 * NV);
  private readonly kv = new Float64Array(4 * NV);
  private readonly acc = new Float64Array(NV);

  constructor(description: RobotDescription) {
    this.timestep = description.timestep;
    const contact = description.contact;
    if (!contact) throw new Error('hopper: description lacks contact parameters');
    if (description.bodies.length !== NB) throw new Error(`hopper: expected ${NB} bodies`);
    this.floorFriction = contact.floorFriction;
    this.limit = softConstraintCoefficients(description.limits, description.timestep);
    this.contact = softConstraintCoefficients(contact, description.timestep);
    this.contactImpedance = impedance(this.contact, 0);
    this.gear = new Float64Array(NB - 1);
    description.bodies.forEach((body, b) => {
      const props = bodyMassProperties(body, description.density);
      this.mass[b] = props.mass;
      // Inertia about y through the com: the capsules' y axis is always a principal "across" axis.
      this.inertia[b] = props.principalInertia[0];
      this.comX[b] = props.com[0];
      this.comZ[b] = props.com[2];
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
        floorFriction: Math.max(geom.friction ?? 1, this.floorFriction),
      });
      if (b === 0) return;
      const joint = body.joints[0];
      if (joint.type !== 'hinge' || joint.axis[1] !== -1) throw new Error(`hopper: joint ${joint.name} must be a hinge about -y`);
      if (body.parent !== description.bodies[b - 1].name) throw new Error('hopper: bodies must form a chain in order');
      this.anchorParentX[b] = body.pos[0] + joint.pos[0];
      this.anchorParentZ[b] = body.pos[2] + joint.pos[2];
      this.anchorChildX[b] = joint.pos[0];
      this.anchorChildZ[b] = joint.pos[2];
      this.armature[2 + b] = joint.armature;
      this.damping[2 + b] = joint.damping;
      if (joint.range) [this.rangeLow[2 + b], this.rangeHigh[2 + b]] = joint.range;
      const actuator = description.actuators.find((a) => a.joint === joint.name);
      if (!actuator) throw new Error(`hopper: no actuator on ${joint.name}`);
      this.gear[b - 1] = actuator.gear;
    });
    const root = description.bodies[0];
    for (const joint of root.joints) {
      const dof = joint.name === 'rootx' ? 0 : joint.name === 'rootz' ? 1 : 2;
      this.armature[dof] = joint.armature;
      this.damping[dof] = joint.damping;
    }
    this.computeInvWeights(root.pos[2]);
  }

  /** MuJoCo's mj_setConst: dof_invweight0 = diag(M^-1), body_invweight0 = mean diagonal of J M^-1 J' at qpos0. */
  private computeInvWeights(rootHeight: number): void {
    const q = new Float64Array([0, rootHeight, 0, 0, 0, 0]);
    this.kinematics(q, new Float64Array(NV));
    this.massMatrix();
    const l = this.factor;
    l.set(this.m);
    if (!cholesky(l, NV)) throw new Error('hopper: mass matrix not positive definite');
    const x = new Float64Array(NV);
    for (let j = 0; j < NV; j++) {
      x.fill(0);
      x[j] = 1;
      choleskySolve(l, NV, x);
      this.dofInvWeight0[j] = x[j];
    }
    for (let b = 0; b < NB; b++) {
      const [px, pz] = this.bodyPoint(b, this.comX[b], this.comZ[b]);
      this.pointJacobian(b, px, pz, this.jx, this.jz);
      let translation = 0;
      for (const row of [this.jx, this.jz]) {
        x.set(row);
        choleskySolve(l, NV, x);
        for (let k = 0; k < NV; k++) translation += row[k] * x[k];
      }
      this.bodyInvWeight0[b] = translation / 3; // y translation contributes 0 to the mean of three
    }
  }

  /** World (x, z) of a point given in body b's frame, at the current kinematics. */
  bodyPoint(b: number, x: number, z: number): [number, number] {
    this.bodyPointInto(b, x, z);
    return [this.pointX, this.pointZ];
  }

  /** bodyPoint without allocating: the result lands in pointX, pointZ. */
  private bodyPointInto(b: number, x: number, z: number): void {
    const c = this.cos[b];
    const s = this.sin[b];
    this.pointX = this.originX[b] + x * c + z * s;
    this.pointZ = this.originZ[b] - x * s + z * c;
  }

  /** Pitch, origin and angular velocity of every body. */
  kinematics(q: ArrayLike<number>, v: ArrayLike<number>): void {
    const { pitch, cos, sin, originX, originZ, refX, refZ, omega } = this;
    pitch[0] = q[2];
    omega[0] = v[2];
    originX[0] = q[0];
    originZ[0] = q[1];
    cos[0] = Math.cos(q[2]);
    sin[0] = Math.sin(q[2]);
    refX[0] = originX[0];
    refZ[0] = originZ[0];
    for (let b = 1; b < NB; b++) {
      const p = b - 1;
      pitch[b] = pitch[p] - q[2 + b];
      omega[b] = omega[p] - v[2 + b];
      const c = Math.cos(pitch[b]);
      const s = Math.sin(pitch[b]);
      cos[b] = c;
      sin[b] = s;
      const ax = this.anchorParentX[b];
      const az = this.anchorParentZ[b];
      const wx = originX[p] + ax * cos[p] + az * sin[p];
      const wz = originZ[p] - ax * sin[p] + az * cos[p];
      refX[b] = wx;
      refZ[b] = wz;
      const cx = this.anchorChildX[b];
      const cz = this.anchorChildZ[b];
      originX[b] = wx - (cx * c + cz * s);
      originZ[b] = wz - (-cx * s + cz * c);
    }
  }

  /** Jacobian rows (x and z velocity) of world point (px, pz) fixed on body b. */
  private pointJacobian(b: number, px: number, pz: number, jx: Float64Array, jz: Float64Array, offset = 0): void {
    for (let i = 0; i < NV; i++) {
      jx[offset + i] = 0;
      jz[offset + i] = 0;
    }
    if (offset !== 0) {
      this.pointJacobianAt(b, px, pz, jx, jz, offset);
      return;
    }
    jx[0] = 1;
    jz[1] = 1;
    // rooty (axis +y) about the root origin: y x r = (r_z, -r_x).
    jx[2] = pz - this.refZ[0];
    jz[2] = -(px - this.refX[0]);
    // hinges (axis -y) about their anchors.
    for (let k = 1; k <= b; k++) {
      jx[2 + k] = -(pz - this.refZ[k]);
      jz[2 + k] = px - this.refX[k];
    }
  }

  private pointJacobianAt(b: number, px: number, pz: number, jx: Float64Array, jz: Float64Array, o: number): void {
    jx[o] = 1;
    jz[o + 1] = 1;
    jx[o + 2] = pz - this.refZ[0];
    jz[o + 2] = -(px - this.refX[0]);
    for (let k = 1; k <= b; k++) {
      jx[o + 2 + k] = -(pz - this.refZ[k]);
      jz[o + 2 + k] = px - this.refX[k];
    }
  }

  /** Mass matrix (armature included) into m; also leaves each body's com and com Jacobian in comWorld/comJ. */
  private massMatrix(): void {
    const { m, comJx, comJz, refX, refZ } = this;
    m.fill(0);
    for (let b = 0; b < NB; b++) {
      this.bodyPointInto(b, this.comX[b], this.comZ[b]);
      const px = this.pointX;
      const pz = this.pointZ;
      this.comWorldX[b] = px;
      this.comWorldZ[b] = pz;
      const o = b * NV;
      // Jacobian of the com: slides, rooty (+y, about the root origin), hinges (-y, about their anchors).
      comJx[o] = 1;
      comJz[o] = 0;
      comJx[o + 1] = 0;
      comJz[o + 1] = 1;
      comJx[o + 2] = pz - refZ[0];
      comJz[o + 2] = refX[0] - px;
      for (let k = 1; k < NB; k++) {
        comJx[o + 2 + k] = k <= b ? refZ[k] - pz : 0;
        comJz[o + 2 + k] = k <= b ? px - refX[k] : 0;
      }
      const mass = this.mass[b];
      const inertia = this.inertia[b];
      const last = 2 + b; // dofs beyond it do not move body b
      for (let i = 0; i <= last; i++) {
        // angular Jacobian: +1 for rooty, -1 for each hinge up to b
        const wi = i < 2 ? 0 : i === 2 ? inertia : -inertia;
        const xi = mass * comJx[o + i];
        const zi = mass * comJz[o + i];
        const row = i * NV;
        for (let k = 0; k <= i; k++) {
          const wk = k < 2 ? 0 : k === 2 ? 1 : -1;
          m[row + k] += xi * comJx[o + k] + zi * comJz[o + k] + wi * wk;
        }
      }
    }
    for (let i = 0; i < NV; i++) {
      m[i * NV + i] += this.armature[i];
      for (let k = 0; k < i; k++) m[k * NV + i] = m[i * NV + k];
    }
  }

  /**
   * qacc for state (q, v) and clipped controls u: unconstrained dynamics, then limits and contacts.
   * Returns the acceleration in `out`.
   */
  forward(q: Float64Array, v: Float64Array, u: Float64Array, out: Float64Array): void {
    this.kinematics(q, v);
    this.massMatrix();
    const { a0, omega, refX, refZ } = this;
    // Generalised force: gear u - damping v - bias (Coriolis and gravity).
    for (let i = 0; i < NV; i++) a0[i] = -this.damping[i] * v[i];
    for (let b = 1; b < NB; b++) a0[2 + b] += this.gear[b - 1] * u[b - 1];
    // Velocity-product acceleration of each body's reference point, then of its com.
    const { comJx, comJz, comWorldX, comWorldZ } = this;
    let accX = 0;
    let accZ = 0;
    for (let b = 0; b < NB; b++) {
      if (b > 0) {
        const w = omega[b - 1];
        accX -= w * w * (refX[b] - refX[b - 1]);
        accZ -= w * w * (refZ[b] - refZ[b - 1]);
      }
      const w = omega[b];
      const ax = accX - w * w * (comWorldX[b] - refX[b]);
      const az = accZ - w * w * (comWorldZ[b] - refZ[b]) + GRAVITY;
      const mass = this.mass[b];
      const o = b * NV;
      for (let i = 0; i <= 2 + b; i++) a0[i] -= mass * (comJx[o + i] * ax + comJz[o + i] * az);
    }
    const l = this.factor;
    l.set(this.m);
    cholesky(l, NV);
    choleskySolve(l, NV, a0);
    out.set(a0);
    this.buildConstraints(q, v);
    if (!this.dual.solve(l, a0, this.rows, out)) {
      out.set(a0);
      this.solver.solve(this.m, a0, this.rows, out);
    }
  }

  private buildConstraints(q: Float64Array, v: Float64Array): void {
    const rows = this.rows;
    rows.count = 0;
    // Joint limits (MuJoCo: dist = side * (range - q), Jacobian -side on the dof).
    const lim = this.limit;
    for (let j = 3; j < NV; j++) {
      for (let side = -1; side <= 1; side += 2) {
        const dist = side < 0 ? q[j] - this.rangeLow[j] : this.rangeHigh[j] - q[j];
        if (!(dist < lim.margin)) continue;
        const jac = -side;
        const imp = impedance(lim, dist - lim.margin);
        const r = Math.max(MIN_VALUE, ((1 - imp) / imp) * this.dofInvWeight0[j]);
        const row = rows.add(-lim.b * jac * v[j] - lim.k * imp * (dist - lim.margin), 1 / r);
        if (row >= 0) rows.jacobian[row * NV + j] = jac;
      }
    }
    this.contactCount = 0;
    // Capsules against the floor (plane z = 0, normal +z): MuJoCo tests both end spheres.
    for (let b = 0; b < NB; b++) {
      const cap = this.capsules[b];
      this.bodyPointInto(b, cap.cx, cap.cz);
      const cx = this.pointX;
      const cz = this.pointZ;
      const axisX = cap.ax * this.cos[b] + cap.az * this.sin[b];
      const axisZ = -cap.ax * this.sin[b] + cap.az * this.cos[b];
      for (let end = 1; end >= -1; end -= 2) {
        const ex = cx + end * cap.halfLength * axisX;
        const ez = cz + end * cap.halfLength * axisZ;
        const dist = ez - cap.radius;
        if (dist > this.contact.margin) continue;
        this.addContact(b, -1, ex, ez - cap.radius - dist / 2, 0, 1, dist, cap.floorFriction, v);
      }
    }
    for (let pair = 0; pair < SELF_PAIRS.length; pair++) this.capsuleCapsule(SELF_PAIRS[pair][0], SELF_PAIRS[pair][1], v);
  }

  /**
   * One contact at world point (px, pz) with normal (nx, nz) from body b1 (-1: the floor) to body b2. With
   * friction (the floor's condim 3) it is MuJoCo's pyramid: rows n + mu t, n - mu t (t the in-plane tangent) and
   * n, n (the out-of-plane tangent, which no planar dof can move), all with R = 2 mu^2 R_normal. Without
   * (friction 0: two robot geoms, condim 1 each) it is one frictionless row.
   */
  private addContact(b2: number, b1: number, px: number, pz: number, nx: number, nz: number, dist: number, friction: number, v: Float64Array): void {
    const { jx, jz, jx2, jz2, rows } = this;
    const c = this.contact;
    this.contactCount++;
    this.pointJacobian(b2, px, pz, jx, jz);
    let tran = this.bodyInvWeight0[b2];
    if (b1 >= 0) {
      this.pointJacobian(b1, px, pz, jx2, jz2);
      for (let i = 0; i < NV; i++) {
        jx[i] -= jx2[i];
        jz[i] -= jz2[i];
      }
      tran += this.bodyInvWeight0[b1];
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
  private capsuleCapsule(b1: number, b2: number, v: Float64Array): void {
    const c1 = this.capsules[b1];
    const c2 = this.capsules[b2];
    this.bodyPointInto(b1, c1.cx, c1.cz);
    const p1x = this.pointX;
    const p1z = this.pointZ;
    this.bodyPointInto(b2, c2.cx, c2.cz);
    const p2x = this.pointX;
    const p2z = this.pointZ;
    const a1x = (c1.ax * this.cos[b1] + c1.az * this.sin[b1]) * c1.halfLength;
    const a1z = (-c1.ax * this.sin[b1] + c1.az * this.cos[b1]) * c1.halfLength;
    const a2x = (c2.ax * this.cos[b2] + c2.az * this.sin[b2]) * c2.halfLength;
    const a2z = (-c2.ax * this.sin[b2] + c2.az * this.cos[b2]) * c2.halfLength;
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
      this.sphereSphere(b1, b2, p1x + a1x * x1, p1z + a1z * x1, r1, p2x + a2x * x2, p2z + a2z * x2, r2, 0, v);
      return;
    }
    // Parallel axes: up to two contacts from the segment ends.
    let x2 = clampUnit((vv - mb) / mc);
    let n = this.sphereSphere(b1, b2, p1x + a1x, p1z + a1z, r1, p2x + a2x * x2, p2z + a2z * x2, r2, 0, v);
    x2 = clampUnit((vv + mb) / mc);
    n += this.sphereSphere(b1, b2, p1x - a1x, p1z - a1z, r1, p2x + a2x * x2, p2z + a2z * x2, r2, 0, v);
    if (n >= 2) return;
    let x1 = clampUnit((uu - mb) / ma);
    n += this.sphereSphere(b1, b2, p1x + a1x * x1, p1z + a1z * x1, r1, p2x + a2x, p2z + a2z, r2, 0, v);
    if (n >= 2) return;
    x1 = clampUnit((uu + mb) / ma);
    this.sphereSphere(b1, b2, p1x + a1x * x1, p1z + a1z * x1, r1, p2x - a2x, p2z - a2z, r2, 0, v);
  }

  private sphereSphere(b1: number, b2: number, x1: number, z1: number, r1: number, x2: number, z2: number, r2: number, friction: number, v: Float64Array): number {
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
    this.addContact(b2, b1, px, pz, nx, nz, dist, friction, v);
    return 1;
  }

  /** One physics step (RK4, MuJoCo's tableau) of (q, v) in place, with controls already clipped. */
  step(q: Float64Array, v: Float64Array, u: Float64Array): void {
    const h = this.timestep;
    const { stageQ, stageV, kq, kv, acc } = this;
    stageQ.set(q);
    stageV.set(v);
    for (let s = 0; s < 4; s++) {
      this.forward(stageQ, stageV, u, acc);
      for (let i = 0; i < NV; i++) {
        kq[s * NV + i] = stageV[i];
        kv[s * NV + i] = acc[i];
      }
      if (s < 3) {
        const w = RK4_STAGE[s] * h;
        for (let i = 0; i < NV; i++) {
          stageQ[i] = q[i] + w * kq[s * NV + i];
          stageV[i] = v[i] + w * kv[s * NV + i];
        }
      }
    }
    for (let i = 0; i < NV; i++) {
      q[i] += (h / 6) * (kq[i] + 2 * kq[NV + i] + 2 * kq[2 * NV + i] + kq[3 * NV + i]);
      v[i] += (h / 6) * (kv[i] + 2 * kv[NV + i] + 2 * kv[2 * NV + i] + kv[3 * NV + i]);
    }
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
