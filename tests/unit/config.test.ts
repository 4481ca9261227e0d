import { describe, it, expect } from 'vitest';
import { validateConfig } from '../../agents/shared/config.ts';

const defaults = { learningRate: 3e-4, batchSize: 256, hidden: [256, 256], useNormaliser: false, noise: 'gaussian' };
const rules = {
  learningRate: { min: 0, exclusiveMin: true },
  batchSize: { min: 1, integer: true },
  hidden: { min: 1, integer: true },
  noise: { oneOf: ['gaussian', 'ou'] },
};

describe('validateConfig', () => {
  it('overrides defaults with valid fields', () => {
    const config = validateConfig('algo', defaults, { batchSize: 64, hidden: [32], noise: 'ou' }, rules);
    expect(config).toEqual({ ...defaults, batchSize: 64, hidden: [32], noise: 'ou' });
  });

  it('names the field of every error', () => {
    expect(() => validateConfig('algo', defaults, { batchsize: 1 }, rules)).toThrow(/unknown config field 'batchsize'/);
    expect(() => validateConfig('algo', defaults, { batchSize: '64' }, rules)).toThrow(/batchSize must be a number/);
    expect(() => validateConfig('algo', defaults, { batchSize: 2.5 }, rules)).toThrow(/batchSize must be an integer/);
    expect(() => validateConfig('algo', defaults, { learningRate: 0 }, rules)).toThrow(/learningRate must be > 0/);
    expect(() => validateConfig('algo', defaults, { hidden: [64, 0] }, rules)).toThrow(/hidden\[1\] must be >= 1/);
    expect(() => validateConfig('algo', defaults, { hidden: 64 }, rules)).toThrow(/hidden must be a number\[\]/);
    expect(() => validateConfig('algo', defaults, { noise: 'pink' }, rules)).toThrow(/noise must be one of gaussian, ou/);
    expect(() => validateConfig('algo', defaults, { learningRate: Number.NaN }, rules)).toThrow(/finite/);
  });
});
