import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportPolicyFiles } from '../../agents/export/bundle.ts';
import { loadPolicy } from '../../agents/export/load-policy.node.ts';
import { PolicyFormatError } from '../../agents/export/snapshot-check.ts';
import { fixturePolicies } from '../fixtures/export/random-policy.ts';

const hopper = fixturePolicies()[0].snapshot;

function exportedFolder(formats: ('tfjs' | 'onnx' | 'card')[] = ['tfjs', 'onnx', 'card']): string {
  const folder = mkdtempSync(join(tmpdir(), 'sinew-load-'));
  for (const [name, bytes] of exportPolicyFiles(hopper, formats, { sinewVersion: '0.1.0' })) writeFileSync(join(folder, name), bytes);
  return folder;
}

describe('loadPolicy (Node)', () => {
  it('loads a folder, its card, its model.json or its .onnx file from disk', () => {
    const folder = exportedFolder();
    const observation = new Float32Array(11).fill(0.25);
    const expected = Array.from(loadPolicy(join(folder, 'policy.onnx')).evaluator.act(observation));
    for (const path of [folder, join(folder, 'policy-card.json'), join(folder, 'model.json')]) {
      const policy = loadPolicy(path, { robot: 'hopper' });
      expect(policy.snapshot.robot).toBe('hopper');
      const action = policy.evaluator.act(observation);
      action.forEach((a, i) => expect(a).toBeCloseTo(expected[i], 5));
    }
    expect(loadPolicy(folder).card?.observation.layout[0].unit).toBe('m');
  });

  it('names the path in its errors', () => {
    const folder = exportedFolder(['tfjs']);
    expect(() => loadPolicy(join(folder, 'missing.onnx'))).toThrow(`no policy at ${join(folder, 'missing.onnx')}`);
    writeFileSync(join(folder, 'weights.bin'), new Uint8Array(10));
    expect(() => loadPolicy(folder)).toThrow(PolicyFormatError);
    expect(() => loadPolicy(folder)).toThrow(new RegExp(`^${folder}: weights.bin holds 10 bytes`));
    expect(() => loadPolicy(exportedFolder(['onnx']), { robot: 'reacher' })).toThrow(/policy for 'hopper', not for 'reacher'/);
  });
});
