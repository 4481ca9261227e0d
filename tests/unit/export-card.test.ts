import { describe, expect, it } from 'vitest';
import { checkCardMatches, readPolicyCard, writePolicyCard } from '../../agents/export/card.ts';
import { PolicyFormatError } from '../../agents/export/snapshot-check.ts';
import { fixturePolicies } from '../fixtures/export/random-policy.ts';

const [hopper, , reacher] = fixturePolicies().map((fixture) => fixture.snapshot);

describe('policy card', () => {
  it('records robot, algorithm, layouts with units, normalisation, network, training and version', () => {
    const card = writePolicyCard(hopper, { sinewVersion: '0.1.0', files: { onnx: 'policy.onnx' } });
    expect([card.robot, card.algorithm, card.sinewVersion]).toEqual(['hopper', 'td3', '0.1.0']);
    expect(card.observation.size).toBe(11);
    expect(card.observation.layout[0]).toEqual({ name: 'rootz position', unit: 'm' });
    // The wording is sim/'s (the model's joint names, sim/tasks/), the one table the CLI and the app both read.
    expect(card.observation.layout[7]).toEqual({ name: 'rooty velocity', unit: 'rad/s' });
    expect(card.action.layout.map((a) => a.name)).toEqual(['thigh_joint torque', 'leg_joint torque', 'foot_joint torque']);
    expect(card.observation.normalisation?.mean).toEqual(Array.from(hopper.obsNormaliser!.mean));
    expect(card.observation.normalisation?.clip).toBe(10);
    expect(card.network.layers.map((l) => `${l.inputSize}-${l.outputSize}:${l.activation}`)).toEqual(['11-64:relu', '64-64:relu', '64-3:linear']);
    expect(card.training).toEqual({ envSteps: 123_456, evalReturn: 1234.5 });
    expect(card.action).toMatchObject({ range: [-1, 1], squash: 'tanh' });
  });

  it('falls back to generic names when the robot or its sizes are unknown', () => {
    const card = writePolicyCard({ ...reacher, robot: 'walker' }, { sinewVersion: '0.1.0' });
    expect(card.observation.layout[3]).toEqual({ name: 'observation 3', unit: 'unknown' });
    expect(card.observation.layoutSource).toMatch(/unknown/);
  });

  it('reads back exactly what it wrote', () => {
    const card = writePolicyCard(reacher, { sinewVersion: '0.1.0', files: { tfjs: 'model.json', onnx: 'policy.onnx' } });
    expect(readPolicyCard(JSON.stringify(card))).toEqual(card);
  });

  it('accepts the network it describes and refuses another robot, size or statistics', () => {
    const card = writePolicyCard(hopper, { sinewVersion: '0.1.0' });
    expect(() => checkCardMatches(card, hopper, 'model.json')).not.toThrow();
    expect(() => checkCardMatches(card, { ...hopper, robot: 'reacher' }, 'model.json')).toThrow(
      /the robot is 'hopper' but model.json says 'reacher'/,
    );
    expect(() => checkCardMatches(card, reacher, 'policy.onnx')).toThrow(PolicyFormatError);
    const shifted = { ...hopper.obsNormaliser!, mean: hopper.obsNormaliser!.mean.map((m, i) => (i === 4 ? m + 0.5 : m)) };
    expect(() => checkCardMatches(card, { ...hopper, obsNormaliser: shifted }, 'model.json')).toThrow(/observation mean\[4\]/);
    expect(() => checkCardMatches(card, { ...hopper, obsNormaliser: null }, 'model.json')).toThrow(
      /normalisation is present but model.json says absent/,
    );
    expect(() => checkCardMatches(card, { ...hopper, envSteps: 5 }, 'policy.onnx')).toThrow(/the training steps is 123456 but policy.onnx says 5/);
  });

  it.each<[string, (card: Record<string, unknown>) => void, RegExp]>([
    [
      'another format',
      (c) => {
        c.format = 'something';
      },
      /not a Sinew policy card/,
    ],
    [
      'a layout of the wrong length',
      (c) => {
        (c.observation as { layout: unknown[] }).layout.pop();
      },
      /layout has 10 entries for size 11/,
    ],
    [
      'a NaN mean',
      (c) => {
        (c.observation as { normalisation: { mean: unknown[] } }).normalisation.mean[2] = 'NaN';
      },
      /mean\[2\] must be a finite number/,
    ],
    [
      'a path outside the folder',
      (c) => {
        c.files = { onnx: '../../etc/passwd' };
      },
      /must be a plain file name/,
    ],
    [
      'fractional training steps',
      (c) => {
        (c.training as { envSteps: number }).envSteps = 1.5;
      },
      /envSteps must be a whole number >= 0, got 1.5/,
    ],
    [
      'a missing training section',
      (c) => {
        delete c.training;
      },
      /training must be an object/,
    ],
  ])('refuses a card with %s', (_label, edit, message) => {
    const card = JSON.parse(JSON.stringify(writePolicyCard(hopper, { sinewVersion: '0.1.0' }))) as Record<string, unknown>;
    edit(card);
    expect(() => readPolicyCard(JSON.stringify(card))).toThrow(message);
  });

  it('refuses a truncated card', () => {
    const text = JSON.stringify(writePolicyCard(hopper, { sinewVersion: '0.1.0' }));
    expect(() => readPolicyCard(text.slice(0, 100))).toThrow(/not valid JSON \(truncated or corrupt\?\)/);
  });
});
