import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunFolder } from '../../app/runtime/run-folder.node.ts';
import { resolveRunConfig } from '../../app/runtime/run-config.ts';
import { runSession } from '../../app/runtime/session.node.ts';
import { fakeCatalog } from '../fixtures/fake-trainer.ts';

const silent = { isTTY: false, write: () => true };
const config = resolveRunConfig(
  fakeCatalog,
  { robot: 'hopper', algorithm: 'fake-off', seed: 7, workers: 0, totalSteps: 2048, checkpointEvery: 512, keepCheckpoints: 3, set: [] },
  { sinew: '0.1.0' },
);

describe('runSession', () => {
  it('a run stopped and resumed logs exactly what an uninterrupted run logs', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'sinew-session-'));
    const whole = RunFolder.create(parent, config, 'whole');
    expect((await runSession(whole, { catalog: fakeCatalog, progress: silent })).outcome).toBe('finished');

    const split = RunFolder.create(parent, config, 'split');
    let iterations = 0;
    // Stop after 11 iterations (704 steps): the stop writes a checkpoint off the 512 grid.
    const first = await runSession(split, { catalog: fakeCatalog, progress: silent, shouldStop: () => ++iterations > 11 });
    expect([first.outcome, first.envSteps]).toEqual(['stopped', 704]);
    const second = await runSession(RunFolder.open(split.path), { catalog: fakeCatalog, progress: silent, resumeFrom: 'latest' });
    expect([second.outcome, second.envSteps]).toEqual(['finished', 2048]);

    expect(readFileSync(split.metricsPath, 'utf8')).toBe(readFileSync(whole.metricsPath, 'utf8'));
    expect(split.loadCheckpoint().state).toEqual(whole.loadCheckpoint().state);
    expect(split.readMetrics().length).toBe(32);
  });

  it('resuming from an older checkpoint (after a hard kill) drops the later metrics and still matches', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'sinew-session-'));
    const whole = RunFolder.create(parent, config, 'whole');
    await runSession(whole, { catalog: fakeCatalog, progress: silent });
    const killed = RunFolder.create(parent, config, 'killed');
    await runSession(killed, { catalog: fakeCatalog, progress: silent, totalSteps: 1024 });
    // As if killed at 1024 right after the 512 checkpoint: resume from 512 re-logs 512..1024.
    await runSession(RunFolder.open(killed.path), { catalog: fakeCatalog, progress: silent, resumeFrom: '512' });
    expect(readFileSync(killed.metricsPath, 'utf8')).toBe(readFileSync(whole.metricsPath, 'utf8'));
  });

  it('fails before training on a bad checkpoint, leaving the run untouched', async () => {
    const run = RunFolder.create(mkdtempSync(join(tmpdir(), 'sinew-session-')), config, 'r');
    await expect(runSession(run, { catalog: fakeCatalog, progress: silent, resumeFrom: 'latest' })).rejects.toThrow('has no checkpoint yet');
    expect(run.readMetrics()).toEqual([]);
  });
});

describe('runSession and the run lock', () => {
  it('refuses a run another live process is training, takes over a stale lock and releases it', async () => {
    const run = RunFolder.create(mkdtempSync(join(tmpdir(), 'sinew-session-')), { ...config, totalSteps: 256 }, 'r');
    const lock = join(run.path, 'lock');
    writeFileSync(lock, String(process.ppid)); // the test runner's parent: alive
    await expect(runSession(run, { catalog: fakeCatalog, progress: silent })).rejects.toThrow(
      `${run.path} is being trained by process ${process.ppid}; stop it first`,
    );
    expect(run.readMetrics()).toEqual([]);
    writeFileSync(lock, '2147483646'); // no such process: a lock left by a crash
    expect((await runSession(run, { catalog: fakeCatalog, progress: silent })).outcome).toBe('finished');
    expect(existsSync(lock)).toBe(false);
  });
});
