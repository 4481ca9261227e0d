import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePlayCommand } from '../../app/cli/commands/play.ts';
import type { PlayDeps } from '../../app/cli/commands/play.ts';
import { makeTrainCommand } from '../../app/cli/commands/train.ts';
import { fakeCatalog } from '../fixtures/fake-trainer.ts';

function deps(printed: string[]): PlayDeps {
  return {
    loadCatalog: async () => fakeCatalog,
    progress: { isTTY: false, write: () => true },
    print: (line) => printed.push(line),
    handleSignals: false,
    createEnv: async () => {
      throw new Error('no environment in this test');
    },
  };
}

describe('sinew play', () => {
  it('plays a run folder checkpoint through the trainer, the same returns every time', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sinew-play-'));
    await makeTrainCommand(deps([])).run(['--robot', 'reacher', '--algo', 'fake-on', '--steps', '1024', '--out', out, '--name', 'r']);
    const first: string[] = [];
    expect(await makePlayCommand(deps(first)).run([join(out, 'r'), '--episodes', '2', '--checkpoint', 'latest'])).toBe(0);
    const second: string[] = [];
    await makePlayCommand(deps(second)).run([join(out, 'r'), '--episodes', '2', '--checkpoint', 'latest']);
    expect(first).toEqual(second);
    expect(first[0]).toBe(`fake-on on reacher, ${join(out, 'r', 'checkpoints', 'step-000000001024.ckpt')} (1024 env steps)`);
    // The fake's evaluate returns weights[0] * 10 + i: two returns one apart, population std 0.5.
    expect(first[3]).toMatch(/^mean return -?\d+\.\d\d ± 0\.50 over 2 episodes$/);
  });

  it('says clearly when the path is neither a run nor a policy', async () => {
    const play = makePlayCommand(deps([]));
    await expect(play.run(['/no/such/policy'])).rejects.toThrow('no policy at /no/such/policy');
    await expect(play.run([])).rejects.toThrow('name a run folder or an exported policy');
    await expect(play.run(['x', '--episodes', '0'])).rejects.toThrow('--episodes: must be at least 1');
  });
});
