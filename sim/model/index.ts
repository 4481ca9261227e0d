import { compileMjcf } from './compile.ts';
import { modelFiles, type ModelFileName } from './model-files.ts';
import type { RobotModel } from './types.ts';

export type { ModelFileName } from './model-files.ts';
export { compileMjcf } from './compile.ts';
export { MjcfError } from './attributes.ts';
export type * from './types.ts';

const compiled = new Map<ModelFileName, RobotModel>();

/** The compiled model of one of the shipped MJCF files (assets/models/), compiled once per thread. */
export function loadModel(file: ModelFileName): RobotModel {
  let model = compiled.get(file);
  if (model === undefined) {
    model = compileMjcf(modelFiles[file], file);
    compiled.set(file, model);
  }
  return model;
}

/** The MJCF text of a shipped model (what the MuJoCo engine loads). */
export function modelText(file: ModelFileName): string {
  return modelFiles[file];
}
