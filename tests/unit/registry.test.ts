import { describe, it, expect } from 'vitest';
import { algorithms, getAlgorithm, resolveConfig } from '../../agents/registry.ts';

describe('algorithm registry', () => {
  it('names the known algorithms when asked for an unknown one', () => {
    expect(() => getAlgorithm('dqn')).toThrow(/unknown algorithm 'dqn'; known: .*td3/);
  });

  it('resolves defaults <- robot preset <- overrides, validated', () => {
    const config = resolveConfig('td3', 'reacher', { batchSize: 64 });
    expect(config.learningStarts).toBe(getAlgorithm('td3').presets.reacher.learningStarts);
    expect(config.batchSize).toBe(64);
    expect(config.gamma).toBe(getAlgorithm('td3').presets.reacher.gamma);
    expect(config.policyNoise).toBe(getAlgorithm('td3').defaultConfig.policyNoise);
    expect(resolveConfig('td3', 'no-such-robot').learningStarts).toBe(getAlgorithm('td3').defaultConfig.learningStarts);
    expect(() => resolveConfig('td3', 'reacher', { batchsize: 64 })).toThrow(/unknown config field 'batchsize'/);
  });

  it('documents every field of every off-policy default config, and every preset validates', () => {
    for (const [name, entry] of Object.entries(algorithms)) {
      if (entry.kind !== 'off-policy') continue;
      for (const field of Object.keys(entry.defaultConfig)) expect(entry.fieldDocs[field], `${name}.${field}`).toBeTruthy();
      for (const robot of Object.keys(entry.presets)) expect(() => resolveConfig(name, robot)).not.toThrow();
    }
  });
});
