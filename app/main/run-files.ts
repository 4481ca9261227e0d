import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { acquireLock, lockOwner } from '../runtime/lock.node.ts';

/**
 * File access to the runs directory on behalf of the renderer. Every path is relative to the runs directory
 * and checked so that no request can reach outside it, by name or through a symbolic link. Writes are atomic
 * (temp file, fsync, rename). A run the command line is training (its `lock` names a live process) can be
 * read but not changed; runs the app trains are locked the same way, so the command line leaves them alone.
 */
export class RunFiles {
  /** Absolute and without a trailing separator ("runs/" and "runs" are the same folder). */
  readonly runsDirectory: string;
  private readonly releases = new Map<string, () => void>();

  constructor(runsDirectory: string) {
    this.runsDirectory = resolve(runsDirectory);
  }

  /** Resolves a renderer-supplied relative path, refusing anything that escapes the runs directory by name. */
  resolve(relativePath: string): string {
    if (typeof relativePath !== 'string' || relativePath.length === 0 || relativePath.length > 512) {
      throw new Error('invalid run file path');
    }
    if (relativePath.includes('\0') || isAbsolute(relativePath) || relativePath.split(/[\\/]/).includes('..')) {
      throw new Error(`run file path '${relativePath}' must stay inside the runs directory`);
    }
    const root = this.runsDirectory;
    const full = normalize(join(root, relativePath));
    if (!full.startsWith(root.endsWith(sep) ? root : root + sep))
      throw new Error(`run file path '${relativePath}' must stay inside the runs directory`);
    return full;
  }

  /**
   * resolve() plus a look at every existing part of the path below the runs directory: a symbolic link there
   * (a run folder, a checkpoints folder or metrics.jsonl pointing elsewhere) is refused rather than followed.
   */
  private async resolveReal(relativePath: string): Promise<string> {
    const full = this.resolve(relativePath);
    let current = this.runsDirectory;
    for (const part of relative(this.runsDirectory, full).split(sep)) {
      current = join(current, part);
      const info = await lstat(current).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return null;
        throw error;
      });
      if (info === null) break;
      if (info.isSymbolicLink())
        throw new Error(`run file path '${relativePath}' goes through a symbolic link; it is not followed out of the runs directory`);
    }
    return full;
  }

  /** Refuses to change a run another live process (the command line) holds the lock of. */
  private assertWritable(relativePath: string): void {
    const run = relativePath.split(/[\\/]/)[0];
    const owner = lockOwner(join(this.runsDirectory, run));
    if (owner !== null) throw new Error(`run '${run}' is training elsewhere (process ${owner} holds its lock): stop it there first`);
  }

  /** Claims a run for the app (its `lock` holds this process's pid) before the app trains it. */
  async lockRun(run: string): Promise<void> {
    checkRunName(run);
    const folder = await this.resolveReal(run);
    if (this.releases.has(run)) return;
    try {
      this.releases.set(run, acquireLock(folder));
    } catch (error) {
      const owner = lockOwner(folder);
      if (owner !== null) throw new Error(`run '${run}' is training elsewhere (process ${owner} holds its lock): stop it there first`);
      throw error;
    }
  }

  async unlockRun(run: string): Promise<void> {
    checkRunName(run);
    this.releases.get(run)?.();
    this.releases.delete(run);
  }

  /** Releases every run this app locked (on quit). */
  unlockAll(): void {
    for (const release of this.releases.values()) release();
    this.releases.clear();
  }

  /** Runs whose lock another live process holds: the app shows them as training elsewhere. */
  async lockedRuns(): Promise<string[]> {
    const runs = await this.listRuns();
    return runs.filter((run) => lockOwner(join(this.runsDirectory, run)) !== null);
  }

  async listRuns(): Promise<string[]> {
    await mkdir(this.runsDirectory, { recursive: true });
    const entries = await readdir(this.runsDirectory, { withFileTypes: true });
    const runs: string[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const config = join(this.runsDirectory, entry.name, 'config.json');
      if (
        await stat(config).then(
          () => true,
          () => false,
        )
      )
        runs.push(entry.name);
    }
    return runs.sort();
  }

  async listFiles(relativeFolder: string): Promise<string[]> {
    const entries = await readdir(await this.resolveReal(relativeFolder), { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort();
  }

  async read(relativePath: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(await this.resolveReal(relativePath)));
  }

  async write(relativePath: string, data: Uint8Array): Promise<void> {
    if (!(data instanceof Uint8Array)) throw new Error('run file data must be bytes');
    const target = await this.resolveReal(relativePath);
    this.assertWritable(relativePath);
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.tmp-${process.pid}-${Date.now()}`;
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  }

  /** Appends (metrics.jsonl lines); the app cuts a torn last line back before appending after a failure. */
  async append(relativePath: string, data: Uint8Array): Promise<void> {
    if (!(data instanceof Uint8Array)) throw new Error('run file data must be bytes');
    const target = await this.resolveReal(relativePath);
    this.assertWritable(relativePath);
    await mkdir(dirname(target), { recursive: true });
    // O_NOFOLLOW: a link put in place after the check above still fails the open instead of being followed.
    const handle = await open(target, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0), 0o644);
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
  }

  async remove(relativePath: string): Promise<void> {
    const target = await this.resolveReal(relativePath);
    if (relativePath.split(/[\\/]/).length < 2) throw new Error('only files inside a run folder can be removed');
    this.assertWritable(relativePath);
    await unlink(target).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  async deleteRun(run: string): Promise<void> {
    checkRunName(run);
    const folder = await this.resolveReal(run);
    this.assertWritable(run);
    if (
      !(await stat(join(folder, 'config.json')).then(
        () => true,
        () => false,
      ))
    ) {
      throw new Error(`'${run}' is not a run folder (no config.json): not deleting it`);
    }
    await rm(folder, { recursive: true, force: true });
  }
}

function checkRunName(run: string): void {
  if (typeof run !== 'string' || run.includes('/') || run.includes('\\') || run === '' || run === '.' || run === '..') {
    throw new Error(`'${String(run)}' is not a run name`);
  }
}
