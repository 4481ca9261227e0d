import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePlayCommand } from '../../app/cli/commands/play.ts';
import type { PlayDeps } from '../../app/cli/commands/play.ts';
import { makeTrainCommand } from '../../app/cli/commands/train.ts';
import { fakeCatalog, fakeEnv } from '../fixtures/fake-trainer.ts';

function deps(printed: string[]): PlayDeps {
  return {
    loadCatalog: async () => fakeCatalog,
    progress: { isTTY: false, write: () => true },
    print: (line) => printed.push(line),
    handleSignals: false,
    createEnv: async () => async (robot, options) => fakeEnv(robot, options?.seed),
  };
}

describe('sinew play', () => {
  it('plays a run folder checkpoint through its policy snapshot, the same returns every time', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sinew-play-'));
    await makeTrainCommand(deps([])).run(['--robot', 'reacher', '--algo', 'fake-on', '--steps', '1024', '--out', out, '--name', 'r']);
    const first: string[] = [];
    expect(await makePlayCommand(deps(first)).run([join(out, 'r'), '--episodes', '2', '--checkpoint', 'latest'])).toBe(0);
    const second: string[] = [];
    await makePlayCommand(deps(second)).run([join(out, 'r'), '--episodes', '2', '--checkpoint', 'latest']);
    expect(first).toEqual(second);
    expect(first[0]).toBe(`fake-on on reacher, ${join(out, 'r', 'checkpoints', 'step-000000001024.ckpt')} (1024 env steps)`);
    expect(first.slice(1)).toEqual([
      expect.stringMatching(/^episode 1: return -?\d+\.\d\d \(10 steps\)$/),
      expect.any(String),
      expect.stringMatching(/^mean evaluation return \(deterministic, no exploration noise\)/),
    ]);
  });

  it('plays the policy a zero-weight snapshot describes exactly (numbers by hand)', async () => {
    // A policy whose action is tanh(0) = 0 never moves: from x = seed / 10 every step earns -|x - 1|.
    // Seeds 0 and 1: 10 x -1 = -10 and 10 x -0.9 = -9.
    const { createPolicyEvaluator } = await import('../../agents/export/evaluator.ts');
    const { playEpisodes } = await import('../../app/runtime/play.ts');
    const snapshot = {
      robot: 'reacher',
      algorithm: 'x',
      observationSize: 2,
      actionSize: 1,
      obsNormaliser: null,
      outputSquash: 'tanh' as const,
      envSteps: 0,
      layers: [{ inputSize: 2, outputSize: 1, kernel: new Float32Array(2), bias: new Float32Array(1), activation: 'linear' as const }],
    };
    const evaluator = createPolicyEvaluator(snapshot);
    const result = playEpisodes(fakeEnv('reacher'), (obs) => evaluator.act(obs), 2, 0);
    expect(result.returns.map((r) => Number(r.toFixed(9)))).toEqual([-10, -9]);
  });

  it('restores a run on the physics it trained on and plays it on the one --physics names', async () => {
    // The checkpoint holds its environments' state, which only its own engine can load; the policy moves engines.
    const out = mkdtempSync(join(tmpdir(), 'sinew-play-'));
    const restoredOn: (string | undefined)[] = [];
    const playedOn: (string | undefined)[] = [];
    const fakeOn = fakeCatalog.algorithms['fake-on'];
    const catalog = {
      ...fakeCatalog,
      algorithms: {
        'fake-on': {
          ...fakeOn,
          createTrainer: (options: Parameters<typeof fakeOn.createTrainer>[0]) => (restoredOn.push(options.physics), fakeOn.createTrainer(options)),
        },
      },
    };
    const recording: PlayDeps = {
      ...deps([]),
      loadCatalog: async () => catalog,
      createEnv: async () => async (robot, options) => (playedOn.push(options?.physics), fakeEnv(robot, options?.seed)),
    };
    await makeTrainCommand(recording).run([
      '--robot',
      'hopper',
      '--algo',
      'fake-on',
      '--physics',
      'mujoco',
      '--steps',
      '1024',
      '--out',
      out,
      '--name',
      'h',
    ]);
    restoredOn.length = 0;
    expect(await makePlayCommand(recording).run([join(out, 'h'), '--episodes', '1', '--physics', 'rapier'])).toBe(0);
    expect(restoredOn).toEqual(['mujoco']);
    expect(playedOn).toEqual(['rapier']);
  });

  it('says clearly when the path is neither a run nor a policy', async () => {
    const play = makePlayCommand(deps([]));
    await expect(play.run(['/no/such/policy'])).rejects.toThrow('no policy at /no/such/policy');
    await expect(play.run([])).rejects.toThrow('name a run folder or an exported policy');
    await expect(play.run(['x', '--episodes', '0'])).rejects.toThrow('--episodes: must be at least 1');
  });
});
