import { describe, it, expect, beforeEach } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunFolder } from '../../app/runtime/run-folder.node.ts';
import { resolveRunConfig } from '../../app/runtime/run-config.ts';
import type { CheckpointMeta } from '../../app/runtime/checkpoint.ts';
import { fakeCatalog } from '../fixtures/fake-trainer.ts';

const config = resolveRunConfig(
  fakeCatalog,
  { robot: 'reacher', algorithm: 'fake-on', seed: 3, workers: 0, totalSteps: 1000, checkpointEvery: 100, keepCheckpoints: 2, set: [] },
  { sinew: '0.1.0' },
);
const meta = (envSteps: number, meanReturn: number | null): CheckpointMeta => ({
  robot: 'reacher',
  algorithm: 'fake-on',
  envSteps,
  meanReturn,
  sinewVersion: '0.1.0',
  createdAt: 'now',
});
const state = (value: number) => ({ json: { value }, arrays: { w: Float32Array.from([value]) } });

let parent: string;
beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), 'sinew-run-'));
});

describe('RunFolder', () => {
  it('creates the layout and reopens it with the same config; refuses an existing folder', () => {
    const run = RunFolder.create(parent, config, 'r1');
    expect(readdirSync(run.path).sort()).toEqual(['checkpoints', 'config.json', 'exports']);
    expect(RunFolder.open(run.path).config).toEqual(config);
    expect(() => RunFolder.create(parent, config, 'r1')).toThrow('already exists');
    expect(() => RunFolder.create(parent, config, '../escape')).toThrow("run name '../escape' must be a plain folder name");
    expect(readdirSync(parent)).toEqual(['r1']);
  });

  it('names runs after robot, algorithm, seed and time', () => {
    const run = RunFolder.create(parent, { ...config, createdAt: '2026-11-25T03:04:05.678Z' });
    expect(run.name).toBe('reacher-fake-on-seed3-20261125-030405');
  });

  it('appends metrics and TensorBoard events, drops records after a checkpoint on resume', () => {
    const run = RunFolder.create(parent, config, 'r');
    run.appendMetrics([
      { envSteps: 10, wallTime: 1, episode_return: -5 },
      { envSteps: 20, wallTime: 2 },
    ]);
    run.appendMetrics([{ envSteps: 30, wallTime: 3 }]);
    expect(run.readMetrics().map((r) => r.envSteps)).toEqual([10, 20, 30]);
    const events = readdirSync(run.path).filter((name) => name.startsWith('events.out.tfevents.'));
    expect(events.length).toBe(1);
    const eventsPath = join(run.path, events[0]);
    const before = readFileSync(eventsPath).length;
    expect(run.truncateMetricsAfter(20)).toBe(1);
    expect(run.readMetrics().map((r) => r.envSteps)).toEqual([10, 20]);
    expect(readFileSync(eventsPath).length).toBeLessThan(before);
  });

  it('keeps the last checkpoints and the best one, ignoring interrupted writes', () => {
    const run = RunFolder.create(parent, config, 'r');
    run.saveCheckpoint(state(1), meta(100, -10));
    run.saveCheckpoint(state(2), meta(200, -2));
    run.saveCheckpoint(state(3), meta(300, -5));
    writeFileSync(join(run.checkpointsDir, 'step-000000000400.ckpt.tmp-999'), 'half a checkpoint');
    expect(readdirSync(run.checkpointsDir).sort()).toEqual([
      'best.ckpt',
      'step-000000000200.ckpt',
      'step-000000000300.ckpt',
      'step-000000000400.ckpt.tmp-999',
    ]);
    expect(run.loadCheckpoint().meta.envSteps).toBe(300);
    expect(run.loadCheckpoint('best').state.json).toEqual({ value: 2 });
    expect(run.loadCheckpoint('200').meta.envSteps).toBe(200);
    // A reopened folder remembers the best so far: -3 does not beat -2.
    const reopened = RunFolder.open(run.path);
    reopened.saveCheckpoint(state(4), meta(400, -3));
    expect(reopened.loadCheckpoint('best').meta.envSteps).toBe(200);
  });

  it('gives one clear error for missing folders, configs, checkpoints and corrupt files', () => {
    expect(() => RunFolder.open(join(parent, 'nope'))).toThrow(`no run folder at ${join(parent, 'nope')}`);
    const run = RunFolder.create(parent, config, 'r');
    expect(() => run.loadCheckpoint()).toThrow('has no checkpoint yet');
    expect(() => run.loadCheckpoint('best')).toThrow('best.ckpt does not exist');
    const path = run.saveCheckpoint(state(1), meta(100, null));
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 8));
    expect(() => run.loadCheckpoint()).toThrow(`${path} is corrupt`);
    writeFileSync(join(run.path, 'config.json'), JSON.stringify({ ...config, runFormat: 99 }));
    expect(() => RunFolder.open(run.path)).toThrow('has run format 99; this sinew reads run format 1 (incompatible version)');
    writeFileSync(join(run.path, 'config.json'), '{oops');
    expect(() => RunFolder.open(run.path)).toThrow('config.json is not valid JSON');
    expect(existsSync(path)).toBe(true);
  });
});
