import { writeBodyPoses, type EngineOptions, type EnginePhysics } from '../engine.ts';
import type { RobotModel } from '../../model/types.ts';
import type { MjDataHandle, MjModelHandle, MujocoModule } from './module.ts';

/** MuJoCo's mjtWarning indices of a bad qpos, qvel and qacc (mjWARN_BADQPOS, BADQVEL, BADQACC). */
const BAD_STATE_WARNINGS = [4, 5, 6];

/**
 * How many times MuJoCo found a bad state in `data` since its last reset. Each read of `data.warning` copies the
 * whole counter vector into a new wasm object, and each get() copies one counter: all are deleted here, or the
 * wasm memory grows with every call until it runs out.
 */
function badStateWarnings(data: MjDataHandle): number {
  const warnings = data.warning;
  let count = 0;
  try {
    for (const index of BAD_STATE_WARNINGS) {
      const stat = warnings.get(index);
      if (stat === undefined) continue;
      count += stat.number;
      stat.delete();
    }
  } finally {
    warnings.delete();
  }
  return count;
}

/** The MjData arrays we touch, as views renewed when the wasm memory grows (module.ts). */
interface Views {
  qpos: Float64Array;
  qvel: Float64Array;
  ctrl: Float64Array;
  warmstart: Float64Array;
  xpos: Float64Array;
  xquat: Float64Array;
  siteXpos: Float64Array;
  cfrcExt: Float64Array;
  qfrcConstraint: Float64Array;
}

/**
 * One robot in MuJoCo: its own MjData over the thread's shared MjModel, stepped alone (scene null). An
 * environment step writes the controls, runs frameSkip mj_step calls (the integrator the model names), then, if
 * asked, mj_rnePostConstraint for cfrc_ext (as Gymnasium does after every step), and copies the state out.
 * xpos/xquat are what MuJoCo holds after mj_step (computed inside the step, as Gymnasium's tasks read them).
 */
export class MujocoPhysics implements EnginePhysics {
  readonly scene = null;
  readonly qpos: Float64Array;
  readonly qvel: Float64Array;
  readonly xpos: Float64Array;
  readonly xquat: Float64Array;
  readonly siteXpos: Float64Array;
  readonly cfrcExt: Float64Array;
  readonly qfrcConstraint: Float64Array;
  readonly stateExtraSize: number;
  readonly frameSkip: number;
  private readonly contactForces: boolean;
  private readonly constraintForces: boolean;
  private readonly data: MjDataHandle;
  private views: Views;
  private ctrl: Float64Array;
  private ncon = 0;
  /** Whether MuJoCo reset a diverged state during the last advance(). */
  diverged = false;
  private disposed = false;

  constructor(
    private readonly mujoco: MujocoModule,
    private readonly handle: MjModelHandle,
    readonly model: RobotModel,
    options: EngineOptions,
  ) {
    const { nq, nv, nu, bodies, sites } = model;
    if (handle.nq !== nq || handle.nv !== nv || handle.nu !== nu || handle.nbody !== bodies.length || handle.nsite !== sites.length) {
      throw new Error(
        `mujoco: MuJoCo compiled ${model.name} to nq ${handle.nq}, nv ${handle.nv}, nu ${handle.nu}, ${handle.nbody} bodies, ${handle.nsite} sites; ours has ${nq}, ${nv}, ${nu}, ${bodies.length}, ${sites.length}`,
      );
    }
    if (!(Number.isInteger(options.frameSkip) && options.frameSkip >= 1))
      throw new Error(`mujoco: frameSkip must be a positive integer, got ${options.frameSkip}`);
    this.frameSkip = options.frameSkip;
    this.contactForces = options.contactForces ?? false;
    this.constraintForces = options.constraintForces ?? false;
    this.data = new mujoco.MjData(handle);
    this.views = this.renewViews();
    this.qpos = new Float64Array(nq);
    this.qvel = new Float64Array(nv);
    this.xpos = new Float64Array(bodies.length * 3);
    this.xquat = new Float64Array(bodies.length * 4);
    this.siteXpos = new Float64Array(sites.length * 3);
    this.cfrcExt = new Float64Array(bodies.length * 6);
    this.qfrcConstraint = new Float64Array(nv);
    this.stateExtraSize = nv + 7 * bodies.length;
    this.ctrl = new Float64Array(nu);
    this.setState(model.qpos0, new Float64Array(nv));
  }

  get contactCount(): number {
    return this.ncon;
  }

  private renewViews(): Views {
    const d = this.data;
    return {
      qpos: d.qpos,
      qvel: d.qvel,
      ctrl: d.ctrl,
      warmstart: d.qacc_warmstart,
      xpos: d.xpos,
      xquat: d.xquat,
      siteXpos: d.site_xpos,
      cfrcExt: d.cfrc_ext,
      qfrcConstraint: d.qfrc_constraint,
    };
  }

  /** The views, renewed if the wasm memory grew since (a grown memory detaches every old view). */
  private live(): Views {
    if (this.views.qpos.length === 0 && this.qpos.length > 0) this.views = this.renewViews();
    return this.views;
  }

  /** The state exactly (qpos, qvel), everything else as after a reset (MuJoCo's mj_resetData), kinematics computed. */
  setState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): void {
    this.checkAlive();
    this.mujoco.mj_resetData(this.handle, this.data);
    this.diverged = false;
    const v = this.live();
    v.qpos.set(qpos);
    v.qvel.set(qvel);
    this.mujoco.mj_forward(this.handle, this.data);
    if (this.contactForces) this.mujoco.mj_rnePostConstraint(this.handle, this.data);
    this.copyOut(this.live());
  }

  stage(ctrl: Float64Array): void {
    this.ctrl = ctrl;
  }

  advance(): void {
    this.checkAlive();
    const { mujoco, handle, data } = this;
    this.live().ctrl.set(this.ctrl);
    const timeBefore = data.time;
    for (let k = 0; k < this.frameSkip; k++) mujoco.mj_step(handle, data);
    // mj_step checks qpos, qvel and qacc; a NaN, an infinity or a value beyond 1e10 makes it reset the whole state
    // (mj_resetData, which also zeroes the clock and the counters) and carry on from qpos0, counting a warning. A
    // clock that did not advance by frameSkip steps is the sign, but from a clock at zero (after setState) a reset
    // in the first step leaves no trace on it: there, and only there, the counters (costly to read) decide alone.
    const clockFell = data.time < timeBefore + (this.frameSkip - 0.5) * this.model.option.timestep;
    this.diverged = (timeBefore === 0 || clockFell) && badStateWarnings(data) > 0;
    if (this.contactForces) mujoco.mj_rnePostConstraint(handle, data);
    this.copyOut(this.live());
  }

  private copyOut(v: Views): void {
    this.qpos.set(v.qpos);
    this.qvel.set(v.qvel);
    this.xpos.set(v.xpos);
    this.xquat.set(v.xquat);
    this.siteXpos.set(v.siteXpos);
    if (this.contactForces) this.cfrcExt.set(v.cfrcExt);
    if (this.constraintForces) this.qfrcConstraint.set(v.qfrcConstraint);
    this.ncon = this.data.ncon;
  }

  /**
   * The extra state: qacc_warmstart (the solver starts from it) and the body frames as the last step left them
   * (tasks read xpos before a step, as Gymnasium's Ant does, and those frames come from inside that step, not from
   * qpos; setState alone would recompute them).
   */
  writeStateExtra(out: Float64Array, offset: number): void {
    const warmstart = this.live().warmstart;
    out.set(warmstart, offset);
    out.set(this.xpos, offset + warmstart.length);
    out.set(this.xquat, offset + warmstart.length + this.xpos.length);
  }

  /** qpos and qvel as setState sets them, then the extra state (writeStateExtra) over what that recomputed. */
  restoreState(qpos: ArrayLike<number>, qvel: ArrayLike<number>, values: ArrayLike<number>): void {
    this.setState(qpos, qvel);
    const warmstart = this.live().warmstart;
    let o = 0;
    for (let i = 0; i < warmstart.length; i++) warmstart[i] = values[o++];
    for (let i = 0; i < this.xpos.length; i++) this.xpos[i] = values[o++];
    for (let i = 0; i < this.xquat.length; i++) this.xquat[i] = values[o++];
  }

  writePoses(out: Float32Array, offset: number): void {
    writeBodyPoses(this.xpos, this.xquat, out, offset);
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('mujoco: this robot was disposed');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.data.delete();
  }
}
