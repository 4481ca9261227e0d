import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../app/cli/args.ts';
import { runRequestFrom, trainCommand } from '../../app/cli/commands/train.ts';
import { algorithms } from '../../agents/registry.ts';
import { robotNames } from '../../sim/registry.ts';
import { DEFAULT_TOTAL_STEPS, resolveRunConfig } from '../../app/runtime/run-config.ts';
import { newRunConfig } from '../../app/renderer/training/new-run-config.ts';
import type { RunRequest } from '../../app/renderer/panels/run-controls.ts';

const catalog = { algorithms, robots: robotNames };

function cliConfig(argv: string[]) {
  const args = parseArgs(argv, trainCommand.options);
  return resolveRunConfig(catalog, runRequestFrom(args, String(args.options.get('algo')?.[0]), 1), {});
}

const form: RunRequest = {
  robot: 'reacher',
  physics: 'rapier',
  algorithm: 'ppo',
  preset: 'robot',
  edits: {},
  numEnvs: 8,
  workers: 0,
  seed: 1,
  totalSteps: 200_000,
};

describe('a run started in the app and one started by `sinew train` with the same settings', () => {
  it('get the same algorithm config: the learning rate anneals over the run steps in both', () => {
    const app = newRunConfig({ ...form, edits: { learningRate: 1e-4, hiddenSizes: [32, 32] } }, {});
    const cli = cliConfig([
      '--robot',
      'reacher',
      '--algo',
      'ppo',
      '--envs',
      '8',
      '--steps',
      '200000',
      '--set',
      'learningRate=1e-4',
      '--set',
      'hiddenSizes=[32,32]',
    ]);
    expect(app.algorithmConfig).toEqual(cli.algorithmConfig);
    // The schedule spans 200,000 steps, not the preset's 1,000,000: at the end the rate is near 0, not at 80%.
    expect(app.algorithmConfig.totalSteps).toBe(200_000);
    expect([app.totalSteps, app.checkpointEvery, app.keepCheckpoints]).toEqual([cli.totalSteps, cli.checkpointEvery, cli.keepCheckpoints]);
    expect(app.checkpointEvery).toBe(10_000);
  });

  it('an edit of totalSteps in the form cannot fight the steps field (steps wins, as --steps does over the preset)', () => {
    expect(newRunConfig({ ...form, edits: { totalSteps: 1_000_000 } }, {}).algorithmConfig.totalSteps).toBe(200_000);
  });

  it('share one default budget', () => {
    expect(cliConfig(['--robot', 'reacher', '--algo', 'sac']).totalSteps).toBe(DEFAULT_TOTAL_STEPS);
    expect(DEFAULT_TOTAL_STEPS).toBe(1_000_000);
  });
});
