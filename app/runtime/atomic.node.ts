import { closeSync, constants, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Writes a file so that readers (and a later resume) see either the old content or the new, never half of
 * the new: write a temporary file beside it, flush it to disk, rename it over the target, flush the folder.
 * A process killed at any point leaves at worst a stray "*.tmp-<pid>" file, which readers ignore.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const temp = `${path}.tmp-${process.pid}`;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = namingFile(path, () => openSync(temp, 'w'));
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw fileError(path, error);
  }
  closeSync(fd);
  namingFile(path, () => renameSync(temp, path));
  fsyncDirectory(dirname(path));
}

/**
 * Appends to a file, creating it when absent, without following a symbolic link: a run file linked to a file
 * outside the run folder must not receive the run's writes (the open fails instead, where O_NOFOLLOW exists).
 */
export function appendFileNoFollow(path: string, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  refuseSymlink(path);
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);
  const fd = namingFile(path, () => openSync(path, flags, 0o644));
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
  } catch (error) {
    throw fileError(path, error);
  } finally {
    closeSync(fd);
  }
}

/** Throws when `path` is a symbolic link; absent paths are fine. */
export function refuseSymlink(path: string): void {
  let isLink = false;
  try {
    isLink = lstatSync(path).isSymbolicLink();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fileError(path, error);
  }
  if (isLink) throw new Error(`${path} is a symbolic link; run files must be plain files inside the run folder`);
}

/** Node's write errors (a full disk: "ENOSPC: no space left on device, write") do not say which file. */
function fileError(path: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return new Error(`${path} is a symbolic link; run files must be plain files inside the run folder`);
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ENOSPC') return new Error(`could not write ${path}: the disk is full (${message})`);
  return message.includes(path) ? (error as Error) : new Error(`could not write ${path}: ${message}`);
}

function namingFile<T>(path: string, operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    throw fileError(path, error);
  }
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

/**
 * Writes a set of files that belong together (an exported policy: model, weights, ONNX, card) into `folder`:
 * all of them into a temporary folder inside it first, then each renamed into place. A failure while writing
 * (a full disk) removes the temporary folder and leaves the folder as it was: never half a set. The renames
 * need no space and replace older files of the same names one by one.
 */
export function writeFileSet(folder: string, files: ReadonlyMap<string, Uint8Array | string>): void {
  mkdirSync(folder, { recursive: true });
  const staging = join(folder, `.writing.tmp-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  try {
    for (const [name, data] of files) writeFileAtomic(join(staging, name), data);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  for (const name of files.keys()) namingFile(join(folder, name), () => renameSync(join(staging, name), join(folder, name)));
  rmSync(staging, { recursive: true, force: true });
  fsyncDirectory(folder);
}
