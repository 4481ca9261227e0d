import type { SharedPhysics, EnvSnapshot, StagedPhysics } from './env-common.ts';
import { checkState, packLiveState } from './env-common.ts';
import { Rng } from './rng.ts';

/**
 * What every robot's env does the same way over its physics backend: MuJoCo-style state (getState/setState in
 * generalised coordinates), snapshots with the env's random stream, poses, disposal. The robot's own file adds
 * its task: observation, reward terms, termination, reset noise.
 */
export abstract class PhysicsTaskEnv<P extends StagedPhysics> {
  abstract readonly robot: string;
  /** The env's random stream (reset noise): part of every snapshot. */
  protected rng: Rng;

  constructor(
    protected readonly physics: P,
    seed: number,
  ) {
    this.rng = new Rng(seed);
  }

  get scene(): SharedPhysics | null {
    return this.physics.scene;
  }

  getState(): { qpos: Float64Array; qvel: Float64Array } {
    return { qpos: this.physics.qpos.slice(), qvel: this.physics.qvel.slice() };
  }

  setState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): void {
    checkState(this.robot, qpos, qvel, this.physics.qpos.length, this.physics.qvel.length);
    this.physics.setState(qpos, qvel);
  }

  snapshot(): EnvSnapshot {
    return { qpos: [...this.physics.qpos], qvel: [...this.physics.qvel], rng: this.rng.getState(), elapsedSteps: 0 };
  }

  restore(snapshot: EnvSnapshot): void {
    this.setState(snapshot.qpos, snapshot.qvel);
    this.rng = Rng.fromState(snapshot.rng);
  }

  packState(out: Float64Array, offset: number): void {
    packLiveState(out, offset, 0, this.physics.qpos, this.physics.qvel, this.rng);
  }

  writePoses(out: Float32Array, offset: number): void {
    this.physics.writePoses(out, offset);
  }

  dispose(): void {
    this.physics.dispose();
  }
}
