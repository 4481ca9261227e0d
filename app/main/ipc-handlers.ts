import { IpcChannel, type AppInfo, type IpcChannelName, type PolicyFiles, type RunFileRequest, type RunFileWrite } from '../shared/ipc.ts';
import type { RunFiles } from './run-files.ts';
import { isSafeFileName } from './security.ts';

/** What the handlers need from Electron, injected so they can be unit-tested without it. */
export interface MainServices {
  readonly appInfo: AppInfo;
  readonly runFiles: RunFiles;
  showSaveDialog(files: PolicyFiles): Promise<string | null>;
  showOpenDialog(): Promise<PolicyFiles | null>;
}

type Handler = (...args: unknown[]) => Promise<unknown>;

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw new Error(`${what}: expected an object`);
  return value as Record<string, unknown>;
}

function asString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what}: expected a string`);
  return value;
}

function asRunFileRequest(value: unknown): RunFileRequest {
  return { path: asString(asObject(value, 'run file request').path, 'run file path') };
}

function asRunFileWrite(value: unknown): RunFileWrite {
  const object = asObject(value, 'run file write');
  if (!(object.data instanceof Uint8Array)) throw new Error('run file write: data must be a Uint8Array');
  return { path: asString(object.path, 'run file path'), data: object.data };
}

function asPolicyFiles(value: unknown): PolicyFiles {
  const files = asObject(value, 'policy files').files;
  if (!Array.isArray(files) || files.length === 0 || files.length > 8) throw new Error('policy files: expected 1 to 8 files');
  return {
    files: files.map((file: unknown) => {
      const object = asObject(file, 'policy file');
      const name = asString(object.name, 'policy file name');
      if (!isSafeFileName(name)) throw new Error(`policy file name '${name}' is not allowed`);
      if (!(object.data instanceof Uint8Array)) throw new Error('policy file data must be a Uint8Array');
      return { name, data: object.data };
    }),
  };
}

/** One handler per channel; every argument from the renderer is validated before use. */
export function createIpcHandlers(services: MainServices): Record<IpcChannelName, Handler> {
  return {
    [IpcChannel.getAppInfo]: async () => services.appInfo,
    [IpcChannel.listRuns]: async () => services.runFiles.listRuns(),
    [IpcChannel.listRunFiles]: async (request) => services.runFiles.listFiles(asRunFileRequest(request).path),
    [IpcChannel.readRunFile]: async (request) => services.runFiles.read(asRunFileRequest(request).path),
    [IpcChannel.writeRunFile]: async (request) => {
      const write = asRunFileWrite(request);
      await services.runFiles.write(write.path, write.data);
    },
    [IpcChannel.appendRunFile]: async (request) => {
      const append = asRunFileWrite(request);
      await services.runFiles.append(append.path, append.data);
    },
    [IpcChannel.removeRunFile]: async (request) => services.runFiles.remove(asRunFileRequest(request).path),
    [IpcChannel.deleteRun]: async (run) => services.runFiles.deleteRun(asString(run, 'run name')),
    [IpcChannel.lockRun]: async (run) => services.runFiles.lockRun(asString(run, 'run name')),
    [IpcChannel.unlockRun]: async (run) => services.runFiles.unlockRun(asString(run, 'run name')),
    [IpcChannel.lockedRuns]: async () => services.runFiles.lockedRuns(),
    [IpcChannel.savePolicyDialog]: async (files) => services.showSaveDialog(asPolicyFiles(files)),
    [IpcChannel.openPolicyDialog]: async () => services.showOpenDialog(),
  };
}
