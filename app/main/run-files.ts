import { appendFile, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';

/**
 * File access to the runs directory on behalf of the renderer. Every path is relative to the runs directory
 * and checked so that no request can reach outside it. Writes are atomic (temp file, fsync, rename).
 */
export class RunFiles {
  constructor(readonly runsDirectory: string) {}

  /** Resolves a renderer-supplied relative path, refusing anything that escapes the runs directory. */
  resolve(relativePath: string): string {
    if (typeof relativePath !== 'string' || relativePath.length === 0 || relativePath.length > 512) {
      throw new Error('invalid run file path');
    }
    if (relativePath.includes('\0') || isAbsolute(relativePath) || relativePath.split(/[\\/]/).includes('..')) {
      throw new Error(`run file path '${relativePath}' must stay inside the runs directory`);
    }
    const root = normalize(this.runsDirectory);
    const full = normalize(join(root, relativePath));
    if (!full.startsWith(root + sep)) throw new Error(`run file path '${relativePath}' must stay inside the runs directory`);
    return full;
  }

  async listRuns(): Promise<string[]> {
    await mkdir(this.runsDirectory, { recursive: true });
    const entries = await readdir(this.runsDirectory, { withFileTypes: true });
    const runs: string[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const config = join(this.runsDirectory, entry.name, 'config.json');
      if (await stat(config).then(() => true, () => false)) runs.push(entry.name);
    }
    return runs.sort();
  }

  async listFiles(relativeFolder: string): Promise<string[]> {
    const entries = await readdir(this.resolve(relativeFolder), { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    return entries.filter((entry) => entry.isFile()).map((entry) => entry.name).sort();
  }

  async read(relativePath: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(this.resolve(relativePath)));
  }

  async write(relativePath: string, data: Uint8Array): Promise<void> {
    if (!(data instanceof Uint8Array)) throw new Error('run file data must be bytes');
    const target = this.resolve(relativePath);
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

  /** Appends (metrics.jsonl lines); a partial last line after a crash is dropped by the metrics reader. */
  async append(relativePath: string, data: Uint8Array): Promise<void> {
    if (!(data instanceof Uint8Array)) throw new Error('run file data must be bytes');
    const target = this.resolve(relativePath);
    await mkdir(dirname(target), { recursive: true });
    await appendFile(target, data);
  }

  async remove(relativePath: string): Promise<void> {
    const target = this.resolve(relativePath);
    if (relativePath.split(/[\\/]/).length < 2) throw new Error('only files inside a run folder can be removed');
    await unlink(target).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  async deleteRun(run: string): Promise<void> {
    if (run.includes('/') || run.includes('\\')) throw new Error(`'${run}' is not a run name`);
    const folder = this.resolve(run);
    if (!(await stat(join(folder, 'config.json')).then(() => true, () => false))) {
      throw new Error(`'${run}' is not a run folder (no config.json): not deleting it`);
    }
    await rm(folder, { recursive: true, force: true });
  }
}
