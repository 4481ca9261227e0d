import { algorithms } from '../../../agents/registry.ts';
import { robotNames } from '../../../sim/registry.ts';
import { DEFAULT_KEEP_CHECKPOINTS, defaultCheckpointEvery, resolveRunConfig, type RunConfig } from '../../runtime/run-config.ts';
import type { RunRequest } from '../panels/run-controls.ts';

/**
 * The config of a run started from the New-run form, resolved exactly as `sinew train` resolves its options:
 * the preset, then the form's edits (as --set), envs (--envs) and steps (--steps, which the algorithm's own
 * schedule spans), so the same settings give the same run in both.
 */
export function newRunConfig(request: RunRequest, versions: Readonly<Record<string, string>>): RunConfig {
  return resolveRunConfig(
    { algorithms, robots: robotNames },
    {
      robot: request.robot,
      physics: request.physics,
      algorithm: request.algorithm,
      preset: request.preset === 'robot' ? 'auto' : 'none',
      seed: request.seed,
      workers: request.workers,
      totalSteps: request.totalSteps,
      checkpointEvery: defaultCheckpointEvery(request.totalSteps),
      keepCheckpoints: DEFAULT_KEEP_CHECKPOINTS,
      set: [],
      edits: request.edits,
      numEnvs: 'numEnvs' in (algorithms[request.algorithm]?.defaultConfig ?? {}) ? request.numEnvs : undefined,
    },
    versions,
  );
}
