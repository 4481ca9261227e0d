import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTrainCommand } from '../../app/cli/commands/train.ts';
import type { CliDeps } from '../../app/cli/support.ts';
import type { Catalog } from '../../app/runtime/catalog.ts';
import { RunFolder } from '../../app/runtime/run-folder.node.ts';
import { resolveRunConfig } from '../../app/runtime/run-config.ts';
import { fakeCatalog } from '../fixtures/fake-trainer.ts';

const config = resolveRunConfig(
  fakeCatalog,
  { robot: 'reacher', algorithm: 'fake-on', seed: 1, workers: 0, totalSteps: 64, checkpointEvery: 32, keepCheckpoints: 1, set: [] },
  { sinew: 'test' },
);

/** Runs `count` contenders that all act at the same moment; returns what each printed. */
async function race(mode: 'lock' | 'create', folder: string, count: number): Promise<string[]> {
  const barrier = mkdtempSync(join(tmpdir(), 'sinew-barrier-'));
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['--import', 'tsx', 'tests/fixtures/run-claimer.ts', mode, folder, barrier, String(count)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  return Promise.all(
    children.map(
      (child) =>
        new Promise<string>((resolve) => {
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
          child.on('close', () => resolve(out.trim()));
        }),
    ),
  );
}

/** A pid that no process has any more: a stale lock's. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid ?? 999_999;
}

describe('run folder races', () => {
  it('of processes taking over one stale lock at once, exactly one wins', async () => {
    const folder = RunFolder.create(mkdtempSync(join(tmpdir(), 'sinew-lock-')), config, 'r').path;
    writeFileSync(join(folder, 'lock'), String(deadPid()));
    const results = await race('lock', folder, 5);
    expect(results.filter((result) => result === 'won')).toHaveLength(1);
    expect(results.filter((result) => result.startsWith('lost: ') && result.includes('is being trained by process'))).toHaveLength(4);
  });

  it('of processes creating the same run folder at once, exactly one creates it', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'sinew-create-'));
    const results = await race('create', parent, 4);
    expect(results.filter((result) => result === 'won')).toHaveLength(1);
    expect(results.filter((result) => result.includes('already exists'))).toHaveLength(3);
  });

  it('a lock is released only by its holder, and a live holder keeps it', () => {
    const run = RunFolder.create(mkdtempSync(join(tmpdir(), 'sinew-lock-')), config, 'r');
    const release = run.lock();
    // A process that found this lock stale (it was not) and replaced it: its lock is not ours to remove.
    writeFileSync(join(run.path, 'lock'), String(process.ppid));
    release();
    expect(existsSync(join(run.path, 'lock'))).toBe(true);
    expect(() => run.lock()).toThrow(`${run.path} is being trained by process ${process.ppid}; stop it first`);
  });

  it('a failed train removes only what it created: never what another process put in the folder', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sinew-create-'));
    let intruder = false;
    const failing: Catalog = {
      ...fakeCatalog,
      algorithms: {
        ...fakeCatalog.algorithms,
        'fake-on': {
          ...fakeCatalog.algorithms['fake-on'],
          async createTrainer() {
            // Another process writes into the folder while this one starts (here: an exported policy).
            if (intruder) writeFileSync(join(out, 'r', 'exports', 'policy.onnx'), 'theirs');
            throw new Error('the trainer could not start');
          },
        },
      },
    };
    const deps: CliDeps = { loadCatalog: async () => failing, progress: { isTTY: false, write: () => true }, print: () => {}, handleSignals: false };
    const args = ['--robot', 'reacher', '--algo', 'fake-on', '--out', out, '--name', 'r'];
    await expect(makeTrainCommand(deps).run(args)).rejects.toThrow('the trainer could not start');
    expect(readdirSync(out)).toEqual([]);
    intruder = true;
    await expect(makeTrainCommand(deps).run(args)).rejects.toThrow('the trainer could not start');
    expect(readdirSync(join(out, 'r', 'exports'))).toEqual(['policy.onnx']);
    // And a folder that already exists is never this process's to remove.
    mkdirSync(join(out, 'empty'));
    expect(() => RunFolder.create(out, config, 'empty')).toThrow('already exists');
    expect(existsSync(join(out, 'empty'))).toBe(true);
  });
});
