import { describe, it, expect } from 'vitest';
import { checkRunConfig, evaluationSchedule, parseSetting, resolveRunConfig } from '../../app/runtime/run-config.ts';
import type { RunRequest } from '../../app/runtime/run-config.ts';
import { fakeCatalog } from '../fixtures/fake-trainer.ts';

const request: RunRequest = {
  robot: 'reacher',
  algorithm: 'fake-on',
  seed: 1,
  workers: 0,
  totalSteps: 1000,
  checkpointEvery: 500,
  keepCheckpoints: 3,
  set: [],
};

describe('parseSetting', () => {
  it('reads numbers (with exponents and underscores), booleans, arrays and strings', () => {
    expect(parseSetting('learningRate=3e-4')).toEqual(['learningRate', 3e-4]);
    expect(parseSetting('bufferSize=1_000_000')).toEqual(['bufferSize', 1_000_000]);
    expect(parseSetting('normalise=false')).toEqual(['normalise', false]);
    expect(parseSetting('hidden=[64,64]')).toEqual(['hidden', [64, 64]]);
    expect(parseSetting('variant=clip')).toEqual(['variant', 'clip']);
  });

  it('rejects malformed settings with the offending text', () => {
    expect(() => parseSetting('learningRate')).toThrow("malformed --set 'learningRate': expected key=value");
    expect(() => parseSetting('=3')).toThrow('expected key=value');
    expect(() => parseSetting('lr=')).toThrow('expected key=value');
    expect(() => parseSetting('a-b=1')).toThrow("'a-b' is not a config field name");
  });
});

describe('resolveRunConfig', () => {
  it('applies defaults, then the robot preset, then --envs and --set', () => {
    const config = resolveRunConfig(fakeCatalog, { ...request, numEnvs: 8, set: ['learningRate=0.01'] }, { sinew: '0.1.0' });
    expect(config.preset).toBe('reacher');
    expect(config.algorithmConfig).toEqual({ numEnvs: 8, rolloutLength: 8, plateau: -4, learningRate: 0.01, delayMs: 0 });
    expect(config.overrides).toEqual({ numEnvs: 8, learningRate: 0.01 });
    expect(config.versions.sinew).toBe('0.1.0');
    expect(config.runFormat).toBe(1);
  });

  it('uses bare defaults with --preset none and when the robot has no preset', () => {
    expect(resolveRunConfig(fakeCatalog, { ...request, preset: 'none' }, {}).algorithmConfig.rolloutLength).toBe(16);
    const hopper = resolveRunConfig(fakeCatalog, { ...request, robot: 'hopper' }, {});
    expect([hopper.preset, hopper.algorithmConfig.rolloutLength]).toEqual([null, 16]);
  });

  it('names what is wrong: robot, algorithm, preset, field, value', () => {
    expect(() => resolveRunConfig(fakeCatalog, { ...request, robot: 'cheetah' }, {})).toThrow("unknown robot 'cheetah'; known: reacher, hopper");
    expect(() => resolveRunConfig(fakeCatalog, { ...request, algorithm: 'dqn' }, {})).toThrow("unknown algorithm 'dqn'; known: fake-on, fake-off");
    expect(() => resolveRunConfig(fakeCatalog, { ...request, preset: 'fast' }, {})).toThrow(
      "unknown preset 'fast' for fake-on; known: none, reacher",
    );
    expect(() => resolveRunConfig(fakeCatalog, { ...request, set: ['lr=1'] }, {})).toThrow("unknown config field 'lr'");
    expect(() => resolveRunConfig(fakeCatalog, { ...request, set: ['numEnvs=many'] }, {})).toThrow('numEnvs must be a number, got "many"');
  });
});

describe('checkRunConfig', () => {
  it('accepts its own output and refuses other formats or missing fields', () => {
    const config = resolveRunConfig(fakeCatalog, request, {});
    expect(checkRunConfig(JSON.parse(JSON.stringify(config)), 'config.json')).toEqual(config);
    expect(() => checkRunConfig({ ...config, runFormat: 2 }, 'r/config.json')).toThrow(
      'r/config.json has run format 2; this sinew reads run format 1 (incompatible version)',
    );
    expect(() => checkRunConfig({ runFormat: 1 }, 'c')).toThrow("c is missing 'robot'");
    expect(() => checkRunConfig([], 'c')).toThrow('c is not a run config (not a JSON object)');
  });

  it("reads the retired 'joint-space' physics, and a run without physics (which ran on it), as MuJoCo; refuses unknown ones", () => {
    const { physics, ...older } = resolveRunConfig(fakeCatalog, request, {});
    expect(physics).toBe('rapier');
    expect(checkRunConfig(older, 'config.json').physics).toBe('mujoco');
    expect(checkRunConfig({ ...older, physics: 'joint-space' }, 'config.json').physics).toBe('mujoco');
    expect(() => checkRunConfig({ ...older, physics: 'bullet' }, 'config.json')).toThrow(
      `config.json: 'physics' must be one of rapier, mujoco, got "bullet"`,
    );
  });
});

describe('resolveRunConfig and an algorithm with its own totalSteps', () => {
  it('sets the algorithm totalSteps to --steps (its schedules end with the run) unless --set says otherwise', () => {
    const scheduled = {
      ...fakeCatalog.algorithms['fake-on'],
      defaultConfig: { totalSteps: 1e6, learningRate: 1 },
      presets: {},
      validate: (config: Readonly<Record<string, unknown>>) => ({ totalSteps: 1e6, learningRate: 1, ...config }) as Record<string, number>,
    };
    const catalog = { robots: ['reacher'], algorithms: { scheduled } };
    const plain = resolveRunConfig(catalog, { ...request, algorithm: 'scheduled' }, {});
    expect(plain.algorithmConfig).toEqual({ totalSteps: 1000, learningRate: 1 });
    const set = resolveRunConfig(catalog, { ...request, algorithm: 'scheduled', set: ['totalSteps=5000'] }, {});
    expect(set.algorithmConfig.totalSteps).toBe(5000);
  });
});

describe('the evaluation schedule of a run', () => {
  it('defaults to ten evaluations of 5 episodes per run, none in runs under 10,000 steps, and records it', () => {
    const long = resolveRunConfig(fakeCatalog, { ...request, totalSteps: 1_000_000 }, {});
    expect([long.evalEvery, long.evalEpisodes]).toEqual([100_000, 5]);
    const short = resolveRunConfig(fakeCatalog, request, {});
    expect(evaluationSchedule(short)).toEqual({ every: 10_000, episodes: 5 });
    const chosen = resolveRunConfig(fakeCatalog, { ...request, evalEvery: 0, evalEpisodes: 10 }, {});
    expect(evaluationSchedule(chosen)).toEqual({ every: 0, episodes: 10 });
  });

  it('gives runs written before it was recorded the defaults, and refuses bad values', () => {
    const { evalEvery, evalEpisodes, ...older } = resolveRunConfig(fakeCatalog, { ...request, totalSteps: 400_000 }, {});
    expect([evalEvery, evalEpisodes]).toEqual([40_000, 5]);
    expect(evaluationSchedule(checkRunConfig(older, 'config.json'))).toEqual({ every: 40_000, episodes: 5 });
    expect(() => resolveRunConfig(fakeCatalog, { ...request, evalEpisodes: 0 }, {})).toThrow(
      'evalEpisodes must be a whole number from 1 to 100, got 0',
    );
    expect(() => checkRunConfig({ ...older, evalEvery: -1 }, 'config.json')).toThrow("config.json: 'evalEvery' must be a whole number from 0 to");
  });
});
