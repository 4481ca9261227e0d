/**
 * The checkpoint files of a run folder, one set of rules for the command line (run-folder.node.ts) and the app
 * (renderer/training/stored-run.ts): checkpoints/step-<env steps, 12 digits>.ckpt for the periodic ones (zero-padded,
 * so name order is step order), checkpoints/best.ckpt for the best mean return so far, and only the newest
 * `keepCheckpoints` periodic ones kept.
 */

export const BEST_CHECKPOINT = 'best.ckpt';

const STEP_FILE = /^step-(\d+)\.ckpt$/;

/** The file name of the periodic checkpoint at `envSteps` (also what `--checkpoint <step>` names). */
export function stepCheckpointName(envSteps: number | string): string {
  return `step-${String(envSteps).padStart(12, '0')}.ckpt`;
}

/** The periodic checkpoints among `names` (temporary files of interrupted writes excluded), oldest first. */
export function stepCheckpoints(names: readonly string[]): string[] {
  return names.filter((name) => STEP_FILE.test(name)).sort();
}

/** Whether a checkpoint with this mean return replaces best.ckpt (null: no episode finished yet, never best). */
export function isNewBest(meanReturn: number | null, bestReturn: number | null): meanReturn is number {
  return meanReturn !== null && (bestReturn === null || meanReturn > bestReturn);
}

/** The periodic checkpoints to remove once a new one is written: all but the newest `keep` of `sorted` (oldest first). */
export function checkpointsToDrop<T>(sorted: readonly T[], keep: number): T[] {
  return sorted.slice(0, Math.max(0, sorted.length - keep));
}
