import description from '../assets/robots/reacher.json' with { type: 'json' };
import type { StepResult } from './env.ts';
import { clipAction, isAbsurd, sumOfSquares, type StagedEnv, type StagedPhysics } from './env-common.ts';
import { ReacherDynamics } from './reacher-dynamics.ts';
import type { RobotDescription } from './robot-description.ts';
import { PhysicsTaskEnv } from './physics-env.ts';
import { Rng } from './rng.ts';

export const reacherDescription = description as unknown as RobotDescription;

/** Gymnasium Reacher-v5 task constants (reacher_v5.py). */
export const REACHER = {
  observationSize: 10,
  actionSize: 2,
  rewardDistWeight: 1,
  rewardControlWeight: 1,
  resetNoise: 0.1,
  velocityNoise: 0.005,
  goalRadius: 0.2,
} as const;

/** Bodies whose poses the Reacher publishes, in pose-board order. */
export const REACHER_BODIES = ['body0', 'body1', 'fingertip', 'target'] as const;

/** What the Reacher task needs from a physics backend (qpos = [joint0, joint1, target_x, target_y]). */
export interface ReacherPhysics extends StagedPhysics {
  /** Fingertip position (x, y) in the world. */
  fingertip(): [number, number];
}

/** The default backend: the arm's joint-space dynamics (ReacherDynamics, MuJoCo's equations) in TypeScript. */
export class JointSpaceReacherPhysics implements ReacherPhysics {
  readonly qpos = new Float64Array(4);
  readonly qvel = new Float64Array(4);
  readonly scene = null;
  private readonly dynamics = new ReacherDynamics(reacherDescription);
  private readonly bodyZ = reacherDescription.bodies[0].pos[2];
  private u: Float64Array = new Float64Array(2);

  /** The target's velocity is always 0 (no force acts on its slides). */
  setState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): void {
    this.qpos.set(qpos);
    this.qvel.set([qvel[0], qvel[1], 0, 0]);
  }

  stage(u: Float64Array): void {
    this.u = u;
  }

  advance(): void {
    for (let k = 0; k < reacherDescription.frameSkip; k++) this.dynamics.step(this.qpos, this.qvel, this.u[0], this.u[1]);
  }

  fingertip(): [number, number] {
    const { length0, length1 } = this.dynamics;
    const a = this.qpos[0];
    const b = a + this.qpos[1];
    return [length0 * Math.cos(a) + length1 * Math.cos(b), length0 * Math.sin(a) + length1 * Math.sin(b)];
  }

  /** Body frames as MuJoCo's xpos/xquat: the arm turns about z; the target does not turn. */
  writePoses(out: Float32Array, offset: number): void {
    const { length0 } = this.dynamics;
    const a = this.qpos[0];
    const b = a + this.qpos[1];
    const [tipX, tipY] = this.fingertip();
    writePlanarFrame(out, offset, 0, 0, this.bodyZ, a);
    writePlanarFrame(out, offset + 7, length0 * Math.cos(a), length0 * Math.sin(a), this.bodyZ, b);
    writePlanarFrame(out, offset + 14, tipX, tipY, this.bodyZ, b);
    writePlanarFrame(out, offset + 21, this.qpos[2], this.qpos[3], this.bodyZ, 0);
  }

  dispose(): void {}
}

/** Writes a frame at (x, y, z) turned by `angle` about z (x, y, z, qx, qy, qz, qw). */
export function writePlanarFrame(out: Float32Array, o: number, x: number, y: number, z: number, angle: number): void {
  out[o] = x;
  out[o + 1] = y;
  out[o + 2] = z;
  out[o + 3] = 0;
  out[o + 4] = 0;
  out[o + 5] = Math.sin(angle / 2);
  out[o + 6] = Math.cos(angle / 2);
}

/**
 * Reacher-v5: Gymnasium's task (observation, reward terms, reset noise) over a physics backend, by default the
 * joint-space model. Generalised coordinates as MuJoCo's: qpos = [joint0, joint1, target_x, target_y], qvel
 * likewise.
 */
export class ReacherEnv extends PhysicsTaskEnv<ReacherPhysics> implements StagedEnv {
  readonly robot = 'reacher';
  readonly observationSize = REACHER.observationSize;
  readonly actionSize = REACHER.actionSize;
  readonly dt: number;
  readonly bodyCount = REACHER_BODIES.length;
  private readonly action = new Float64Array(2);
  private readonly obs = new Float32Array(REACHER.observationSize);
  private readonly qpos = new Float64Array(4);
  private readonly qvel = new Float64Array(4);

  constructor(seed = 0, physics: ReacherPhysics = new JointSpaceReacherPhysics()) {
    super(physics, seed);
    this.dt = reacherDescription.timestep * reacherDescription.frameSkip;
    this.reset(seed);
  }

  reset(seed?: number): Float32Array {
    if (seed !== undefined) this.rng = new Rng(seed);
    const { rng, qpos, qvel } = this;
    const { resetNoise, velocityNoise, goalRadius } = REACHER;
    for (let i = 0; i < 2; i++) qpos[i] = rng.uniformRange(-resetNoise, resetNoise);
    let x: number;
    let y: number;
    do {
      x = rng.uniformRange(-goalRadius, goalRadius);
      y = rng.uniformRange(-goalRadius, goalRadius);
    } while (Math.hypot(x, y) >= goalRadius);
    qpos[2] = x;
    qpos[3] = y;
    for (let i = 0; i < 2; i++) qvel[i] = rng.uniformRange(-velocityNoise, velocityNoise);
    qvel[2] = 0;
    qvel[3] = 0;
    this.physics.setState(qpos, qvel);
    return this.observe();
  }

  step(action: ArrayLike<number>): StepResult {
    this.stage(action);
    this.physics.advance();
    return this.finish();
  }

  stage(action: ArrayLike<number>): void {
    this.physics.stage(clipAction(this.robot, action, this.action));
  }

  finish(): StepResult {
    const { qpos, qvel } = this.physics;
    if (isAbsurd(qpos) || isAbsurd(qvel)) {
      // Keep the last finite observation; the episode ends here.
      return {
        obs: this.obs.slice(),
        reward: 0,
        terminated: true,
        truncated: false,
        info: { terms: { distance: 0, control: 0 }, physicsBlowUp: true },
      };
    }
    const obs = this.observe();
    const distance = -Math.hypot(obs[8], obs[9]) * REACHER.rewardDistWeight;
    const control = -sumOfSquares(this.action) * REACHER.rewardControlWeight;
    return { obs, reward: distance + control, terminated: false, truncated: false, info: { terms: { distance, control } } };
  }

  /** Fingertip position (x, y) in the world: the end of the two links. */
  fingertip(): [number, number] {
    return this.physics.fingertip();
  }

  private observe(): Float32Array {
    const { qpos, qvel } = this.physics;
    const obs = this.obs;
    const [tipX, tipY] = this.fingertip();
    obs[0] = Math.cos(qpos[0]);
    obs[1] = Math.cos(qpos[1]);
    obs[2] = Math.sin(qpos[0]);
    obs[3] = Math.sin(qpos[1]);
    obs[4] = qpos[2];
    obs[5] = qpos[3];
    obs[6] = qvel[0];
    obs[7] = qvel[1];
    obs[8] = tipX - qpos[2];
    obs[9] = tipY - qpos[3];
    return obs.slice();
  }
}
