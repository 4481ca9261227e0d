import { describe, it, expect } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeReportCommand } from '../../app/cli/commands/report.ts';
import { makeTrainCommand } from '../../app/cli/commands/train.ts';
import type { CliDeps } from '../../app/cli/support.ts';
import { fakeCatalog } from '../fixtures/fake-trainer.ts';

const printed: string[] = [];
const deps: CliDeps = {
  loadCatalog: async () => fakeCatalog,
  progress: { isTTY: false, write: () => true },
  print: (l) => printed.push(l),
  handleSignals: false,
};

async function makeRuns(robot = 'reacher'): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'sinew-report-'));
  for (const algo of ['fake-on', 'fake-off']) {
    for (const seed of [1, 2]) {
      await makeTrainCommand(deps).run([
        '--robot',
        robot,
        '--algo',
        algo,
        '--seed',
        String(seed),
        '--steps',
        '4096',
        '--out',
        out,
        '--name',
        `${algo}-${seed}`,
      ]);
    }
  }
  return out;
}

describe('sinew report', () => {
  it('writes report.md, curves.svg and a PNG into the folder of runs', async () => {
    const out = await makeRuns();
    printed.length = 0;
    expect(await makeReportCommand(deps).run([out, '--threshold', '-30'])).toBe(0);
    // The summary table goes to the terminal too: header, rule, one row per algorithm, then the file list.
    expect(printed.length).toBe(5);
    expect(printed[0]).toContain('| algorithm | seeds | final training return |');
    expect(printed[4]).toContain('report of 4 runs:');
    const markdown = readFileSync(join(out, 'report.md'), 'utf8');
    expect(markdown).toContain('# reacher: fake-off vs fake-on'); // folders in name order
    expect(markdown).toMatch(/\| fake-on \| 2 \| -?\d+\.\d ± \d+\.\d \|/);
    expect(markdown).toContain('time to -30');
    const png = readFileSync(join(out, 'curves.png'));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBe(1200); // IHDR width
    expect(readFileSync(join(out, 'curves.svg'), 'utf8')).toContain('fake-off (2 seeds)');
  });

  it('takes single run folders and an --out folder', async () => {
    const out = await makeRuns();
    const dest = join(out, 'rep');
    await makeReportCommand(deps).run([join(out, 'fake-on-1'), join(out, 'fake-on-2'), '--out', dest]);
    expect(readFileSync(join(dest, 'report.md'), 'utf8')).toContain('| fake-on | 2 |');
  });

  it('refuses folders without runs, mixed robots and a bad threshold', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'sinew-report-'));
    const report = makeReportCommand(deps);
    await expect(report.run([empty])).rejects.toThrow('is neither a run folder nor a folder of runs');
    await expect(report.run([join(empty, 'x')])).rejects.toThrow('no run folder at');
    await expect(report.run([])).rejects.toThrow('name one or more run folders');
    const reacher = await makeRuns('reacher');
    const hopper = join(reacher, 'h');
    mkdirSync(hopper);
    await makeTrainCommand(deps).run(['--robot', 'hopper', '--algo', 'fake-on', '--steps', '1024', '--out', hopper, '--name', 'h1']);
    await expect(report.run([join(reacher, 'fake-on-1'), join(hopper, 'h1')])).rejects.toThrow(
      'a report compares runs of one robot; got reacher, hopper',
    );
    await expect(report.run([reacher, '--threshold', 'high'])).rejects.toThrow("--threshold: 'high' is not a number");
  });
});

describe('sinew report --by run', () => {
  it('gives each run its own row and curve', async () => {
    const out = await makeRuns();
    await makeReportCommand(deps).run([join(out, 'fake-on-1'), join(out, 'fake-on-2'), '--by', 'run', '--out', join(out, 'rep')]);
    const markdown = readFileSync(join(out, 'rep', 'report.md'), 'utf8');
    expect(markdown).toContain('| run | seeds |');
    expect(markdown).toMatch(/\| fake-on-1 \| 1 \|/);
    expect(markdown).toMatch(/\| fake-on-2 \| 1 \|/);
    await expect(makeReportCommand(deps).run([out, '--by', 'seed'])).rejects.toThrow("--by must be 'algorithm' or 'run', got 'seed'");
  });
});
