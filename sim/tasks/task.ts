import type { EnginePhysics } from '../engines/engine.ts';
import type { ModelFileName } from '../model/index.ts';
import type { RobotModel } from '../model/types.ts';
import type { SignalDescription } from '../robot-description.ts';
import type { Rng } from '../rng.ts';

/**
 * A robot's task: everything of its Gymnasium v5 environment that the MJCF file does not hold (observation,
 * reward terms, termination, reset noise, frame skip, time limit). The only per-robot code; it reads the engine
 * through EnginePhysics, so one task file runs on every engine. TaskEnv (task-env.ts) drives it.
 */
export interface Task {
  /** Physics steps per environment step. */
  readonly frameSkip: number;
  readonly observationSize: number;
  /** Names of the reward terms (they sum to the reward), the keys afterStep fills. */
  readonly rewardTerms: readonly string[];
  /** Whether the task reads cfrcExt (the engine computes it only then). */
  readonly contactForces?: boolean;
  /** Whether the task reads qfrcConstraint (the engine computes it only then). */
  readonly constraintForces?: boolean;
  /** Gymnasium's reset: writes the episode's initial state; qpos arrives holding the model's qpos0, qvel zeros. */
  reset(rng: Rng, qpos: Float64Array, qvel: Float64Array): void;
  /** Notes what the reward needs from the state before the step (a position) into `memo` (8 numbers). */
  beforeStep(physics: EnginePhysics, memo: Float64Array): void;
  /**
   * After the step: writes every reward term into `terms` and returns whether the episode terminated. `ctrl`
   * holds the actuator controls applied (Gymnasium's action), `dt` the environment step's duration.
   */
  afterStep(physics: EnginePhysics, memo: Float64Array, ctrl: Float64Array, dt: number, terms: Record<string, number>): boolean;
  observe(physics: EnginePhysics, out: Float32Array): void;
}

/** A task file's export: what the registry lists, and the factory that binds the task to the compiled model. */
/**
 * For a task about reaching: the body whose open-loop distance to MuJoCo's `sinew fidelity` reports, and the joint
 * whose first limit contact in a recording ends the "free" steps (before it, no limit hides the arm's own equations).
 */
export interface FidelityTip {
  readonly body: string;
  readonly freeUntilLimitOf: string;
}

export interface TaskSpec {
  /** The robot's name in Sinew (CLI, run folders). */
  readonly robot: string;
  /** Gymnasium's environment id the task reproduces. */
  readonly gymnasiumId: string;
  readonly modelFile: ModelFileName;
  /** Gymnasium's TimeLimit. */
  readonly maxEpisodeSteps: number;
  /** Gymnasium's reward threshold ("solved"). */
  readonly rewardThreshold: number;
  readonly observationLayout: (model: RobotModel) => readonly SignalDescription[];
  readonly fidelityTip?: FidelityTip;
  create(model: RobotModel): Task;
}

/** The id of the body named `name`, with a clear error. */
export function bodyId(model: RobotModel, name: string): number {
  const id = model.bodies.findIndex((body) => body.name === name);
  if (id < 0) throw new Error(`${model.name}: no body '${name}'`);
  return id;
}

export function siteId(model: RobotModel, name: string): number {
  const id = model.sites.findIndex((site) => site.name === name);
  if (id < 0) throw new Error(`${model.name}: no site '${name}'`);
  return id;
}

export function clip(value: number, limit: number): number {
  return value < -limit ? -limit : value > limit ? limit : value;
}

/** qpos[i] += U(-scale, scale) for every i from `from` on (Gymnasium's uniform reset noise). */
export function addUniform(rng: Rng, values: Float64Array, scale: number, from = 0): void {
  for (let i = from; i < values.length; i++) values[i] += rng.uniformRange(-scale, scale);
}

/** values[i] += scale * N(0, 1) (Gymnasium's normal reset noise on velocities). */
export function addNormal(rng: Rng, values: Float64Array, scale: number): void {
  for (let i = 0; i < values.length; i++) values[i] += scale * rng.normal();
}

/** Layout entries for generalised coordinates and velocities of the model's joints (names from the model). */
export function jointSignals(model: RobotModel, kind: 'qpos' | 'qvel', from = 0): SignalDescription[] {
  const signals: SignalDescription[] = [];
  for (const joint of model.joints) {
    const count = kind === 'qpos' ? { free: 7, ball: 4, slide: 1, hinge: 1 }[joint.type] : { free: 6, ball: 3, slide: 1, hinge: 1 }[joint.type];
    const unit = joint.type === 'slide' ? (kind === 'qpos' ? 'm' : 'm/s') : kind === 'qpos' ? 'rad' : 'rad/s';
    for (let k = 0; k < count; k++) {
      const name = count === 1 ? joint.name : `${joint.name}[${k}]`;
      const mixed = joint.type === 'free' ? (kind === 'qpos' ? (k < 3 ? 'm' : 'quat') : k < 3 ? 'm/s' : 'rad/s') : unit;
      signals.push({ name: `${name} ${kind === 'qpos' ? 'position' : 'velocity'}`, unit: mixed });
    }
  }
  return signals.slice(from);
}
