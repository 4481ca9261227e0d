import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A run folder's `lock` file: it holds the pid of the process training the run (the command line, or the
 * desktop app's main process for every run its windows train), so that two processes never write one run.
 * A lock whose process no longer exists is stale and may be taken over.
 *
 * Claiming is done under a second, exclusive file (`lock.takeover`, held for microseconds): its holder checks
 * that the lock is absent or stale and only then puts its own in place, so two processes that find the same
 * stale lock (or none) at once never both end up holding it.
 */

const LOCK = 'lock';
const TAKEOVER = 'lock.takeover';

/** The pid in a lock file, or null when there is no such file (or it holds no pid). */
function readPid(path: string): number | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live process other than this one that holds the folder's lock, or null. */
export function lockOwner(folder: string): number | null {
  const owner = readPid(join(folder, LOCK));
  return owner !== null && owner !== process.pid && processAlive(owner) ? owner : null;
}

/** Throws when another live process holds the folder's lock. */
export function assertLockFree(folder: string): void {
  const owner = lockOwner(folder);
  if (owner !== null) throw new Error(`${folder} is being trained by process ${owner}; stop it first`);
}

/** Claims the folder for this process; returns the release function (which removes the lock only while it is ours). */
export function acquireLock(folder: string): () => void {
  const path = join(folder, LOCK);
  const guard = join(folder, TAKEOVER);
  for (let attempt = 0; attempt < 200; attempt++) {
    assertLockFree(folder);
    try {
      writeFileSync(guard, String(process.pid), { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const taker = readPid(guard);
      // A process that died while claiming (a window of microseconds) leaves a stale guard.
      if (taker !== null && !processAlive(taker)) rmSync(guard, { force: true });
      else sleep(5);
      continue;
    }
    try {
      // Under the guard nobody else replaces the lock: absent or stale, it is ours to replace.
      assertLockFree(folder);
      const temporary = `${path}.tmp-${process.pid}`;
      writeFileSync(temporary, String(process.pid));
      renameSync(temporary, path);
    } finally {
      rmSync(guard, { force: true });
    }
    return () => {
      if (readPid(path) === process.pid) rmSync(path, { force: true });
    };
  }
  throw new Error(`could not lock ${folder}: other processes keep claiming it`);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
