import type { EngineOptions } from '../engine.ts';
import { modelText, type ModelFileName } from '../../model/index.ts';
import type { RobotModel } from '../../model/types.ts';
import { loadMujoco, mujocoModel } from './module.ts';
import { MujocoPhysics } from './physics.ts';

export { MujocoPhysics } from './physics.ts';

/**
 * A robot of the shipped model `file` (compiled by us into `model`) in MuJoCo, which compiles the same XML. Loads
 * the MuJoCo module on first use in the thread.
 */
export async function createMujocoPhysics(file: ModelFileName, model: RobotModel, options: EngineOptions): Promise<MujocoPhysics> {
  const mujoco = await loadMujoco();
  return new MujocoPhysics(mujoco, mujocoModel(mujoco, file, modelText(file)), model, options);
}
