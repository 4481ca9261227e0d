import { HopperContacts, type ChainKinematics } from './hopper-contacts.ts';
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

export class HopperDynamics implements ChainKinematics {
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
  private readonly contacts: HopperContacts;
  private readonly limit: SoftConstraintCoefficients;
  /** MuJoCo's dof_invweight0 and body_invweight0 (translation), computed at qpos0 as mj_setConst does. */
  private readonly dofInvWeight0 = new Float64Array(NV);
  readonly bodyInvWeight0 = new Float64Array(NB);

  // Kinematics of the current evaluation point.
  readonly pitch = new Float64Array(NB);
  readonly cos = new Float64Array(NB);
  readonly sin = new Float64Array(NB);
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
    if (description.bodies.length !== NB) throw new Error(`hopper: expected ${NB} bodies`);
    this.limit = softConstraintCoefficients(description.limits, description.timestep);
    this.contacts = new HopperContacts(description);
    this.gear = new Float64Array(NB - 1);
    description.bodies.forEach((body, b) => {
      const props = bodyMassProperties(body, description.density);
      this.mass[b] = props.mass;
      // Inertia about y through the com: the capsules' y axis is always a principal "across" axis.
      this.inertia[b] = props.principalInertia[0];
      this.comX[b] = props.com[0];
      this.comZ[b] = props.com[2];
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
      this.bodyPointInto(b, this.comX[b], this.comZ[b]);
      this.pointJacobian(b, this.pointX, this.pointZ, this.jx, this.jz);
      let translation = 0;
      for (const row of [this.jx, this.jz]) {
        x.set(row);
        choleskySolve(l, NV, x);
        for (let k = 0; k < NV; k++) translation += row[k] * x[k];
      }
      this.bodyInvWeight0[b] = translation / 3; // y translation contributes 0 to the mean of three
    }
  }

  /** World (x, z) of a point given in body b's frame, at the current kinematics, into pointX, pointZ. */
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
  pointJacobian(b: number, px: number, pz: number, jx: Float64Array, jz: Float64Array, offset = 0): void {
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
    this.contactCount = this.contacts.build(this, v, rows);
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
