import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: every temporary file of a test run (the tests', and those of the CLIs and Chromium they
 * start, all through os.tmpdir()) goes under one folder, removed when the run ends. The tests make hundreds of run
 * folders, about 40 MB a run, which would otherwise pile up in the system's temporary folder.
 */
export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const folder = mkdtempSync(join(tmpdir(), 'sinew-tests-'));
  process.env.TMPDIR = folder;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(folder, { recursive: true, force: true });
  };
}
