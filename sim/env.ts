/**
 * The environment contract (Gymnasium v5 semantics). sim/ implements it; agents/ knows robots only through it.
 * Actions are always in [-1, 1]; a robot scales them by its gear internally.
 */

/** Reward terms and flags reported each step; every term that sums into the reward is present. */
export interface StepInfo {
  /** Named reward terms (e.g. forward, control, healthy for the Hopper; distance, control for the Reacher). */
  readonly terms: Readonly<Record<string, number>>;
  /** True when the physics produced a non-finite or absurd state and the episode was ended for it. */
  readonly physicsBlowUp?: boolean;
}

export interface StepResult {
  readonly obs: Float32Array;
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
  readonly info: StepInfo;
}

export interface Env {
  readonly robot: string;
  readonly observationSize: number;
  readonly actionSize: number;
  /** Seconds of simulated time per environment step (timestep x frame skip). */
  readonly dt: number;
  /** Number of rigid bodies whose poses writePoses emits (7 floats each: x, y, z, qx, qy, qz, qw). */
  readonly bodyCount: number;
  reset(seed?: number): Float32Array;
  step(action: ArrayLike<number>): StepResult;
  /** MuJoCo generalised coordinates. */
  getState(): { qpos: Float64Array; qvel: Float64Array };
  setState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): void;
  /** Writes position + quaternion of each body at out[offset ...], 7 floats per body. */
  writePoses(out: Float32Array, offset: number): void;
  /** Frees physics memory. */
  dispose(): void;
}

/**
 * N environments behind flat arrays (SB3 VecEnv with auto-reset). After step(), for env i that finished,
 * obs holds the first observation of its next episode and finalObs holds the last observation of the
 * finished one (needed to bootstrap on truncation).
 */
export interface VecEnv {
  readonly robot: string;
  readonly numEnvs: number;
  readonly observationSize: number;
  readonly actionSize: number;
  readonly obs: Float32Array; // [numEnvs * observationSize]
  readonly rewards: Float32Array; // [numEnvs]
  readonly terminated: Uint8Array; // [numEnvs]
  readonly truncated: Uint8Array; // [numEnvs]
  readonly finalObs: Float32Array; // [numEnvs * observationSize], valid where terminated or truncated
  reset(seed: number): Promise<void>;
  /**
   * Steps every env with its actions, env i's at actions[i * actionSize ...] ([numEnvs * actionSize]); resolves
   * when obs/rewards/flags are filled. The array is read during the call only (any view will do, shared memory too).
   */
  step(actions: Float32Array): Promise<void>;
  close(): Promise<void>;
  /**
   * Optional: everything needed to continue bit-exactly after loadState (physics state, per-env RNG, step
   * counters, obs). Trainers save it in checkpoints; without it a resumed run starts fresh episodes.
   */
  saveState?(): Promise<VecEnvState>;
  loadState?(state: VecEnvState): Promise<void>;
}

/** A VecEnv's saved state: JSON-able scalars plus named typed arrays (as a TrainerState). */
export interface VecEnvState {
  readonly json: unknown;
  readonly arrays: Readonly<Record<string, Float32Array | Float64Array | Int32Array | Uint8Array>>;
}
