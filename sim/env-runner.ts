import type { StepResult } from './env.ts';
import {
  finishRestore,
  isStagedEnv,
  snapshotSize,
  unpackSnapshot,
  type RestorePass,
  type SharedPhysics,
  type SnapshotEnv,
  type StagedEnv,
  type StateLayout,
} from './env-common.ts';
import type { Scenes } from './scene-board.ts';
import type { VecBuffers, VecLayout } from './vec-buffers.ts';

/** What one thread runs for a vector env's commands: an EnvRunner over its slice, or a SharedWorkRunner. */
export interface SliceRunner {
  reset(seed: number): void;
  /** Steps the runner's envs with their rows of `actions` (all N envs' actions, env i's at i * actionSize). */
  step(actions: Float32Array): void;
  /** Packs every env's snapshot into `states` and adds the slice's shared scenes (Rapier worlds) to `scenes`. */
  saveState(states: Float64Array, layout: StateLayout, scenes: Map<number, Uint8Array>): void;
  /** Restores every env from `states` and the saved `scenes` their snapshots refer to. */
  loadState(states: Float64Array, layout: StateLayout, scenes: Scenes): void;
  dispose(): void;
}

/**
 * Steps a contiguous slice of a vector environment's envs (global indices first .. first+envs.length-1) and
 * writes their results into the shared buffers: the one loop behind the in-thread VecEnv and each worker.
 * Auto-reset keeps the finished episode's last observation in finalObs; env i is seeded with seed + i.
 * Envs that share a physics scene (many robots in one Rapier world) are stepped in a batch: every action is staged
 * (a bad one throws before anything moves), each scene is stepped once, then every env finishes its step.
 */
export class EnvRunner implements SliceRunner {
  private readonly obsDim: number;
  private readonly actDim: number;
  private readonly termNames: readonly string[];
  /** The envs as staged envs and their distinct scenes, when every env has a shared scene; else null. */
  private readonly staged: readonly StagedEnv[] | null;
  /** The distinct scenes of the staged envs (a restore may move envs to other scenes: loadState renews them). */
  private scenes: readonly SharedPhysics[];

  constructor(
    private readonly envs: readonly SnapshotEnv[],
    private readonly first: number,
    private readonly layout: VecLayout,
    private readonly buffers: VecBuffers,
    termNames: readonly string[],
  ) {
    this.obsDim = layout.observationSize;
    this.actDim = layout.actionSize;
    this.termNames = termNames;
    const staged = envs.filter(isStagedEnv);
    const batched = staged.length === envs.length && staged.every((env) => env.scene !== null);
    this.staged = batched ? staged : null;
    this.scenes = this.distinctScenes();
  }

  private distinctScenes(): SharedPhysics[] {
    return this.staged ? [...new Set(this.staged.map((env) => env.scene as SharedPhysics))] : [];
  }

  reset(seed: number): void {
    for (let k = 0; k < this.envs.length; k++) this.resetEnv(k, seed);
  }

  /** Resets env k (global index first + k) with seed + its global index and clears its books. */
  resetEnv(k: number, seed: number): void {
    const b = this.buffers;
    const i = this.first + k;
    b.obs.set(this.envs[k].reset(seed + i), i * this.obsDim);
    b.rewards[i] = 0;
    b.terminated[i] = 0;
    b.truncated[i] = 0;
    b.physicsBlowUp[i] = 0;
    b.episodeReturns[i] = 0;
    b.episodeLengths[i] = 0;
    b.finishedReturns[i] = 0;
    b.finishedLengths[i] = 0;
    b.rewardTerms.fill(0, i * this.termNames.length, (i + 1) * this.termNames.length);
    this.envs[k].writePoses(b.poses, i * this.layout.bodyCount * 7);
  }

  step(actions: Float32Array): void {
    const { staged } = this;
    if (staged === null) {
      for (let k = 0; k < this.envs.length; k++) this.stepEnv(k, actions);
      return;
    }
    for (let k = 0; k < staged.length; k++) this.guard(k, () => staged[k].stage(this.action(k, actions)));
    for (const scene of this.scenes) scene.step();
    for (let k = 0; k < staged.length; k++)
      this.record(
        k,
        this.guard(k, () => staged[k].finish()),
      );
  }

  /** Steps env k alone (envs with physics of their own: not in a shared scene) with its row of `actions`. */
  stepEnv(k: number, actions: Float32Array): void {
    this.record(
      k,
      this.guard(k, () => this.envs[k].step(this.action(k, actions))),
    );
  }

  /** Whether envs can be stepped one at a time (stepEnv), as work sharing between threads needs. */
  get steppedAlone(): boolean {
    return this.staged === null;
  }

  /** The env at slice position k (global index first + k). */
  env(k: number): SnapshotEnv {
    return this.envs[k];
  }

  private action(k: number, actions: Float32Array): Float32Array {
    const i = this.first + k;
    return actions.subarray(i * this.actDim, (i + 1) * this.actDim);
  }

  /** Runs `work` for env k, naming the env in any error. */
  private guard<T>(k: number, work: () => T): T {
    try {
      return work();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`env ${this.first + k}: ${message}`);
    }
  }

  /** Books env k's step result: reward, flags, terms, episode books, auto-reset, pose. */
  private record(k: number, result: StepResult): void {
    const b = this.buffers;
    const { obsDim, termNames } = this;
    const termCount = termNames.length;
    const env = this.envs[k];
    const i = this.first + k;
    b.rewards[i] = result.reward;
    b.terminated[i] = result.terminated ? 1 : 0;
    b.truncated[i] = result.truncated ? 1 : 0;
    b.physicsBlowUp[i] = result.info.physicsBlowUp ? 1 : 0;
    for (let t = 0; t < termCount; t++) b.rewardTerms[i * termCount + t] = result.info.terms[termNames[t]] ?? 0;
    b.episodeReturns[i] += result.reward;
    b.episodeLengths[i] += 1;
    if (result.terminated || result.truncated) {
      b.finalObs.set(result.obs, i * obsDim);
      b.finishedReturns[i] = b.episodeReturns[i];
      b.finishedLengths[i] = b.episodeLengths[i];
      b.episodeReturns[i] = 0;
      b.episodeLengths[i] = 0;
      b.obs.set(env.reset(), i * obsDim);
    } else {
      b.obs.set(result.obs, i * obsDim);
    }
    env.writePoses(b.poses, i * this.layout.bodyCount * 7);
  }

  /** Packs each env's snapshot into states (global env index i at i * snapshotSize) and its scenes into `scenes`. */
  saveState(states: Float64Array, layout: StateLayout, scenes: Map<number, Uint8Array>): void {
    const size = snapshotSize(layout);
    this.envs.forEach((env, k) => env.packState(states, (this.first + k) * size));
    for (const scene of this.distinctScenes()) scenes.set(scene.id, scene.takeSnapshot());
  }

  /**
   * Restores each env from states and the saved scenes (each rebuilt once for the slice); the buffers (obs, episode
   * books) are the caller's to restore.
   */
  loadState(states: Float64Array, layout: StateLayout, scenes: Scenes): void {
    const size = snapshotSize(layout);
    const pass: RestorePass = new Map();
    this.envs.forEach((env, k) => env.restore({ ...unpackSnapshot(states, (this.first + k) * size, layout), scenes }, pass));
    finishRestore(pass);
    this.scenes = this.distinctScenes();
    this.writeAllPoses();
  }

  /** Writes every env's pose into the pose board (after a restore). */
  writeAllPoses(): void {
    for (let k = 0; k < this.envs.length; k++) this.envs[k].writePoses(this.buffers.poses, (this.first + k) * this.layout.bodyCount * 7);
  }

  dispose(): void {
    for (const env of this.envs) env.dispose();
  }
}
