import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunFiles } from '../../app/main/run-files.ts';
import { makeTrainCommand } from '../../app/cli/commands/train.ts';
import { fakeCatalog } from '../fixtures/fake-trainer.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

function runsWithOneRun(): { root: string; outside: string } {
  const root = mkdtempSync(join(tmpdir(), 'sinew-runfiles-'));
  const outside = mkdtempSync(join(tmpdir(), 'sinew-outside-'));
  mkdirSync(join(root, 'r', 'checkpoints'), { recursive: true });
  writeFileSync(join(root, 'r', 'config.json'), '{}');
  writeFileSync(join(outside, 'victim.txt'), 'keep me\n');
  return { root, outside };
}

describe("the desktop app's run files", () => {
  it('reads runs when SINEW_RUNS_DIR ends with a slash, as the README writes it', async () => {
    const { root } = runsWithOneRun();
    const files = new RunFiles(`${root}/`);
    expect(files.runsDirectory).toBe(root);
    expect(await files.listRuns()).toEqual(['r']);
    expect(text(await files.read('r/config.json'))).toBe('{}');
    await files.write('r/metrics.jsonl', bytes('{"envSteps":1,"wallTime":0}\n'));
    expect(await files.listFiles('r')).toEqual(['config.json', 'metrics.jsonl']);
    await expect(files.read('../x')).rejects.toThrow('must stay inside the runs directory');
  });

  it('refuses symbolic links out of the runs folder: files, run folders and checkpoint folders', async () => {
    const { root, outside } = runsWithOneRun();
    const files = new RunFiles(root);
    const victim = join(outside, 'victim.txt');
    symlinkSync(victim, join(root, 'r', 'metrics.jsonl'));
    symlinkSync(outside, join(root, 'linked'));
    symlinkSync(outside, join(root, 'r', 'exports'));
    const refused = /goes through a symbolic link/;
    await expect(files.append('r/metrics.jsonl', bytes('appended\n'))).rejects.toThrow(refused);
    await expect(files.read('r/metrics.jsonl')).rejects.toThrow(refused);
    await expect(files.write('r/metrics.jsonl', bytes('replaced\n'))).rejects.toThrow(refused);
    await expect(files.remove('r/metrics.jsonl')).rejects.toThrow(refused);
    await expect(files.read('linked/victim.txt')).rejects.toThrow(refused);
    await expect(files.write('linked/config.json', bytes('{}'))).rejects.toThrow(refused);
    await expect(files.listFiles('linked')).rejects.toThrow(refused);
    await expect(files.deleteRun('linked')).rejects.toThrow(refused);
    await expect(files.write('r/exports/policy.onnx', bytes('x'))).rejects.toThrow(refused);
    expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
    expect(await files.listRuns()).toEqual(['r']);
  });

  it('leaves a run the command line trains alone and shows it as locked', async () => {
    const { root } = runsWithOneRun();
    const files = new RunFiles(root);
    // A live process other than this one holds the lock: our parent stands in for `sinew train`.
    writeFileSync(join(root, 'r', 'lock'), String(process.ppid));
    expect(await files.lockedRuns()).toEqual(['r']);
    const elsewhere = `run 'r' is training elsewhere (process ${process.ppid} holds its lock)`;
    await expect(files.append('r/metrics.jsonl', bytes('{}\n'))).rejects.toThrow(elsewhere);
    await expect(files.write('r/checkpoints/step-000000000064.ckpt', bytes('x'))).rejects.toThrow(elsewhere);
    await expect(files.remove('r/config.json')).rejects.toThrow(elsewhere);
    await expect(files.deleteRun('r')).rejects.toThrow(elsewhere);
    await expect(files.lockRun('r')).rejects.toThrow(elsewhere);
    expect(text(await files.read('r/config.json'))).toBe('{}');
    // A lock whose process is gone is stale: the app may take the run over.
    writeFileSync(join(root, 'r', 'lock'), String(spawnSync(process.execPath, ['-e', '0']).pid));
    expect(await files.lockedRuns()).toEqual([]);
    await files.lockRun('r');
    expect(readFileSync(join(root, 'r', 'lock'), 'utf8')).toBe(String(process.pid));
    await files.unlockRun('r');
    await files.deleteRun('r');
    expect(await files.listRuns()).toEqual([]);
  });

  it('locks the runs the app trains against the command line', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sinew-runfiles-'));
    const deps = { loadCatalog: async () => fakeCatalog, progress: { isTTY: false, write: () => true }, print: () => {}, handleSignals: false };
    await makeTrainCommand(deps).run(['--robot', 'reacher', '--algo', 'fake-on', '--steps', '64', '--out', root, '--name', 'r']);
    const files = new RunFiles(root);
    await files.lockRun('r');
    const resume = () =>
      spawnSync(process.execPath, ['--import', 'tsx', 'tests/fixtures/fake-sinew.ts', 'resume', join(root, 'r'), '--steps', '128'], {
        encoding: 'utf8',
      });
    const refused = resume();
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`${join(root, 'r')} is being trained by process ${process.pid}; stop it first`);
    await files.unlockRun('r');
    expect(resume().status).toBe(0);
  });
});
