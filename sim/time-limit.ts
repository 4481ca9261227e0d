import type { StepResult } from './env.ts';
import { isStagedEnv, type EnvSnapshot, type RestorePass, type SharedPhysics, type SnapshotEnv, type StagedEnv } from './env-common.ts';

/**
 * Gymnasium's TimeLimit wrapper: truncates an episode after `maxEpisodeSteps` steps (whether or not it also
 * terminated on that step), counting from the last reset.
 */
export class TimeLimit implements StagedEnv {
  private elapsed = 0;
  /** The staged action of an inner env that cannot stage (it is stepped whole in finish()). */
  private pending: ArrayLike<number> | null = null;

  constructor(
    readonly inner: SnapshotEnv,
    readonly maxEpisodeSteps: number,
  ) {
    if (!(Number.isInteger(maxEpisodeSteps) && maxEpisodeSteps > 0))
      throw new Error(`TimeLimit: maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}`);
  }

  get robot(): string {
    return this.inner.robot;
  }
  get observationSize(): number {
    return this.inner.observationSize;
  }
  get actionSize(): number {
    return this.inner.actionSize;
  }
  get dt(): number {
    return this.inner.dt;
  }
  get bodyCount(): number {
    return this.inner.bodyCount;
  }
  /** Steps taken since the last reset. */
  get elapsedSteps(): number {
    return this.elapsed;
  }

  reset(seed?: number): Float32Array {
    this.elapsed = 0;
    return this.inner.reset(seed);
  }

  get scene(): SharedPhysics | null {
    return isStagedEnv(this.inner) ? this.inner.scene : null;
  }

  step(action: ArrayLike<number>): StepResult {
    return this.count(this.inner.step(action));
  }

  stage(action: ArrayLike<number>): void {
    if (isStagedEnv(this.inner)) this.inner.stage(action);
    else this.pending = action;
  }

  finish(): StepResult {
    if (isStagedEnv(this.inner)) return this.count(this.inner.finish());
    const action = this.pending;
    if (action === null) throw new Error(`${this.robot}: finish() without stage()`);
    this.pending = null;
    return this.count(this.inner.step(action));
  }

  private count(result: StepResult): StepResult {
    this.elapsed++;
    if (this.elapsed >= this.maxEpisodeSteps && !result.truncated) return { ...result, truncated: true };
    return result;
  }

  getState(): { qpos: Float64Array; qvel: Float64Array } {
    return this.inner.getState();
  }
  setState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): void {
    this.inner.setState(qpos, qvel);
  }
  snapshot(): EnvSnapshot {
    return { ...this.inner.snapshot(), elapsedSteps: this.elapsed };
  }
  restore(snapshot: EnvSnapshot, pass?: RestorePass): void {
    this.inner.restore(snapshot, pass);
    this.elapsed = snapshot.elapsedSteps;
  }
  packState(out: Float64Array, offset: number): void {
    this.inner.packState(out, offset);
    out[offset] = this.elapsed;
  }
  writePoses(out: Float32Array, offset: number): void {
    this.inner.writePoses(out, offset);
  }
  dispose(): void {
    this.inner.dispose();
  }
}
