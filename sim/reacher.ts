import type { RigidBody, World } from '@dimforge/rapier3d-compat';
import description from '../assets/robots/reacher.json' with { type: 'json' };
import type { Env, StepResult } from './env.ts';
import { clipAction, isAbsurd, sumOfSquares } from './env-common.ts';
import { loadRapier } from './rapier.ts';
import { ReacherDynamics } from './reacher-dynamics.ts';
import type { RobotDescription } from './robot-description.ts';
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

/**
 * Reacher-v5. Its physics is the joint-space model of ReacherDynamics (see there); the Rapier world holds the
 * arm and target as kinematic bodies placed from the joint state after every step, for poses and queries.
 * Generalised coordinates as MuJoCo: qpos = [joint0, joint1, target_x, target_y], qvel likewise.
 */
export class ReacherEnv implements Env {
  readonly robot = 'reacher';
  readonly observationSize = REACHER.observationSize;
  readonly actionSize = REACHER.actionSize;
  readonly dt: number;
  readonly bodyCount = REACHER_BODIES.length;
  private readonly dynamics = new ReacherDynamics(reacherDescription);
  private readonly qpos = new Float64Array(4);
  private readonly qvel = new Float64Array(4);
  private readonly action = new Float64Array(2);
  private readonly obs = new Float32Array(REACHER.observationSize);
  private readonly poses = new Float64Array(7 * REACHER_BODIES.length);
  private readonly bodies: RigidBody[];
  private readonly bodyZ: number;
  private rng: Rng;

  private constructor(
    private readonly world: World,
    seed: number,
  ) {
    this.dt = reacherDescription.timestep * reacherDescription.frameSkip;
    this.rng = new Rng(seed);
    this.bodyZ = reacherDescription.bodies[0].pos[2];
    this.bodies = [];
  }

  static async create(options: { seed?: number } = {}): Promise<ReacherEnv> {
    const RAPIER = await loadRapier();
    const world = new RAPIER.World({ x: 0, y: 0, z: reacherDescription.gravity[2] });
    const env = new ReacherEnv(world, options.seed ?? 0);
    for (let i = 0; i < REACHER_BODIES.length; i++) {
      env.bodies.push(world.createRigidBody(RAPIER.RigidBodyDesc.kinematicPositionBased()));
    }
    env.reset(options.seed ?? 0);
    return env;
  }

  reset(seed?: number): Float32Array {
    if (seed !== undefined) this.rng = new Rng(seed);
    const rng = this.rng;
    const { resetNoise, velocityNoise, goalRadius } = REACHER;
    for (let i = 0; i < 2; i++) this.qpos[i] = rng.uniformRange(-resetNoise, resetNoise);
    let x: number;
    let y: number;
    do {
      x = rng.uniformRange(-goalRadius, goalRadius);
      y = rng.uniformRange(-goalRadius, goalRadius);
    } while (Math.hypot(x, y) >= goalRadius);
    this.qpos[2] = x;
    this.qpos[3] = y;
    for (let i = 0; i < 2; i++) this.qvel[i] = rng.uniformRange(-velocityNoise, velocityNoise);
    this.qvel[2] = 0;
    this.qvel[3] = 0;
    this.syncBodies();
    return this.observe();
  }

  step(action: ArrayLike<number>): StepResult {
    const u = clipAction(this.robot, action, this.action);
    for (let k = 0; k < reacherDescription.frameSkip; k++) this.dynamics.step(this.qpos, this.qvel, u[0], u[1]);
    const blowUp = isAbsurd(this.qpos) || isAbsurd(this.qvel);
    if (blowUp) {
      // Keep the last finite observation; the episode ends here.
      return { obs: this.obs.slice(), reward: 0, terminated: true, truncated: false, info: { terms: { distance: 0, control: 0 }, physicsBlowUp: true } };
    }
    this.syncBodies();
    const obs = this.observe();
    const distance = -Math.hypot(obs[8], obs[9]) * REACHER.rewardDistWeight;
    const control = -sumOfSquares(u) * REACHER.rewardControlWeight;
    return { obs, reward: distance + control, terminated: false, truncated: false, info: { terms: { distance, control } } };
  }

  /** Fingertip position (x, y) in the world: the end of the two links. */
  fingertip(): [number, number] {
    const { length0, length1 } = this.dynamics;
    const a = this.qpos[0];
    const b = a + this.qpos[1];
    return [length0 * Math.cos(a) + length1 * Math.cos(b), length0 * Math.sin(a) + length1 * Math.sin(b)];
  }

  private observe(): Float32Array {
    const { qpos, qvel, obs } = this;
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

  /** Places the kinematic bodies at the joint state: body frames as MuJoCo's xpos/xquat. */
  private syncBodies(): void {
    const { length0 } = this.dynamics;
    const a = this.qpos[0];
    const b = a + this.qpos[1];
    const [tipX, tipY] = this.fingertip();
    const z = this.bodyZ;
    const frames: [number, number, number][] = [
      [0, 0, a],
      [length0 * Math.cos(a), length0 * Math.sin(a), b],
      [tipX, tipY, b],
      [this.qpos[2], this.qpos[3], 0],
    ];
    for (let i = 0; i < frames.length; i++) {
      const [x, y, angle] = frames[i];
      const o = 7 * i;
      this.poses[o] = x;
      this.poses[o + 1] = y;
      this.poses[o + 2] = z;
      this.poses[o + 3] = 0;
      this.poses[o + 4] = 0;
      this.poses[o + 5] = Math.sin(angle / 2);
      this.poses[o + 6] = Math.cos(angle / 2);
      const body = this.bodies[i];
      body.setTranslation({ x, y, z }, false);
      body.setRotation({ x: 0, y: 0, z: this.poses[o + 5], w: this.poses[o + 6] }, false);
    }
  }

  getState(): { qpos: Float64Array; qvel: Float64Array } {
    return { qpos: this.qpos.slice(), qvel: this.qvel.slice() };
  }

  setState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): void {
    if (qpos.length !== 4 || qvel.length !== 4) throw new Error(`reacher: setState needs qpos[4] and qvel[4], got ${qpos.length} and ${qvel.length}`);
    for (let i = 0; i < 4; i++) {
      if (!Number.isFinite(qpos[i]) || !Number.isFinite(qvel[i])) throw new Error('reacher: setState needs finite values');
      this.qpos[i] = qpos[i];
      this.qvel[i] = i < 2 ? qvel[i] : 0;
    }
    this.syncBodies();
  }

  writePoses(out: Float32Array, offset: number): void {
    for (let i = 0; i < this.poses.length; i++) out[offset + i] = this.poses[i];
  }

  dispose(): void {
    this.world.free();
  }
}
