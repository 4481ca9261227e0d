import type { StepResult } from '../env.ts';
import {
  checkState,
  clipAction,
  finishRestore,
  isAbsurd,
  packLiveState,
  type EnvSnapshot,
  type RestorePass,
  type SharedPhysics,
  type StagedEnv,
} from '../env-common.ts';
import type { EnginePhysics } from '../engines/engine.ts';
import { Rng } from '../rng.ts';
import type { Task } from './task.ts';

/**
 * A Gymnasium v5 environment from a task and an engine running the robot's model. Actions are in [-1, 1] and map
 * linearly onto each actuator's ctrlrange (the identity for ctrlrange [-1, 1], as every locomotion robot has);
 * the task sees the controls. A physics blow-up (a non-finite or absurd state) ends the episode with
 * info.physicsBlowUp instead of propagating NaN into a batch. Snapshots carry the engine's extra state
 * (EnginePhysics.writeStateExtra) after packSnapshot's fields, so a restored env continues bit for bit.
 */
export class TaskEnv implements StagedEnv {
  readonly observationSize: number;
  readonly actionSize: number;
  readonly dt: number;
  readonly bodyCount: number;
  private rng: Rng;
  private readonly action: Float64Array;
  private readonly ctrl: Float64Array;
  private readonly obs: Float32Array;
  private readonly memo = new Float64Array(8);
  private readonly terms: Record<string, number> = {};
  /** Per actuator: ctrl = offset + scale * action. */
  private readonly ctrlOffset: Float64Array;
  private readonly ctrlScale: Float64Array;

  constructor(
    readonly robot: string,
    private readonly task: Task,
    readonly physics: EnginePhysics,
    seed: number,
  ) {
    const { model } = physics;
    if (physics.frameSkip !== task.frameSkip) throw new Error(`${robot}: engine frame skip ${physics.frameSkip}, task ${task.frameSkip}`);
    this.observationSize = task.observationSize;
    this.actionSize = model.nu;
    this.dt = model.option.timestep * task.frameSkip;
    this.bodyCount = model.bodies.length - 1;
    this.action = new Float64Array(model.nu);
    this.ctrl = new Float64Array(model.nu);
    this.obs = new Float32Array(task.observationSize);
    this.ctrlOffset = Float64Array.from(model.actuators, (a) => (a.ctrlLimited ? (a.ctrlRange[0] + a.ctrlRange[1]) / 2 : 0));
    this.ctrlScale = Float64Array.from(model.actuators, (a) => (a.ctrlLimited ? (a.ctrlRange[1] - a.ctrlRange[0]) / 2 : 1));
    for (const name of task.rewardTerms) this.terms[name] = 0;
    this.rng = new Rng(seed);
    this.reset(seed);
  }

  /** The engine's shared world (Rapier: many robots stepped together), or null when advance() steps it alone. */
  get scene(): SharedPhysics | null {
    return this.physics.scene;
  }

  reset(seed?: number): Float32Array {
    if (seed !== undefined) this.rng = new Rng(seed);
    const { model } = this.physics;
    const qpos = Float64Array.from(model.qpos0);
    const qvel = new Float64Array(model.nv);
    this.task.reset(this.rng, qpos, qvel);
    this.physics.setState(qpos, qvel);
    return this.observe();
  }

  step(action: ArrayLike<number>): StepResult {
    this.stage(action);
    this.physics.advance();
    return this.finish();
  }

  stage(action: ArrayLike<number>): void {
    const a = clipAction(this.robot, action, this.action);
    for (let i = 0; i < a.length; i++) this.ctrl[i] = this.ctrlOffset[i] + this.ctrlScale[i] * a[i];
    this.task.beforeStep(this.physics, this.memo);
    this.physics.stage(this.ctrl);
  }

  finish(): StepResult {
    const { qpos, qvel } = this.physics;
    const terms = this.terms;
    if (this.physics.diverged || isAbsurd(qpos) || isAbsurd(qvel)) {
      for (const name of this.task.rewardTerms) terms[name] = 0;
      return { obs: this.obs.slice(), reward: 0, terminated: true, truncated: false, info: { terms: { ...terms }, physicsBlowUp: true } };
    }
    const terminated = this.task.afterStep(this.physics, this.memo, this.ctrl, this.dt, terms);
    let reward = 0;
    for (const name of this.task.rewardTerms) reward += terms[name];
    return { obs: this.observe(), reward, terminated, truncated: false, info: { terms: { ...terms } } };
  }

  private observe(): Float32Array {
    this.task.observe(this.physics, this.obs);
    return this.obs.slice();
  }

  getState(): { qpos: Float64Array; qvel: Float64Array } {
    return { qpos: this.physics.qpos.slice(), qvel: this.physics.qvel.slice() };
  }

  setState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): void {
    checkState(this.robot, qpos, qvel, this.physics.qpos.length, this.physics.qvel.length);
    this.physics.setState(qpos, qvel);
  }

  snapshot(): EnvSnapshot {
    const extra = new Float64Array(this.physics.stateExtraSize);
    this.physics.writeStateExtra(extra, 0);
    const { qpos, qvel, scene } = this.physics;
    const state = { qpos: [...qpos], qvel: [...qvel], rng: this.rng.getState(), elapsedSteps: 0, extra: [...extra] };
    return scene ? { ...state, scenes: new Map([[scene.id, scene.takeSnapshot()]]) } : state;
  }

  restore(snapshot: EnvSnapshot, pass?: RestorePass): void {
    const extra = snapshot.extra ?? [];
    if (extra.length !== this.physics.stateExtraSize)
      throw new Error(`${this.robot}: snapshot has ${extra.length} extra state values, the engine needs ${this.physics.stateExtraSize}`);
    checkState(this.robot, snapshot.qpos, snapshot.qvel, this.physics.qpos.length, this.physics.qvel.length);
    const own: RestorePass = pass ?? new Map();
    this.physics.restoreState(snapshot.qpos, snapshot.qvel, extra, snapshot.scenes, own);
    if (!pass) finishRestore(own);
    this.rng = Rng.fromState(snapshot.rng);
  }

  packState(out: Float64Array, offset: number): void {
    const { qpos, qvel } = this.physics;
    packLiveState(out, offset, 0, qpos, qvel, this.rng);
    this.physics.writeStateExtra(out, offset + 1 + qpos.length + qvel.length + 5);
  }

  writePoses(out: Float32Array, offset: number): void {
    this.physics.writePoses(out, offset);
  }

  dispose(): void {
    this.physics.dispose();
  }
}
