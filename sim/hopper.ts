import type { StepResult } from './env.ts';
import { clipAction, isAbsurd, sumOfSquares, type StagedEnv, type StagedPhysics } from './env-common.ts';
import { HopperDynamics } from './hopper-dynamics.ts';
import { HOPPER, HOPPER_BODIES, hopperDescription } from './hopper-model.ts';
import { PhysicsTaskEnv } from './physics-env.ts';
import { Rng } from './rng.ts';

export { HOPPER, HOPPER_BODIES, hopperDescription };

/** What the Hopper task needs from a physics backend (qpos: MuJoCo's rootx, rootz, rooty, thigh, leg, foot). */
export type HopperPhysics = StagedPhysics;

/** The default backend: MuJoCo's equations for hopper.xml in joint space (HopperDynamics). */
export class JointSpaceHopperPhysics implements HopperPhysics {
  readonly qpos = new Float64Array(6);
  readonly qvel = new Float64Array(6);
  readonly scene = null;
  private readonly dynamics = new HopperDynamics(hopperDescription);
  private u: Float64Array = new Float64Array(3);

  setState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): void {
    this.qpos.set(qpos);
    this.qvel.set(qvel);
  }

  stage(u: Float64Array): void {
    this.u = u;
  }

  advance(): void {
    for (let k = 0; k < hopperDescription.frameSkip; k++) this.dynamics.step(this.qpos, this.qvel, this.u);
  }

  writePoses(out: Float32Array, offset: number): void {
    const d = this.dynamics;
    d.kinematics(this.qpos, this.qvel);
    for (let b = 0; b < HOPPER_BODIES.length; b++) {
      const o = offset + 7 * b;
      const half = d.pitch[b] / 2;
      out[o] = d.originX[b];
      out[o + 1] = 0;
      out[o + 2] = d.originZ[b];
      out[o + 3] = 0;
      out[o + 4] = Math.sin(half);
      out[o + 5] = 0;
      out[o + 6] = Math.cos(half);
    }
  }

  dispose(): void {}
}

/**
 * Hopper-v5: Gymnasium's task (observation, reward terms, health check, reset noise) over a physics backend.
 * A physics blow-up (non-finite or absurd state) ends the episode with info.physicsBlowUp instead of
 * propagating NaN into a batch.
 */
export class HopperEnv extends PhysicsTaskEnv<HopperPhysics> implements StagedEnv {
  readonly robot = 'hopper';
  readonly observationSize = HOPPER.observationSize;
  readonly actionSize = HOPPER.actionSize;
  readonly dt = hopperDescription.timestep * hopperDescription.frameSkip;
  readonly bodyCount = HOPPER_BODIES.length;
  private readonly action = new Float64Array(HOPPER.actionSize);
  private readonly obs = new Float32Array(HOPPER.observationSize);
  /** rootx before the step being taken (the forward reward is its change over dt). */
  private xBefore = 0;

  constructor(physics: HopperPhysics, seed = 0) {
    super(physics, seed);
    this.reset(seed);
  }

  reset(seed?: number): Float32Array {
    if (seed !== undefined) this.rng = new Rng(seed);
    const noise = HOPPER.resetNoise;
    const qpos = HOPPER.initQpos.map((value) => value + this.rng.uniformRange(-noise, noise));
    const qvel = HOPPER.initQpos.map(() => this.rng.uniformRange(-noise, noise));
    this.physics.setState(qpos, qvel);
    return this.observe();
  }

  step(action: ArrayLike<number>): StepResult {
    this.stage(action);
    this.physics.advance();
    return this.finish();
  }

  stage(action: ArrayLike<number>): void {
    const u = clipAction(this.robot, action, this.action);
    this.xBefore = this.physics.qpos[0];
    this.physics.stage(u);
  }

  finish(): StepResult {
    const { qpos, qvel } = this.physics;
    const u = this.action;
    if (isAbsurd(qpos) || isAbsurd(qvel)) {
      return {
        obs: this.obs.slice(),
        reward: 0,
        terminated: true,
        truncated: false,
        info: { terms: { forward: 0, healthy: 0, control: 0 }, physicsBlowUp: true },
      };
    }
    const healthy = this.isHealthy();
    const forward = (HOPPER.forwardRewardWeight * (qpos[0] - this.xBefore)) / this.dt;
    const healthyReward = healthy ? HOPPER.healthyReward : 0;
    const control = -HOPPER.controlCostWeight * sumOfSquares(u);
    return {
      obs: this.observe(),
      reward: forward + healthyReward + control,
      terminated: !healthy,
      truncated: false,
      info: { terms: { forward, healthy: healthyReward, control } },
    };
  }

  /** Gymnasium's health check: z and torso angle in range, every other state entry within +-100. */
  private isHealthy(): boolean {
    const { qpos, qvel } = this.physics;
    if (!(qpos[1] > HOPPER.healthyZ) || !(Math.abs(qpos[2]) < HOPPER.healthyAngle)) return false;
    const range = HOPPER.healthyStateRange;
    for (let i = 2; i < 6; i++) if (!(Math.abs(qpos[i]) < range)) return false;
    for (let i = 0; i < 6; i++) if (!(Math.abs(qvel[i]) < range)) return false;
    return true;
  }

  private observe(): Float32Array {
    const { qpos, qvel } = this.physics;
    const obs = this.obs;
    for (let i = 1; i < 6; i++) obs[i - 1] = qpos[i];
    const clip = HOPPER.velocityClip;
    for (let i = 0; i < 6; i++) obs[5 + i] = Math.max(-clip, Math.min(clip, qvel[i]));
    return obs.slice();
  }
}
