import { mkdtemp, readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IpcChannel } from '../../app/shared/ipc.ts';
import { createIpcHandlers, type MainServices } from '../../app/main/ipc-handlers.ts';
import { RunFiles } from '../../app/main/run-files.ts';

async function services(): Promise<{ services: MainServices; root: string; saved: string[] }> {
  const root = await mkdtemp(join(tmpdir(), 'sinew-ipc-'));
  const saved: string[] = [];
  return {
    root,
    saved,
    services: {
      appInfo: { version: '0.1.0', platform: 'linux', runsDirectory: root, cores: 2 },
      runFiles: new RunFiles(root),
      showSaveDialog: async (files) => {
        saved.push(...files.files.map((file) => file.name));
        return '/chosen';
      },
      showOpenDialog: async () => null,
    },
  };
}

describe('IPC handlers', () => {
  it('has exactly one handler per declared channel', async () => {
    const handlers = createIpcHandlers((await services()).services);
    expect(Object.keys(handlers).sort()).toEqual(Object.values(IpcChannel).sort());
  });

  it('writes run files atomically and lists only folders with a config.json', async () => {
    const { services: s, root } = await services();
    const handlers = createIpcHandlers(s);
    await handlers[IpcChannel.writeRunFile]({ path: 'run-a/config.json', data: new TextEncoder().encode('{"a":1}') });
    await mkdir(join(root, 'not-a-run'));
    await writeFile(join(root, 'stray.txt'), 'x');
    expect(await handlers[IpcChannel.listRuns]()).toEqual(['run-a']);
    expect(new TextDecoder().decode((await handlers[IpcChannel.readRunFile]({ path: 'run-a/config.json' })) as Uint8Array)).toBe('{"a":1}');
    expect((await readdir(join(root, 'run-a'))).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('refuses paths outside the runs directory and malformed arguments', async () => {
    const handlers = createIpcHandlers((await services()).services);
    await expect(handlers[IpcChannel.readRunFile]({ path: '../etc/passwd' })).rejects.toThrow(/inside the runs directory/);
    await expect(handlers[IpcChannel.readRunFile]({ path: '/etc/passwd' })).rejects.toThrow(/inside the runs directory/);
    await expect(handlers[IpcChannel.readRunFile]('run-a/config.json')).rejects.toThrow(/expected an object/);
    await expect(handlers[IpcChannel.writeRunFile]({ path: 'a/b', data: 'text' })).rejects.toThrow(/Uint8Array/);
    await expect(handlers[IpcChannel.deleteRun]('../x')).rejects.toThrow();
  });

  it('appends metrics lines and removes single run files', async () => {
    const { services: s, root } = await services();
    const handlers = createIpcHandlers(s);
    const bytes = (text: string) => new TextEncoder().encode(text);
    await handlers[IpcChannel.appendRunFile]({ path: 'r/metrics.jsonl', data: bytes('{"a":1}\n') });
    await handlers[IpcChannel.appendRunFile]({ path: 'r/metrics.jsonl', data: bytes('{"a":2}\n') });
    expect(await readFile(join(root, 'r', 'metrics.jsonl'), 'utf8')).toBe('{"a":1}\n{"a":2}\n');
    await handlers[IpcChannel.removeRunFile]({ path: 'r/metrics.jsonl' });
    await handlers[IpcChannel.removeRunFile]({ path: 'r/metrics.jsonl' });
    await expect(readFile(join(root, 'r', 'metrics.jsonl'))).rejects.toThrow();
    await expect(handlers[IpcChannel.removeRunFile]({ path: 'r' })).rejects.toThrow(/inside a run folder/);
  });

  it('deletes only real run folders', async () => {
    const { services: s, root } = await services();
    const handlers = createIpcHandlers(s);
    await mkdir(join(root, 'keep'));
    await expect(handlers[IpcChannel.deleteRun]('keep')).rejects.toThrow(/not a run folder/);
    await handlers[IpcChannel.writeRunFile]({ path: 'gone/config.json', data: new Uint8Array([123, 125]) });
    await handlers[IpcChannel.deleteRun]('gone');
    expect(await handlers[IpcChannel.listRuns]()).toEqual([]);
    await expect(readFile(join(root, 'gone', 'config.json'))).rejects.toThrow();
  });

  it('validates policy file names before a save dialog sees them', async () => {
    const { services: s, saved } = await services();
    const handlers = createIpcHandlers(s);
    await expect(handlers[IpcChannel.savePolicyDialog]({ files: [{ name: '../evil', data: new Uint8Array() }] })).rejects.toThrow(/not allowed/);
    await expect(handlers[IpcChannel.savePolicyDialog]({ files: [] })).rejects.toThrow(/1 to 8/);
    expect(await handlers[IpcChannel.savePolicyDialog]({ files: [{ name: 'model.json', data: new Uint8Array([1]) }] })).toBe('/chosen');
    expect(saved).toEqual(['model.json']);
  });
});
