import type { SnapshotEnv } from './env-common.ts';
import { createEnv, type CreateEnvOptions } from './registry.ts';

/**
 * Replays a MuJoCo trajectory file (the files in tests/fixtures/sim/, docs/FINDINGS.md: model, qpos0/qvel0, and per step the action
 * held for frame_skip physics steps with the resulting qpos, qvel, body positions xpos and contact count) through
 * our robot from the same initial state, and measures how far ours ends up from MuJoCo's.
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

export interface ReacherFidelity {
  readonly robot: 'reacher';
  readonly file: string;
  readonly steps_compared: number;
  /** Steps before the reference first reaches joint1's +-3 rad limit. */
  readonly free_steps: number;
  readonly mean_tip_error_free_m: number;
  readonly mean_tip_error_m: number;
  readonly max_tip_error_m: number;
  readonly max_joint_error_rad: number;
}

export interface HopperFidelity {
  readonly robot: 'hopper';
  readonly file: string;
  /** Steps of the reference episode: up to and including the one Gymnasium's health check would end it on. */
  readonly steps_compared: number;
  /** Over the torso angle and the three joints. */
  readonly max_joint_error_rad: number;
  /** Distance between our torso frame and MuJoCo's (xz). */
  readonly max_torso_error_m: number;
}

export type Fidelity = ReacherFidelity | HopperFidelity;

function robotOf(trajectory: Trajectory): 'reacher' | 'hopper' {
  if (trajectory.model.startsWith('reacher')) return 'reacher';
  if (trajectory.model.startsWith('hopper')) return 'hopper';
  throw new Error(`trajectory of unknown model '${trajectory.model}' (expected reacher.xml or hopper.xml)`);
}

/** Checks the parts of a parsed file we rely on, so a wrong file fails with a message, not a NaN. */
export function parseTrajectory(text: string, file: string): Trajectory {
  const data = JSON.parse(text) as Partial<Trajectory>;
  const ok = typeof data.model === 'string' && Array.isArray(data.qpos0) && Array.isArray(data.qvel0) && Array.isArray(data.steps) && data.steps.length > 0;
  if (!ok) throw new Error(`${file}: not a MuJoCo trajectory file (needs model, qpos0, qvel0 and steps)`);
  return data as Trajectory;
}

export async function measureFidelity(trajectory: Trajectory, file: string, options: Pick<CreateEnvOptions, 'physics'> = {}): Promise<Fidelity> {
  const robot = robotOf(trajectory);
  const env = await createEnv(robot, { maxEpisodeSteps: 0, physics: options.physics });
  try {
    env.setState(trajectory.qpos0, trajectory.qvel0);
    return robot === 'reacher' ? replayReacher(env, trajectory, file) : replayHopper(env, trajectory, file);
  } finally {
    env.dispose();
  }
}

function replayReacher(env: SnapshotEnv, trajectory: Trajectory, file: string): ReacherFidelity {
  const limit = 3;
  let freeSteps = trajectory.steps.findIndex((step) => Math.abs(step.qpos[1]) >= limit);
  if (freeSteps < 0) freeSteps = trajectory.steps.length;
  const poses = new Float32Array(env.bodyCount * 7);
  let sum = 0;
  let sumFree = 0;
  let maxTip = 0;
  let maxJoint = 0;
  trajectory.steps.forEach((step, i) => {
    env.step(step.action);
    const { qpos } = env.getState();
    // The fingertip is body 2 of the pose layout (body0, body1, fingertip, target).
    env.writePoses(poses, 0);
    const tip = step.xpos.fingertip;
    const error = Math.hypot(poses[14] - tip[0], poses[15] - tip[1]);
    sum += error;
    if (i < freeSteps) sumFree += error;
    maxTip = Math.max(maxTip, error);
    maxJoint = Math.max(maxJoint, Math.abs(qpos[0] - step.qpos[0]), Math.abs(qpos[1] - step.qpos[1]));
  });
  const n = trajectory.steps.length;
  return {
    robot: 'reacher',
    file,
    steps_compared: n,
    free_steps: freeSteps,
    mean_tip_error_free_m: freeSteps > 0 ? sumFree / freeSteps : 0,
    mean_tip_error_m: sum / n,
    max_tip_error_m: maxTip,
    max_joint_error_rad: maxJoint,
  };
}

function replayHopper(env: SnapshotEnv, trajectory: Trajectory, file: string): HopperFidelity {
  const healthy = (qpos: readonly number[], qvel: readonly number[]) =>
    qpos[1] > 0.7 && Math.abs(qpos[2]) < 0.2 && [...qpos.slice(2), ...qvel].every((value) => Math.abs(value) < 100);
  let compared = 0;
  let maxJoint = 0;
  let maxTorso = 0;
  for (const step of trajectory.steps) {
    env.step(step.action);
    const { qpos } = env.getState();
    compared++;
    for (let j = 2; j < 6; j++) maxJoint = Math.max(maxJoint, Math.abs(qpos[j] - step.qpos[j]));
    const torso = step.xpos.torso;
    maxTorso = Math.max(maxTorso, Math.hypot(qpos[0] - torso[0], qpos[1] - torso[2]));
    if (!healthy(step.qpos, step.qvel)) break;
  }
  return { robot: 'hopper', file, steps_compared: compared, max_joint_error_rad: maxJoint, max_torso_error_m: maxTorso };
}
