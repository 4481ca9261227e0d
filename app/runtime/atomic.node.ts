import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes a file so that readers (and a later resume) see either the old content or the new, never half of
 * the new: write a temporary file beside it, flush it to disk, rename it over the target, flush the folder.
 * A process killed at any point leaves at worst a stray "*.tmp-<pid>" file, which readers ignore.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const temp = `${path}.tmp-${process.pid}`;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(temp, 'w');
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
  fsyncDirectory(dirname(path));
}

/** Makes the rename itself durable; some platforms cannot open folders, where the rename is all we get. */
function fsyncDirectory(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot fsync a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Temporary files left by an interrupted writeFileAtomic. */
export function isTemporaryFile(name: string): boolean {
  return /\.tmp-\d+$/.test(name);
}
