import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const fakeSinew = ['--import', 'tsx', 'tests/fixtures/fake-sinew.ts'];
// 4 envs x 16 steps = 64 steps per iteration, 20 ms each: 4096 steps take about 1.3 s.
const trainArgs = ['train', '--robot', 'hopper', '--algo', 'fake-on', '--steps', '4096', '--checkpoint-every', '1024', '--set', 'delayMs=20'];

describe('Ctrl-C and the real command line', () => {
  it('SIGINT checkpoints and exits 130; resume then matches an uninterrupted run line for line', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sinew-sig-'));
    const whole = spawnSync(process.execPath, [...fakeSinew, ...trainArgs, '--out', out, '--name', 'whole'], { encoding: 'utf8' });
    expect(whole.status).toBe(0);

    const child = spawn(process.execPath, [...fakeSinew, ...trainArgs, '--out', out, '--name', 'cut'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    // Interrupt once training is under way (the first metrics line exists).
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        try {
          if (readFileSync(join(out, 'cut', 'metrics.jsonl'), 'utf8').length > 0) {
            clearInterval(poll);
            resolve();
          }
        } catch {
          // not yet
        }
      }, 20);
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(130);
    expect(stderr).toContain('stopping: finishing the current iteration and writing a checkpoint');
    expect(stderr).toContain('continue with: sinew resume');
    const checkpoints = readdirSync(join(out, 'cut', 'checkpoints'));
    expect(checkpoints.length).toBeGreaterThan(0);
    const stoppedAt =
      readFileSync(join(out, 'cut', 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n').length * 64;
    expect(stoppedAt).toBeLessThan(4096);

    const resumed = spawnSync(process.execPath, [...fakeSinew, 'resume', join(out, 'cut')], { encoding: 'utf8' });
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toContain(`at ${stoppedAt} env steps`);
    expect(readFileSync(join(out, 'cut', 'metrics.jsonl'), 'utf8')).toBe(readFileSync(join(out, 'whole', 'metrics.jsonl'), 'utf8'));
  });

  it('the sinew binary reports bad input in one line with a non-zero exit', () => {
    const unknownOption = spawnSync(process.execPath, ['bin/sinew.mjs', 'train', '--robot', 'hopper', '--algo', 'ppo', '--fast'], {
      encoding: 'utf8',
    });
    expect(unknownOption.status).toBe(2);
    expect(unknownOption.stderr.trim()).toBe("sinew train: unknown option --fast (see 'sinew train --help')");
    const badRun = spawnSync(process.execPath, ['bin/sinew.mjs', 'resume', 'no/such/run'], { encoding: 'utf8' });
    expect(badRun.status).toBe(1);
    expect(badRun.stderr.trim()).toBe('sinew resume: no run folder at no/such/run');
  });
});

describe('Ctrl-C during sinew compare', () => {
  it('every running child checkpoints, nothing new starts, and the report covers what ran', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sinew-sig-'));
    const args = [
      'compare',
      '--robot',
      'reacher',
      '--algos',
      'fake-on,fake-off',
      '--seeds',
      '2',
      '--parallel',
      '2',
      '--steps',
      '100000',
      '--set',
      'delayMs=20',
      '--out',
      out,
      '--name',
      'c',
    ];
    // Its own process group, like a terminal job: the signal goes to the parent and its children at once.
    const parent = spawn(process.execPath, [...fakeSinew, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    parent.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    parent.stderr.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    const dir = join(out, 'c');
    const started = Date.now();
    const hasMetrics = (name: string) => {
      try {
        return readFileSync(join(dir, name, 'metrics.jsonl'), 'utf8').length > 0;
      } catch {
        return false;
      }
    };
    while (!(hasMetrics('fake-on-seed1') && hasMetrics('fake-on-seed2')) && Date.now() - started < 30_000)
      await new Promise((r) => setTimeout(r, 50));
    process.kill(-(parent.pid ?? 0), 'SIGINT');
    const code = await new Promise<number | null>((resolve) => parent.on('exit', resolve));
    expect(code).toBe(1);
    expect(stdout).toContain('finished fake-on-seed1: exit 130');
    expect(stdout).toContain('not finished: fake-on-seed1, fake-on-seed2, fake-off-seed1, fake-off-seed2');
    expect(readdirSync(dir).filter((name) => name.startsWith('fake-off'))).toEqual([]);
    for (const run of ['fake-on-seed1', 'fake-on-seed2']) expect(readdirSync(join(dir, run, 'checkpoints')).length).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('| fake-on | 2 |');
  });
});
