import type { VecEnvState } from './env.ts';
import { snapshotSize, type SnapshotEnv } from './env-common.ts';
import { EnvRunner } from './env-runner.ts';
import { createEnvSlice } from './env-slice.ts';
import { resolvePhysics, robotInfo, type PhysicsName } from './registry.ts';
import { allocateVecMemory, viewVecMemory, type VecBuffers, type VecLayout } from './vec-buffers.ts';
import { checkActions, restoreVecBuffers, vecEnvState, vecLayout, VecEnvViews, type SimVecEnv, type VecEnvOptions } from './vec-env-views.ts';
import { WorkerVecEnv } from './worker-vec-env.ts';

/**
 * createVecEnv, sim/'s vector environment: every env in this thread (InThreadVecEnv, below) or spread over worker
 * threads (worker-vec-env.ts). What both implementations share is in vec-env-views.ts.
 */

export type { SimVecEnv, VecEnvOptions } from './vec-env-views.ts';

/** All envs stepped in the calling thread, one after another. */
export class InThreadVecEnv extends VecEnvViews implements SimVecEnv {
  readonly workers = 0;
  private steps = 0;
  private readonly runner: EnvRunner;

  private constructor(robot: string, physics: PhysicsName | undefined, envs: SnapshotEnv[], buffers: VecBuffers, layout: VecLayout) {
    super(robot, physics, layout, buffers);
    this.runner = new EnvRunner(envs, 0, layout, buffers, this.rewardTermNames);
  }

  /** `shared`: allocate over SharedArrayBuffer so another thread (the renderer) can read the pose board. */
  static async create(options: VecEnvOptions & { shared?: boolean }): Promise<InThreadVecEnv> {
    const layout = vecLayout(options.robot, options.numEnvs);
    const seed = options.seed ?? 0;
    const { physics, rapierWorlds, maxEpisodeSteps } = options;
    const envs: SnapshotEnv[] = await createEnvSlice({
      robot: options.robot,
      first: 0,
      count: layout.numEnvs,
      seed,
      maxEpisodeSteps,
      physics,
      rapierWorlds,
    });
    const buffers = viewVecMemory(layout, allocateVecMemory(layout, options.shared ?? false));
    const vec = new InThreadVecEnv(options.robot, physics, envs, buffers, layout);
    vec.runner.reset(seed);
    return vec;
  }

  get stepCount(): number {
    return this.steps;
  }

  async reset(seed: number): Promise<void> {
    this.runner.reset(seed);
  }

  async step(actions: Float32Array): Promise<void> {
    checkActions(this, actions);
    this.runner.step(actions);
    this.steps++;
  }

  async saveState(): Promise<VecEnvState> {
    const states = new Float64Array(this.numEnvs * snapshotSize(this.stateLayout));
    const scenes = new Map<number, Uint8Array>();
    this.runner.saveState(states, this.stateLayout, scenes);
    return vecEnvState(this, states, scenes);
  }

  async loadState(state: VecEnvState): Promise<void> {
    const { states, scenes } = restoreVecBuffers(this, state, this.stateLayout, this.physics);
    this.runner.loadState(states, this.stateLayout, scenes);
  }

  async close(): Promise<void> {
    this.runner.dispose();
  }
}

/** The in-thread VecEnv for workers 0/1, the worker-thread one for workers >= 2. Reset with `seed` on creation. */
export async function createVecEnv(options: VecEnvOptions): Promise<SimVecEnv> {
  const workers = options.workers ?? 0;
  if (!(Number.isInteger(workers) && workers >= 0)) throw new Error(`workers must be a non-negative integer, got ${workers}`);
  resolvePhysics(robotInfo(options.robot).name, options.physics);
  if (workers <= 1) return InThreadVecEnv.create(options);
  return WorkerVecEnv.create({ ...options, workers });
}
