import type { RestorePass, StagedPhysics } from '../env-common.ts';
import type { RobotModel } from '../model/types.ts';

/**
 * What a task (sim/tasks/) reads from a physics engine running one robot of a RobotModel: the engine-independent
 * interface both engines implement (engines/mujoco, engines/rapier). Everything is in MuJoCo's layout and
 * conventions (model/types.ts): world frame z up, quaternions [w, x, y, z], ids as in the model.
 *
 * The step is staged (env-common.ts StagedPhysics): stage(ctrl) hands over the controls, then either advance()
 * steps this robot alone (scene === null) or the shared scene steps every robot in it. After a step or setState,
 * every array below describes the new state.
 */
export interface EnginePhysics extends StagedPhysics {
  readonly model: RobotModel;
  /** Environment step = frameSkip physics steps of model.option.timestep. */
  readonly frameSkip: number;
  /** Body frames in the world, nbody x 3 and nbody x 4 (MuJoCo's xpos, xquat; body 0 is the world). */
  readonly xpos: Float64Array;
  readonly xquat: Float64Array;
  /** Site positions in the world, nsite x 3 (MuJoCo's site_xpos). */
  readonly siteXpos: Float64Array;
  /**
   * External contact wrench on each body, nbody x 6 (MuJoCo's cfrc_ext: torque then force, in the frame centred at
   * the body's subtree centre of mass with world axes). Filled only when the engine was created with contactForces.
   */
  readonly cfrcExt: Float64Array;
  /**
   * The constraints' generalised force, nv entries (MuJoCo's qfrc_constraint: joint limits and contacts). Filled only
   * when the engine was created with constraintForces.
   */
  readonly qfrcConstraint: Float64Array;
  /**
   * Whether the last step diverged: MuJoCo found a bad state and reset it (its warning), or the Rapier engine's state
   * left what its bodies can hold. The environment then ends the episode as a physics blow-up (task-env.ts).
   */
  readonly diverged: boolean;
  /** Contacts active after the last step. */
  readonly contactCount: number;
  /**
   * State beyond qpos and qvel that decides the next step bit for bit (MuJoCo: qacc_warmstart, the solver's
   * starting point; Rapier: which saved world holds the robot's bodies; length stateExtraSize). Saved in snapshots
   * so that a restored robot continues exactly.
   */
  readonly stateExtraSize: number;
  writeStateExtra(out: Float64Array, offset: number): void;
  /**
   * Restores a snapshot exactly: qpos, qvel and the extra state written by writeStateExtra; `scenes` are the saved
   * shared scenes (Rapier worlds) the extra state refers to, rebuilt once per `pass`.
   */
  restoreState(
    qpos: ArrayLike<number>,
    qvel: ArrayLike<number>,
    extra: ArrayLike<number>,
    scenes: ReadonlyMap<number, Uint8Array> | undefined,
    pass: RestorePass,
  ): void;
  /**
   * Stage controls: `ctrl` is the actuators' control vector (nu entries, in the actuators' units; the engine
   * clamps it to ctrlRange where ctrlLimited), kept by reference until the step.
   */
  stage(ctrl: Float64Array): void;
}

/** Options every engine takes when it builds a robot. */
export interface EngineOptions {
  readonly frameSkip: number;
  /** Fill cfrcExt after every step (Ant's observation and contact cost); costs time, so off unless a task asks. */
  readonly contactForces?: boolean;
  /** Fill qfrcConstraint after every step (InvertedDoublePendulum's observation). */
  readonly constraintForces?: boolean;
}

/** Body frames for the pose board from MuJoCo's xpos/xquat, bodies 1.. (the world is not drawn): x, y, z, qx, qy, qz, qw. */
export function writeBodyPoses(xpos: Float64Array, xquat: Float64Array, out: Float32Array, offset: number): void {
  const nbody = xpos.length / 3;
  for (let b = 1; b < nbody; b++) {
    const o = offset + 7 * (b - 1);
    out[o] = xpos[3 * b];
    out[o + 1] = xpos[3 * b + 1];
    out[o + 2] = xpos[3 * b + 2];
    out[o + 3] = xquat[4 * b + 1];
    out[o + 4] = xquat[4 * b + 2];
    out[o + 5] = xquat[4 * b + 3];
    out[o + 6] = xquat[4 * b];
  }
}
