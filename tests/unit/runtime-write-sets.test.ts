import { describe, it, expect } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendFileNoFollow, writeFileSet } from '../../app/runtime/atomic.node.ts';

describe('writes that fail part-way', () => {
  it('an exported set is written whole or not at all', () => {
    const folder = mkdtempSync(join(tmpdir(), 'sinew-set-'));
    writeFileSync(join(folder, 'model.json'), 'old model');
    writeFileSet(
      folder,
      new Map([
        ['model.json', 'new model'],
        ['policy.onnx', 'onnx'],
      ]),
    );
    expect(readdirSync(folder).sort()).toEqual(['model.json', 'policy.onnx']);
    expect(readFileSync(join(folder, 'model.json'), 'utf8')).toBe('new model');
    // The third file cannot be written (as on a full disk): none of the set replaces what was there.
    const failing = new Map([
      ['model.json', 'newer model'],
      ['policy.onnx', 'newer onnx'],
      ['missing/card.md', 'card'],
    ]);
    expect(() => writeFileSet(folder, failing)).toThrow(/missing\/card\.md/);
    expect(readdirSync(folder).sort()).toEqual(['model.json', 'policy.onnx']);
    expect(readFileSync(join(folder, 'model.json'), 'utf8')).toBe('new model');
  });

  it('a full disk names the file it could not write', () => {
    expect(() => appendFileNoFollow('/dev/full', '{"envSteps":1}\n')).toThrow(/^could not write \/dev\/full: the disk is full \(ENOSPC/);
  });
});
