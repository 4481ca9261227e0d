import { describe, expect, it } from 'vitest';
import { exportPolicyFiles, importPolicy, type FileReader } from '../../agents/export/bundle.ts';
import { createPolicyEvaluator } from '../../agents/export/evaluator.ts';
import { PolicyFormatError } from '../../agents/export/snapshot-check.ts';
import { fixturePolicies, randomObservations } from '../fixtures/export/random-policy.ts';

const [hopper, , reacher] = fixturePolicies().map((fixture) => fixture.snapshot);
const reader =
  (files: Map<string, Uint8Array>): FileReader =>
  (name) =>
    files.get(name);

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('policy folders', () => {
  it('writes the files of each format', () => {
    expect([...exportPolicyFiles(hopper, ['tfjs', 'onnx', 'card'], { sinewVersion: '0.1.0' }).keys()]).toEqual([
      'model.json',
      'weights.bin',
      'policy.onnx',
      'policy-card.json',
    ]);
    expect([...exportPolicyFiles(hopper, ['onnx'], { sinewVersion: '0.1.0' }).keys()]).toEqual(['policy.onnx']);
  });

  it.each([
    ['the folder', null, 'model.json'],
    ['the card', 'policy-card.json', 'model.json'],
    ['model.json', 'model.json', 'model.json'],
    ['the ONNX file', 'policy.onnx', 'policy.onnx'],
  ])('loads %s to a policy acting like the original', (label, entry, networkFile) => {
    let worst = 0;
    for (const { snapshot } of fixturePolicies()) {
      const files = exportPolicyFiles(snapshot, ['tfjs', 'onnx', 'card'], { sinewVersion: '0.1.0' });
      const imported = importPolicy(reader(files), entry, { robot: snapshot.robot, observationSize: snapshot.observationSize });
      expect(imported.networkFile).toBe(networkFile);
      expect(imported.card === null).toBe(entry === 'model.json' || entry === 'policy.onnx');
      const observations = randomObservations(snapshot, 256, 3);
      worst = Math.max(
        worst,
        maxAbsDifference(imported.evaluator.actBatch(observations, 256), createPolicyEvaluator(snapshot).actBatch(observations, 256)),
      );
    }
    console.log(`[export] imported ${label} vs reference (4 fixtures x 256 observations): max |action difference| = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-5);
  });

  it('round-trips a normaliser without clipping (clip = Infinity) through every form', () => {
    const unclipped = { ...hopper, obsNormaliser: { ...hopper.obsNormaliser!, clip: Infinity } };
    const files = exportPolicyFiles(unclipped, ['tfjs', 'onnx', 'card'], { sinewVersion: '0.1.0' });
    const observations = randomObservations(unclipped, 32, 5);
    const expected = createPolicyEvaluator(unclipped).actBatch(observations, 32);
    for (const entry of [null, 'model.json', 'policy.onnx']) {
      const imported = importPolicy(reader(files), entry);
      expect(imported.snapshot.obsNormaliser?.clip).toBe(Infinity);
      expect(maxAbsDifference(imported.evaluator.actBatch(observations, 32), expected)).toBeLessThan(1e-5);
    }
    expect(importPolicy(reader(files), null).card?.observation.normalisation?.clip).toBeNull();
  });

  it.each([
    ['tanh', 'tanh'],
    ['tanh', 'clip'],
    ['relu', 'tanh'],
    ['relu', 'clip'],
    ['linear', 'tanh'],
  ] as const)('keeps a last layer with %s activation apart from the %s squash in every form', (activation, outputSquash) => {
    const layers = reacher.layers.map((layer, i) => (i === reacher.layers.length - 1 ? { ...layer, activation } : layer));
    const policy = { ...reacher, layers, outputSquash };
    const files = exportPolicyFiles(policy, ['tfjs', 'onnx'], { sinewVersion: '0.1.0' });
    for (const entry of ['model.json', 'policy.onnx']) {
      const imported = importPolicy(reader(files), entry).snapshot;
      expect(imported.layers.map((l) => l.activation)).toEqual(['tanh', 'tanh', activation]);
      expect(imported.outputSquash).toBe(outputSquash);
    }
  });

  it('loads the ONNX file named by a card written without tfjs', () => {
    const files = exportPolicyFiles(hopper, ['onnx', 'card'], { sinewVersion: '0.1.0' });
    expect(importPolicy(reader(files), null).networkFile).toBe('policy.onnx');
  });

  it('refuses a card for another robot beside the network', () => {
    const files = exportPolicyFiles(reacher, ['tfjs', 'onnx'], { sinewVersion: '0.1.0' });
    const hopperCard = exportPolicyFiles(hopper, ['tfjs', 'card'], { sinewVersion: '0.1.0' }).get('policy-card.json')!;
    files.set('policy-card.json', hopperCard);
    expect(() => importPolicy(reader(files), null)).toThrow(/the policy card says the robot is 'hopper' but model.json says 'reacher'/);
  });

  it('refuses a policy for another robot or observation size than asked for', () => {
    const files = exportPolicyFiles(hopper, ['onnx'], { sinewVersion: '0.1.0' });
    expect(() => importPolicy(reader(files), 'policy.onnx', { robot: 'reacher' })).toThrow(/policy for 'hopper', not for 'reacher'/);
    expect(() => importPolicy(reader(files), 'policy.onnx', { observationSize: 10 })).toThrow(/expects 11 observations but the environment gives 10/);
  });

  it('says which file is missing', () => {
    const files = exportPolicyFiles(hopper, ['tfjs', 'card'], { sinewVersion: '0.1.0' });
    files.delete('weights.bin');
    expect(() => importPolicy(reader(files), null)).toThrow(PolicyFormatError);
    expect(() => importPolicy(reader(files), null)).toThrow(/weights.bin is missing \(the weights of model.json\)/);
    expect(() => importPolicy(reader(new Map()), null)).toThrow(/policy.onnx is missing/);
  });
});
