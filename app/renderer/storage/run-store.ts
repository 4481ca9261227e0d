/**
 * Where the app keeps runs: the command line's run-folder format (config.json, metrics.jsonl, checkpoints/,
 * exports/), on disk through the Electron bridge, or in the origin private file system in a browser.
 * Paths are "<run>/<file>" relative to the runs directory.
 */
export interface RunStore {
  /** Where runs live, for the user ("~/.config/Sinew/runs", "this browser's private storage"). */
  readonly location: string;
  listRuns(): Promise<string[]>;
  /** File names in a folder of a run, sorted; empty when the folder does not exist. */
  listFiles(folder: string): Promise<string[]>;
  read(path: string): Promise<Uint8Array | null>;
  /** Replaces the file atomically: a reader sees the old or the new content, never a mix. */
  write(path: string, data: Uint8Array): Promise<void>;
  /** Appends to the file, creating it when absent (metrics.jsonl). */
  append(path: string, data: Uint8Array): Promise<void>;
  /** Removes one file of a run (old checkpoints); absent files are fine. */
  remove(path: string): Promise<void>;
  deleteRun(run: string): Promise<void>;
  /** Claims a run before training it; refused while another process or tab trains it ("training elsewhere"). */
  lock(run: string): Promise<void>;
  unlock(run: string): Promise<void>;
  /** Runs another process or tab is training. */
  lockedElsewhere(): Promise<string[]>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function readText(store: RunStore, path: string): Promise<string | null> {
  const bytes = await store.read(path);
  return bytes === null ? null : decoder.decode(bytes);
}

export function writeText(store: RunStore, path: string, text: string): Promise<void> {
  return store.write(path, encoder.encode(text));
}

/** Checks a run or file name the user could have typed: letters, digits, '.', '_' and '-'. */
export function checkName(name: string, what = 'run name'): string {
  if (!/^[A-Za-z0-9][\w.-]{0,99}$/.test(name)) throw new Error(`${what} '${name}' may use only letters, digits, '.', '_' and '-' (up to 100)`);
  return name;
}

function splitPath(path: string): string[] {
  const parts = path.split('/');
  for (const part of parts) checkName(part, 'path component');
  return parts;
}

/** Runs in the origin private file system (browser). Writes go to a temp file that replaces the target. */
export class OpfsRunStore implements RunStore {
  readonly location = "this browser's private storage for this site";
  /** Releases of the Web Locks this tab holds, one per run it trains (other tabs of the site see them). */
  private readonly held = new Map<string, () => void>();

  private async root(): Promise<FileSystemDirectoryHandle> {
    const origin = await navigator.storage.getDirectory();
    return origin.getDirectoryHandle('runs', { create: true });
  }

  private async directory(parts: readonly string[], create: boolean): Promise<FileSystemDirectoryHandle | null> {
    let directory = await this.root();
    for (const part of parts) {
      try {
        directory = await directory.getDirectoryHandle(part, { create });
      } catch (error) {
        if (error instanceof DOMException && error.name === 'NotFoundError') return null;
        throw error;
      }
    }
    return directory;
  }

  async listRuns(): Promise<string[]> {
    const root = await this.root();
    const runs: string[] = [];
    for await (const [name, handle] of root.entries()) {
      if (handle.kind !== 'directory') continue;
      const hasConfig = await (handle as FileSystemDirectoryHandle).getFileHandle('config.json').then(
        () => true,
        () => false,
      );
      if (hasConfig) runs.push(name);
    }
    return runs.sort();
  }

  async listFiles(folder: string): Promise<string[]> {
    const directory = await this.directory(splitPath(folder), false);
    if (!directory) return [];
    const names: string[] = [];
    for await (const [name, handle] of directory.entries()) if (handle.kind === 'file') names.push(name);
    return names.sort();
  }

  async read(path: string): Promise<Uint8Array | null> {
    const parts = splitPath(path);
    const directory = await this.directory(parts.slice(0, -1), false);
    if (!directory) return null;
    try {
      const file = await (await directory.getFileHandle(parts[parts.length - 1])).getFile();
      return new Uint8Array(await file.arrayBuffer());
    } catch (error) {
      if (error instanceof DOMException && error.name === 'NotFoundError') return null;
      throw error;
    }
  }

  async write(path: string, data: Uint8Array): Promise<void> {
    const parts = splitPath(path);
    const directory = await this.directory(parts.slice(0, -1), true);
    if (!directory) throw new Error(`could not create the folder for ${path}`);
    // createWritable writes into a swap file that replaces the file only on close(): atomic for readers.
    const writable = await (await directory.getFileHandle(parts[parts.length - 1], { create: true })).createWritable();
    await writable.write(data as Uint8Array<ArrayBuffer>);
    await writable.close();
  }

  async append(path: string, data: Uint8Array): Promise<void> {
    const parts = splitPath(path);
    const directory = await this.directory(parts.slice(0, -1), true);
    if (!directory) throw new Error(`could not create the folder for ${path}`);
    const handle = await directory.getFileHandle(parts[parts.length - 1], { create: true });
    const size = (await handle.getFile()).size;
    const writable = await handle.createWritable({ keepExistingData: true });
    await writable.seek(size);
    await writable.write(data as Uint8Array<ArrayBuffer>);
    await writable.close();
  }

  async remove(path: string): Promise<void> {
    const parts = splitPath(path);
    const directory = await this.directory(parts.slice(0, -1), false);
    if (!directory) return;
    await directory.removeEntry(parts[parts.length - 1]).catch((error: unknown) => {
      if (!(error instanceof DOMException && error.name === 'NotFoundError')) throw error;
    });
  }

  async deleteRun(run: string): Promise<void> {
    if ((await this.lockedElsewhere()).includes(run)) throw new Error(`run '${run}' is training elsewhere (in another tab): stop it there first`);
    await (await this.root()).removeEntry(checkName(run), { recursive: true });
  }

  async lock(run: string): Promise<void> {
    if (this.held.has(run)) return;
    await new Promise<void>((resolve, reject) => {
      navigator.locks
        .request(`${RUN_LOCK_PREFIX}${checkName(run)}`, { ifAvailable: true }, (lock) => {
          if (lock === null) {
            reject(new Error(`run '${run}' is training elsewhere (in another tab): stop it there first`));
            return undefined;
          }
          // The lock is held until this promise settles, i.e. until unlock().
          const held = new Promise<void>((release) => this.held.set(run, release));
          resolve();
          return held;
        })
        .catch(reject);
    });
  }

  async unlock(run: string): Promise<void> {
    this.held.get(run)?.();
    this.held.delete(run);
  }

  async lockedElsewhere(): Promise<string[]> {
    const { held = [] } = await navigator.locks.query();
    return held
      .map((lock) => lock.name ?? '')
      .filter((name) => name.startsWith(RUN_LOCK_PREFIX))
      .map((name) => name.slice(RUN_LOCK_PREFIX.length))
      .filter((run) => !this.held.has(run));
  }
}

const RUN_LOCK_PREFIX = 'sinew-run:';

/** Runs on disk, in the command line's folders, through the Electron bridge (atomic writes happen in main). */
export class BridgeRunStore implements RunStore {
  constructor(
    private readonly bridge: NonNullable<Window['sinew']>,
    readonly location: string,
  ) {}

  listRuns(): Promise<string[]> {
    return this.bridge.listRuns();
  }

  listFiles(folder: string): Promise<string[]> {
    splitPath(folder);
    return this.bridge.listRunFiles({ path: folder });
  }

  async read(path: string): Promise<Uint8Array | null> {
    splitPath(path);
    try {
      return await this.bridge.readRunFile({ path });
    } catch (error) {
      if (error instanceof Error && /ENOENT/.test(error.message)) return null;
      throw error;
    }
  }

  write(path: string, data: Uint8Array): Promise<void> {
    splitPath(path);
    return this.bridge.writeRunFile({ path, data });
  }

  append(path: string, data: Uint8Array): Promise<void> {
    splitPath(path);
    return this.bridge.appendRunFile({ path, data });
  }

  remove(path: string): Promise<void> {
    splitPath(path);
    return this.bridge.removeRunFile({ path });
  }

  deleteRun(run: string): Promise<void> {
    return this.bridge.deleteRun(checkName(run));
  }

  lock(run: string): Promise<void> {
    return this.bridge.lockRun(checkName(run));
  }

  unlock(run: string): Promise<void> {
    return this.bridge.unlockRun(checkName(run));
  }

  lockedElsewhere(): Promise<string[]> {
    return this.bridge.lockedRuns();
  }
}

export async function openRunStore(): Promise<RunStore> {
  if (window.sinew) {
    const info = await window.sinew.getAppInfo();
    return new BridgeRunStore(window.sinew, info.runsDirectory);
  }
  if (!navigator.storage?.getDirectory) throw new Error('this browser has no origin private file system: runs cannot be kept');
  return new OpfsRunStore();
}
