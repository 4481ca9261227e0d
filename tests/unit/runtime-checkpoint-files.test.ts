import { describe, expect, it } from 'vitest';
import { BEST_CHECKPOINT, checkpointsToDrop, isNewBest, stepCheckpointName, stepCheckpoints } from '../../app/runtime/checkpoint-files.ts';

describe('checkpoint file rules (shared by the command line and the app)', () => {
  it('names periodic checkpoints by their env steps, zero-padded to 12 digits', () => {
    expect(stepCheckpointName(2048)).toBe('step-000000002048.ckpt');
    expect(stepCheckpointName('40000')).toBe('step-000000040000.ckpt');
    expect(BEST_CHECKPOINT).toBe('best.ckpt');
  });

  it('lists periodic checkpoints oldest first, leaving out best.ckpt and anything else', () => {
    const names = ['step-000000004096.ckpt', 'best.ckpt', 'step-000000002048.ckpt', 'step-000000001.ckpt.tmp-7', 'notes.txt'];
    expect(stepCheckpoints(names)).toEqual(['step-000000002048.ckpt', 'step-000000004096.ckpt']);
  });

  it('replaces best.ckpt only for a strictly better, known return', () => {
    expect(isNewBest(-5, null)).toBe(true);
    expect(isNewBest(-4, -5)).toBe(true);
    expect(isNewBest(-5, -5)).toBe(false);
    expect(isNewBest(null, null)).toBe(false);
  });

  it('drops all but the newest `keep` periodic checkpoints', () => {
    expect(checkpointsToDrop(['a', 'b', 'c', 'd'], 3)).toEqual(['a']);
    expect(checkpointsToDrop(['a', 'b'], 3)).toEqual([]);
    expect(checkpointsToDrop(['a', 'b'], 0)).toEqual(['a', 'b']);
  });
});
