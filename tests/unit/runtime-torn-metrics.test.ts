import { describe, it, expect } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTrainCommand } from '../../app/cli/commands/train.ts';
import { makeResumeCommand } from '../../app/cli/commands/resume.ts';
import type { CliDeps } from '../../app/cli/support.ts';
import { parseMetrics, repairedMetricsText } from '../../app/runtime/metrics.ts';
import { RunFolder } from '../../app/runtime/run-folder.node.ts';
import { StoredRun } from '../../app/renderer/training/stored-run.ts';
import type { RunStore } from '../../app/renderer/storage/run-store.ts';
import { fakeCatalog } from '../fixtures/fake-trainer.ts';

const deps = (): CliDeps => ({
  loadCatalog: async () => fakeCatalog,
  progress: { isTTY: false, write: () => true },
  print: () => {},
  handleSignals: false,
});
const base = ['--robot', 'reacher', '--algo', 'fake-on', '--checkpoint-every', '512'];
/** What a full disk leaves: the first bytes of a record and no newline. */
const TORN = '{"envSteps":1088,"wallTime":0.21,"episode_re';

/** An in-memory run store, the way OPFS or the Electron bridge behave for StoredRun. */
class MemoryStore implements RunStore {
  readonly location = 'memory';
  readonly files = new Map<string, Uint8Array>();
  async listRuns(): Promise<string[]> {
    return [];
  }
  async listFiles(folder: string): Promise<string[]> {
    return [...this.files.keys()]
      .filter((path) => path.startsWith(`${folder}/`))
      .map((path) => path.slice(folder.length + 1))
      .sort();
  }
  async read(path: string): Promise<Uint8Array | null> {
    return this.files.get(path) ?? null;
  }
  async write(path: string, data: Uint8Array): Promise<void> {
    this.files.set(path, data.slice());
  }
  async append(path: string, data: Uint8Array): Promise<void> {
    const old = this.files.get(path) ?? new Uint8Array();
    const joined = new Uint8Array(old.length + data.length);
    joined.set(old);
    joined.set(data, old.length);
    this.files.set(path, joined);
  }
  async remove(path: string): Promise<void> {
    this.files.delete(path);
  }
  async deleteRun(): Promise<void> {}
  async lock(): Promise<void> {}
  async unlock(): Promise<void> {}
  async lockedElsewhere(): Promise<string[]> {
    return [];
  }
}

describe('a torn last line of metrics.jsonl', () => {
  it('is cut back to the last whole record, or completed when only its newline is missing', () => {
    expect(repairedMetricsText('')).toBeNull();
    expect(repairedMetricsText('{"envSteps":1,"wallTime":0}\n')).toBeNull();
    expect(repairedMetricsText(`{"envSteps":1,"wallTime":0}\n${TORN}`)).toBe('{"envSteps":1,"wallTime":0}\n');
    expect(repairedMetricsText(TORN)).toBe('');
    expect(repairedMetricsText('{"envSteps":1,"wallTime":0}\n{"envSteps":2,"wallTime":1}')).toBe(
      '{"envSteps":1,"wallTime":0}\n{"envSteps":2,"wallTime":1}\n',
    );
  });

  it('does not break the run after a resume (command line)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sinew-torn-'));
    await makeTrainCommand(deps()).run([...base, '--out', out, '--name', 'r', '--steps', '1024']);
    const metrics = join(out, 'r', 'metrics.jsonl');
    appendFileSync(metrics, TORN);
    expect(await makeResumeCommand(deps()).run([join(out, 'r'), '--steps', '2048'])).toBe(0);
    const steps = RunFolder.open(join(out, 'r'))
      .readMetrics()
      .map((record) => record.envSteps);
    // The reacher preset takes 4 x 8 = 32 env steps per iteration: one record every 32 steps, none twice.
    expect(steps).toEqual(Array.from({ length: 64 }, (_, i) => 32 * (i + 1)));
    // Every line, the last included, is a whole record: a second resume and report can read it.
    expect(readFileSync(metrics, 'utf8').endsWith('}\n')).toBe(true);
    expect(await makeResumeCommand(deps()).run([join(out, 'r'), '--steps', '2560'])).toBe(0);
    expect(RunFolder.open(join(out, 'r')).readMetrics().length).toBe(80);
  });

  it('does not break a run of the app', async () => {
    const store = new MemoryStore();
    const run = await StoredRun.create(store, 'r', {
      runFormat: 1,
      robot: 'reacher',
      algorithm: 'fake-on',
      preset: null,
      physics: 'rapier',
      seed: 1,
      workers: 0,
      totalSteps: 100,
      checkpointEvery: 10,
      keepCheckpoints: 2,
      overrides: {},
      algorithmConfig: {},
      versions: {},
      createdAt: '2026-01-01T00:00:00Z',
    });
    await store.write('r/metrics.jsonl', new TextEncoder().encode(`{"envSteps":10,"wallTime":1}\n${TORN}`));
    await run.appendMetrics([{ envSteps: 20, wallTime: 2 }]);
    await run.flush();
    const reopened = await StoredRun.open(store, 'r');
    expect((await reopened.readMetrics()).map((record) => record.envSteps)).toEqual([10, 20]);
    expect(parseMetrics(new TextDecoder().decode(store.files.get('r/metrics.jsonl')))).toHaveLength(2);
  });
});
