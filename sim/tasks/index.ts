import { loadModel } from '../model/index.ts';
import { forwardKinematics } from '../model/kinematics.ts';
import type { RobotModel } from '../model/types.ts';
import type { GeomDescription, ShapeKind, SignalDescription } from '../robot-description.ts';
import { antTask } from './ant.ts';
import { halfCheetahTask } from './half-cheetah.ts';
import { hopperTask } from './hopper.ts';
import { invertedDoublePendulumTask } from './inverted-double-pendulum.ts';
import { invertedPendulumTask } from './inverted-pendulum.ts';
import { reacherTask } from './reacher.ts';
import { swimmerTask } from './swimmer.ts';
import type { Task, TaskSpec } from './task.ts';
import { walker2dTask } from './walker2d.ts';

/** Every robot defined by an MJCF file plus a task file, in the order the app lists them. */
export const taskSpecs: readonly TaskSpec[] = [
  reacherTask,
  hopperTask,
  walker2dTask,
  halfCheetahTask,
  antTask,
  invertedPendulumTask,
  invertedDoublePendulumTask,
  swimmerTask,
];

export function taskSpec(robot: string): TaskSpec | undefined {
  return taskSpecs.find((spec) => spec.robot === robot);
}

/** A robot's model and task, bound once per thread. */
const bound = new Map<string, { model: RobotModel; task: Task }>();

export function boundTask(spec: TaskSpec): { model: RobotModel; task: Task } {
  let entry = bound.get(spec.robot);
  if (entry === undefined) {
    const model = loadModel(spec.modelFile);
    entry = { model, task: spec.create(model) };
    bound.set(spec.robot, entry);
  }
  return entry;
}

/** A geom as the renderer draws it: quaternion [x, y, z, w], capsules and cylinders [radius, half length]. */
function renderGeom(model: RobotModel, id: number): GeomDescription {
  const g = model.geoms[id];
  const [w, x, y, z] = g.quat;
  const shape = g.type === 'ellipsoid' ? 'sphere' : (g.type as ShapeKind);
  const size =
    g.type === 'sphere'
      ? [g.size[0]]
      : g.type === 'capsule' || g.type === 'cylinder'
        ? [g.size[0], g.size[1]]
        : g.type === 'ellipsoid'
          ? [Math.max(...g.size)]
          : [...g.size];
  return { name: g.name, shape, size, pos: g.pos, quat: [x, y, z, w], rgba: g.rgba, friction: g.friction[0] };
}

/** Moving bodies (1..) with their geoms, in pose-board order (the engines' writePoses order). */
export function renderBodies(model: RobotModel): { name: string; geoms: GeomDescription[] }[] {
  return model.bodies.slice(1).map((body) => ({ name: body.name || `body ${body.id}`, geoms: body.geoms.map((id) => renderGeom(model, id)) }));
}

/** The world's geoms as fixed decoration; a plane becomes a thin slab under its surface (0 half size: 20 m). */
export function renderScenery(model: RobotModel): GeomDescription[] {
  return model.bodies[0].geoms.map((id) => {
    const g = model.geoms[id];
    if (g.type !== 'plane') return renderGeom(model, id);
    const thickness = 0.05;
    const [w, x, y, z] = g.quat;
    return {
      name: g.name,
      shape: 'box',
      size: [g.size[0] || 20, g.size[1] || 20, thickness],
      pos: [g.pos[0], g.pos[1], g.pos[2] - thickness],
      quat: [x, y, z, w],
      rgba: g.rgba,
    };
  });
}

/** Each action entry: the actuator's joint and what the normalised action becomes. */
export function actionLayout(model: RobotModel): SignalDescription[] {
  return model.actuators.map((a) => {
    const joint = model.joints[a.joint];
    const unit = joint.type === 'slide' ? 'N' : 'N m';
    const range = a.ctrlLimited ? `ctrl ${a.ctrlRange[0]}..${a.ctrlRange[1]}` : 'ctrl';
    return {
      name: `${joint.name} ${joint.type === 'slide' ? 'force' : 'torque'}`,
      unit: `normalised [-1, 1] (${range} x gear ${a.gear[0]} ${unit})`,
    };
  });
}

/** One robot's pose board at qpos0 (bodies 1.., x, y, z, qx, qy, qz, qw): what the app shows before a run. */
export function modelRestPoses(model: RobotModel): Float32Array {
  const n = model.bodies.length;
  const xpos = new Float64Array(3 * n);
  const xquat = new Float64Array(4 * n);
  forwardKinematics(model, model.qpos0, xpos, xquat);
  const poses = new Float32Array(7 * (n - 1));
  for (let b = 1; b < n; b++) {
    poses.set([xpos[3 * b], xpos[3 * b + 1], xpos[3 * b + 2], xquat[4 * b + 1], xquat[4 * b + 2], xquat[4 * b + 3], xquat[4 * b]], 7 * (b - 1));
  }
  return poses;
}
