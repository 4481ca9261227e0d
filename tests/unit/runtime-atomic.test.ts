import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isTemporaryFile, writeFileAtomic } from '../../app/runtime/atomic.node.ts';
import { decodeCheckpoint } from '../../app/runtime/checkpoint.ts';

const atomicModule = fileURLToPath(new URL('../../app/runtime/atomic.node.ts', import.meta.url));
const checkpointModule = fileURLToPath(new URL('../../app/runtime/checkpoint.ts', import.meta.url));

describe('writeFileAtomic', () => {
  it('replaces content and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinew-atomic-'));
    writeFileAtomic(join(dir, 'a'), 'one');
    writeFileAtomic(join(dir, 'a'), new Uint8Array([116, 119, 111]));
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['a']);
    expect([isTemporaryFile('step-1.ckpt.tmp-123'), isTemporaryFile('step-1.ckpt')]).toEqual([true, false]);
  });

  it('a process killed (SIGKILL) while rewriting a 16 MB checkpoint leaves a complete one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinew-atomic-'));
    const target = join(dir, 'latest.ckpt');
    const script = `
      const { writeFileAtomic } = await import(${JSON.stringify(atomicModule)});
      const { encodeCheckpoint } = await import(${JSON.stringify(checkpointModule)});
      const meta = { robot: 'r', algorithm: 'a', envSteps: 0, meanReturn: null, sinewVersion: 't', createdAt: 'now' };
      // Encoded up front, so that the loop spends its time writing and a kill lands mid-write.
      const files = [1, 2].map((i) => encodeCheckpoint({ json: { i }, arrays: { weights: new Float32Array(4 * 2 ** 20).fill(i) } }, { ...meta, envSteps: i }));
      for (let i = 0; ; i++) writeFileAtomic(${JSON.stringify(target)}, files[i % 2]);`;
    // Where each kill lands (in a write, an fsync, a rename) is up to timing; every landing must leave a whole file.
    for (const delay of [150, 260, 400, 550, 700]) {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'ignore' });
      const started = Date.now();
      while (!existsSync(target) && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
      const { state, meta } = decodeCheckpoint(readFileSync(target), target);
      expect(state.arrays.weights[4 * 2 ** 20 - 1]).toBe(meta.envSteps);
      expect(state.json).toEqual({ i: meta.envSteps });
    }
  });
});
