import type { SnapshotEnv } from './env-common.ts';
import { loadModel } from './model/index.ts';
import { forwardKinematics } from './model/kinematics.ts';
import type { RobotModel } from './model/types.ts';
import { createEnv, defaultPhysics, robotInfo, robotNames, type PhysicsName } from './registry.ts';
import { Rng } from './rng.ts';
import { bodyId, type FidelityTip } from './tasks/task.ts';

/**
 * Replays a MuJoCo trajectory file (the files in tests/fixtures/sim/, docs/FINDINGS.md: model, qpos0/qvel0, and per step the action
 * held for frame_skip physics steps with the resulting qpos, qvel, body positions xpos and contact count) through
 * our robot on a physics, and measures how far ours ends up from MuJoCo's:
 * - teacher-forced (tf_*): every step starts from MuJoCo's previous state, so each error is one step's alone;
 *   per step, the largest error over the robot's hinge joints (angles in rad, rates in rad/s); p50, p95 and max
 *   over all steps, and p95 over the steps with and without contacts (MuJoCo's ncon after the step) apart;
 * - open-loop (ol_angle_k): started from qpos0/qvel0 and left to run, the largest hinge angle error after k steps;
 * - robots whose task names a tip (TaskSpec.fidelityTip): its distance to MuJoCo's, open-loop, mean over the steps
 *   before the task's joint first reaches its limit (tip_free_mean_m) and over all steps (tip_mean_m).
 */
export interface Trajectory {
  readonly model: string;
  readonly timestep: number;
  readonly frame_skip: number;
  readonly joints: readonly string[];
  readonly qpos0: readonly number[];
  readonly qvel0: readonly number[];
  readonly steps: readonly {
    readonly action: readonly number[];
    readonly qpos: readonly number[];
    readonly qvel: readonly number[];
    readonly xpos: Readonly<Record<string, readonly number[]>>;
    readonly ncon: number;
  }[];
}

export interface Fidelity {
  readonly robot: string;
  readonly physics: PhysicsName;
  readonly file: string;
  readonly steps: number;
  readonly contact_steps: number;
  readonly tf_angle_p50_rad: number;
  readonly tf_angle_p95_rad: number;
  readonly tf_angle_max_rad: number;
  readonly tf_rate_p50_rad_s: number;
  readonly tf_rate_p95_rad_s: number;
  readonly tf_rate_max_rad_s: number;
  /** p95 over contact steps and over contact-free steps (null when there are none). */
  readonly tf_angle_p95_contact_rad: number | null;
  readonly tf_angle_p95_free_rad: number | null;
  readonly tf_rate_p95_contact_rad_s: number | null;
  readonly tf_rate_p95_free_rad_s: number | null;
  readonly ol_angle_1: number;
  readonly ol_angle_5: number;
  readonly ol_angle_25: number;
  /** Only for robots whose task names a tip. */
  readonly free_steps?: number;
  readonly tip_free_mean_m?: number;
  readonly tip_mean_m?: number;
}

/** The robot whose model file the trajectory was recorded from. */
function robotOf(trajectory: Trajectory): string {
  const robot = robotNames.find((name) => robotInfo(name).modelFile === trajectory.model);
  if (robot === undefined) throw new Error(`trajectory of unknown model '${trajectory.model}'`);
  return robot;
}

/** Checks the parts of a parsed file we rely on, so a wrong file fails with a message, not a NaN. */
export function parseTrajectory(text: string, file: string): Trajectory {
  const data = JSON.parse(text) as Partial<Trajectory>;
  const ok =
    typeof data.model === 'string' && Array.isArray(data.qpos0) && Array.isArray(data.qvel0) && Array.isArray(data.steps) && data.steps.length > 0;
  if (!ok) throw new Error(`${file}: not a MuJoCo trajectory file (needs model, qpos0, qvel0 and steps)`);
  return data as Trajectory;
}

/** The largest |ours - theirs| over the given indices. */
function maxError(ours: ArrayLike<number>, theirs: readonly number[], indices: readonly number[]): number {
  let worst = 0;
  for (const i of indices) worst = Math.max(worst, Math.abs(ours[i] - theirs[i]));
  return worst;
}

function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

export async function measureFidelity(trajectory: Trajectory, file: string, options: { readonly physics?: PhysicsName } = {}): Promise<Fidelity> {
  const robot = robotOf(trajectory);
  const info = robotInfo(robot);
  if (trajectory.frame_skip !== info.frameSkip || Math.abs(trajectory.timestep - info.timestep) > 1e-12) {
    throw new Error(
      `${file}: recorded with timestep ${trajectory.timestep} x ${trajectory.frame_skip}, ${robot} steps ${info.timestep} x ${info.frameSkip}`,
    );
  }
  const model = loadModel(info.modelFile);
  const hinges = model.joints.filter((joint) => joint.type === 'hinge');
  const angles = hinges.map((joint) => joint.qposAddress);
  const rates = hinges.map((joint) => joint.dofAddress);
  const env = await createEnv(robot, { maxEpisodeSteps: 0, physics: options.physics });
  try {
    const physics = options.physics ?? defaultPhysics(robot);
    const steps = trajectory.steps;
    // Teacher-forced.
    const angleErrors: number[] = [];
    const rateErrors: number[] = [];
    let [qpos, qvel] = [trajectory.qpos0, trajectory.qvel0];
    for (const step of steps) {
      env.setState(qpos, qvel);
      env.step(step.action);
      const state = env.getState();
      angleErrors.push(maxError(state.qpos, step.qpos, angles));
      rateErrors.push(maxError(state.qvel, step.qvel, rates));
      [qpos, qvel] = [step.qpos, step.qvel];
    }
    const contact = steps.map((step) => step.ncon > 0);
    const part = (errors: number[], inContact: boolean) =>
      quantile(
        errors.filter((_, i) => contact[i] === inContact),
        0.95,
      );
    const openLoop = replayOpenLoop(env, model, trajectory, angles, info.fidelityTip);
    return {
      robot,
      physics,
      file,
      steps: steps.length,
      contact_steps: contact.filter(Boolean).length,
      tf_angle_p50_rad: quantile(angleErrors, 0.5) ?? 0,
      tf_angle_p95_rad: quantile(angleErrors, 0.95) ?? 0,
      tf_angle_max_rad: Math.max(...angleErrors),
      tf_rate_p50_rad_s: quantile(rateErrors, 0.5) ?? 0,
      tf_rate_p95_rad_s: quantile(rateErrors, 0.95) ?? 0,
      tf_rate_max_rad_s: Math.max(...rateErrors),
      tf_angle_p95_contact_rad: part(angleErrors, true),
      tf_angle_p95_free_rad: part(angleErrors, false),
      tf_rate_p95_contact_rad_s: part(rateErrors, true),
      tf_rate_p95_free_rad_s: part(rateErrors, false),
      ...openLoop,
    };
  } finally {
    env.dispose();
  }
}

/** Open loop from the recorded initial state: angle errors after 1, 5 and 25 steps; the task's tip, if it names one. */
function replayOpenLoop(env: SnapshotEnv, model: RobotModel, trajectory: Trajectory, angles: readonly number[], tipSpec: FidelityTip | null) {
  env.setState(trajectory.qpos0, trajectory.qvel0);
  const after: Record<number, number> = {};
  const xpos = new Float64Array(3 * model.bodies.length);
  const xquat = new Float64Array(4 * model.bodies.length);
  const tip = tipSpec === null ? -1 : bodyId(model, tipSpec.body);
  const limited = tipSpec === null ? undefined : model.joints.find((joint) => joint.name === tipSpec.freeUntilLimitOf);
  if (tipSpec !== null && limited === undefined) throw new Error(`${model.name}: no joint '${tipSpec.freeUntilLimitOf}'`);
  let freeSteps = trajectory.steps.findIndex((step) => limited !== undefined && Math.abs(step.qpos[limited.qposAddress]) >= limited.range[1]);
  if (freeSteps < 0) freeSteps = trajectory.steps.length;
  let tipSum = 0;
  let tipFreeSum = 0;
  trajectory.steps.forEach((step, i) => {
    env.step(step.action);
    const { qpos } = env.getState();
    after[i + 1] = maxError(qpos, step.qpos, angles);
    if (tipSpec !== null) {
      // Our tip at our state, MuJoCo's as recorded at its state (both from forward kinematics).
      forwardKinematics(model, qpos, xpos, xquat);
      const theirs = step.xpos[tipSpec.body];
      const error = Math.hypot(xpos[3 * tip] - theirs[0], xpos[3 * tip + 1] - theirs[1], xpos[3 * tip + 2] - theirs[2]);
      tipSum += error;
      if (i < freeSteps) tipFreeSum += error;
    }
  });
  const at = (k: number) => after[Math.min(k, trajectory.steps.length)];
  const base = { ol_angle_1: at(1), ol_angle_5: at(5), ol_angle_25: at(25) };
  if (tipSpec === null) return base;
  const n = trajectory.steps.length;
  return { ...base, free_steps: freeSteps, tip_free_mean_m: freeSteps > 0 ? tipFreeSum / freeSteps : 0, tip_mean_m: tipSum / n };
}

/**
 * A trajectory recorded on the MuJoCo engine (MuJoCo 3.3.8) in the reference files' format, for robots without a
 * recorded reference: from the robot's Gymnasium reset of `seed`, `steps` actions uniform in [-1, 1] (drawn from
 * seed + 1). Body positions come from forward kinematics of each step's qpos; ncon is not recorded (0), so every
 * step counts as contact-free. Replayed through measureFidelity it compares another engine with MuJoCo's own.
 */
export async function recordMujocoTrajectory(robot: string, options: { readonly seed?: number; readonly steps?: number } = {}): Promise<Trajectory> {
  const info = robotInfo(robot);
  const seed = options.seed ?? 1;
  const count = options.steps ?? 200;
  if (!(Number.isInteger(count) && count > 0)) throw new Error(`recordMujocoTrajectory: steps must be a positive integer, got ${count}`);
  const model = loadModel(info.modelFile);
  const env = await createEnv(robot, { physics: 'mujoco', seed, maxEpisodeSteps: 0 });
  try {
    const start = env.getState();
    const rng = new Rng(seed + 1);
    const xpos = new Float64Array(3 * model.bodies.length);
    const xquat = new Float64Array(4 * model.bodies.length);
    const steps: Trajectory['steps'][number][] = [];
    for (let k = 0; k < count; k++) {
      const action = Array.from({ length: model.nu }, () => rng.uniformRange(-1, 1));
      env.step(action);
      const { qpos, qvel } = env.getState();
      forwardKinematics(model, qpos, xpos, xquat);
      const bodies: Record<string, number[]> = {};
      for (const body of model.bodies) if (body.name) bodies[body.name] = Array.from(xpos.subarray(3 * body.id, 3 * body.id + 3));
      steps.push({ action, qpos: Array.from(qpos), qvel: Array.from(qvel), xpos: bodies, ncon: 0 });
    }
    return {
      model: info.modelFile,
      timestep: info.timestep,
      frame_skip: info.frameSkip,
      joints: model.joints.map((joint) => joint.name),
      qpos0: Array.from(start.qpos),
      qvel0: Array.from(start.qvel),
      steps,
    };
  } finally {
    env.dispose();
  }
}
