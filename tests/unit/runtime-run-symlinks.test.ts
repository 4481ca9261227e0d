import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTrainCommand } from '../../app/cli/commands/train.ts';
import { makeResumeCommand } from '../../app/cli/commands/resume.ts';
import type { CliDeps } from '../../app/cli/support.ts';
import { RunFolder } from '../../app/runtime/run-folder.node.ts';
import { fakeCatalog } from '../fixtures/fake-trainer.ts';

const deps = (): CliDeps => ({
  loadCatalog: async () => fakeCatalog,
  progress: { isTTY: false, write: () => true },
  print: () => {},
  handleSignals: false,
});

async function trainedRun(): Promise<{ run: string; outside: string }> {
  const out = mkdtempSync(join(tmpdir(), 'sinew-links-'));
  await makeTrainCommand(deps()).run([
    '--robot',
    'reacher',
    '--algo',
    'fake-on',
    '--steps',
    '128',
    '--checkpoint-every',
    '64',
    '--out',
    out,
    '--name',
    'r',
  ]);
  return { run: join(out, 'r'), outside: mkdtempSync(join(tmpdir(), 'sinew-outside-')) };
}

describe('run folders with symbolic links in them', () => {
  it('resume refuses a metrics.jsonl that links outside the run, and the file outside is untouched', async () => {
    const { run, outside } = await trainedRun();
    const victim = join(outside, 'victim.jsonl');
    writeFileSync(victim, readFileSync(join(run, 'metrics.jsonl')));
    const before = readFileSync(victim, 'utf8');
    rmSync(join(run, 'metrics.jsonl'));
    symlinkSync(victim, join(run, 'metrics.jsonl'));
    await expect(makeResumeCommand(deps()).run([run, '--steps', '256'])).rejects.toThrow(`${join(run, 'metrics.jsonl')} is a symbolic link`);
    expect(readFileSync(victim, 'utf8')).toBe(before);
  });

  it('refuses linked checkpoint folders, checkpoints and configs', async () => {
    const { run, outside } = await trainedRun();
    renameSync(join(run, 'checkpoints'), join(outside, 'checkpoints'));
    symlinkSync(join(outside, 'checkpoints'), join(run, 'checkpoints'));
    expect(() => RunFolder.open(run)).toThrow(`${join(run, 'checkpoints')} is a symbolic link`);
    rmSync(join(run, 'checkpoints'));
    renameSync(join(outside, 'checkpoints'), join(run, 'checkpoints'));
    const latest = join(run, 'checkpoints', 'step-000000000128.ckpt');
    renameSync(latest, join(outside, 'step.ckpt'));
    symlinkSync(join(outside, 'step.ckpt'), latest);
    expect(() => RunFolder.open(run)).toThrow(`${latest} is a symbolic link`);
    rmSync(latest);
    renameSync(join(run, 'config.json'), join(outside, 'config.json'));
    symlinkSync(join(outside, 'config.json'), join(run, 'config.json'));
    expect(() => RunFolder.open(run)).toThrow(`${join(run, 'config.json')} is a symbolic link`);
  });
});
