import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCompareCommand } from '../../app/cli/commands/compare.ts';
import type { CompareDeps } from '../../app/cli/commands/compare.ts';
import { fakeCatalog } from '../fixtures/fake-trainer.ts';

function deps(printed: string[]): CompareDeps {
  return {
    loadCatalog: async () => fakeCatalog,
    progress: { isTTY: false, write: () => true },
    print: (line) => printed.push(line),
    handleSignals: false,
    sinewEntry: ['--import', 'tsx', 'tests/fixtures/fake-sinew.ts'],
  };
}

describe('sinew compare', () => {
  it('trains algorithms x seeds in child processes and writes the report', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sinew-compare-'));
    const printed: string[] = [];
    const argv = [
      '--robot',
      'reacher',
      '--algos',
      'fake-on,fake-off',
      '--seeds',
      '2',
      '--steps',
      '2048',
      '--out',
      out,
      '--name',
      'cmp',
      '--parallel',
      '2',
      '--set',
      'learningRate=0.001',
    ];
    expect(await makeCompareCommand(deps(printed)).run(argv)).toBe(0);
    const dir = join(out, 'cmp');
    expect(readdirSync(dir).sort()).toEqual([
      'curves.png',
      'curves.svg',
      'fake-off-seed1',
      'fake-off-seed2',
      'fake-on-seed1',
      'fake-on-seed2',
      'logs',
      'report.md',
    ]);
    const config = JSON.parse(readFileSync(join(dir, 'fake-off-seed2', 'config.json'), 'utf8'));
    expect([config.seed, config.totalSteps, config.algorithmConfig.learningRate]).toEqual([2, 2048, 0.001]);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('| fake-on | 2 |');
    expect(printed.filter((line) => line.startsWith('finished')).every((line) => line.includes('exit 0'))).toBe(true);
    expect(printed[0]).toBe(`comparison folder: ${dir} (4 runs, 2 at a time)`);
  });

  it('validates every algorithm before starting anything', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sinew-compare-'));
    const compare = makeCompareCommand(deps([]));
    await expect(compare.run(['--robot', 'reacher', '--algos', 'fake-on,td4', '--out', out])).rejects.toThrow("unknown algorithm 'td4'");
    await expect(compare.run(['--robot', 'reacher', '--algos', 'fake-on,fake-on', '--out', out])).rejects.toThrow('--algos repeats an algorithm');
    await expect(compare.run(['--robot', 'reacher', '--algos', 'fake-on', '--set', 'x=1', '--out', out])).rejects.toThrow("unknown config field 'x'");
    await expect(compare.run(['--robot', 'reacher', '--algos', 'fake-on', '--seeds', '0', '--out', out])).rejects.toThrow(
      '--seeds: must be at least 1',
    );
    expect(readdirSync(out)).toEqual([]);
    expect(existsSync(join(out, 'logs'))).toBe(false);
  });
});

describe('sinew compare when children fail', () => {
  it('points at the logs when no run started', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sinew-compare-'));
    // An entry that is not sinew: every child exits with an error.
    const failing = { ...deps([]), sinewEntry: ['-e', 'process.exit(3)'] };
    await expect(
      makeCompareCommand(failing).run(['--robot', 'reacher', '--algos', 'fake-on', '--seeds', '2', '--out', out, '--name', 'c']),
    ).rejects.toThrow(`no run started; see the logs in ${join(out, 'c', 'logs')}`);
  });
});
