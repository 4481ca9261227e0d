import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** How to start `sinew` in a child process: node + these arguments + the command's own. */
export const SINEW_ENTRY: readonly string[] = [fileURLToPath(new URL('../../bin/sinew.mjs', import.meta.url))];

export interface ChildResult {
  readonly exitCode: number;
  readonly seconds: number;
}

/**
 * Runs `node <entry> <args>` with its output going to `logPath`. The child shares the terminal's process
 * group, so a Ctrl-C reaches it directly and it checkpoints on its own.
 */
export function runSinewChild(entry: readonly string[], args: readonly string[], logPath: string): Promise<ChildResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const log = createWriteStream(logPath);
    const child = spawn(process.execPath, [...entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      log.end(() => resolve({ exitCode: code ?? (signal ? 128 + 2 : 1), seconds: (performance.now() - started) / 1000 }));
    });
  });
}
