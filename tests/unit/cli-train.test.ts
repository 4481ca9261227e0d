import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTrainCommand } from '../../app/cli/commands/train.ts';
import { makeResumeCommand } from '../../app/cli/commands/resume.ts';
import { runtimeVersions } from '../../app/runtime/versions.node.ts';
import { formatHelp } from '../../app/cli/args.ts';
import type { CliDeps } from '../../app/cli/support.ts';
import { fakeCatalog } from '../fixtures/fake-trainer.ts';

function fakeDeps(): CliDeps & { printed: string[] } {
  const printed: string[] = [];
  return {
    loadCatalog: async () => fakeCatalog,
    progress: { isTTY: false, write: () => true },
    print: (l) => printed.push(l),
    handleSignals: false,
    printed,
  };
}

const base = ['--robot', 'reacher', '--algo', 'fake-on', '--checkpoint-every', '512'];

describe('sinew train / resume', () => {
  it('evaluates every --eval-every env steps into metrics.jsonl (eval_return), or never with 0', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sinew-cli-'));
    const deps = fakeDeps();
    await makeTrainCommand(deps).run([...base, '--steps', '2048', '--out', out, '--name', 'e', '--eval-every', '600', '--eval-episodes', '4']);
    await makeTrainCommand(deps).run([...base, '--steps', '2048', '--out', out, '--name', 'n', '--eval-every', '0']);
    const records = (name: string) =>
      readFileSync(join(out, name, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, number>);
    const config = JSON.parse(readFileSync(join(out, 'e', 'config.json'), 'utf8'));
    expect([config.evalEvery, config.evalEpisodes]).toEqual([600, 4]);
    // The fake's Reacher preset steps 4 envs x 8 = 32 env steps per iteration: 608 passes 600, 1216 passes 1200, 1824 passes 1800.
    expect(
      records('e')
        .filter((record) => 'eval_return' in record)
        .map((record) => record.envSteps),
    ).toEqual([608, 1216, 1824]);
    expect(records('n').some((record) => 'eval_return' in record)).toBe(false);
  });

  it('trains into a named run folder with config, metrics, events and checkpoints', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sinew-cli-'));
    const deps = fakeDeps();
    expect(
      await makeTrainCommand(deps).run([
        ...base,
        '--steps',
        '2048',
        '--out',
        out,
        '--name',
        'r',
        '--seed',
        '4',
        '--envs',
        '2',
        '--set',
        'learningRate=0.001',
      ]),
    ).toBe(0);
    const run = join(out, 'r');
    const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
    expect(config.algorithmConfig).toEqual({ numEnvs: 2, rolloutLength: 8, plateau: -4, learningRate: 0.001, delayMs: 0 });
    expect([config.seed, config.totalSteps, config.preset, typeof config.versions.tfjs, typeof config.versions.node]).toEqual([
      4,
      2048,
      'reacher',
      'string',
      'string',
    ]);
    // 2 envs x 8 steps = 16 steps per iteration: 128 records.
    expect(readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').length).toBe(128);
    expect(readdirSync(run).some((name) => name.startsWith('events.out.tfevents.'))).toBe(true);
    expect(readdirSync(join(run, 'checkpoints')).sort()).toEqual([
      'best.ckpt',
      'step-000000001024.ckpt',
      'step-000000001536.ckpt',
      'step-000000002048.ckpt',
    ]);
    expect(deps.printed).toEqual([`run folder: ${run}`]);
  });

  it('records --physics in config.json (without it the robot default, rapier), and train and resume build the trainer with it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sinew-cli-'));
    const seen: (string | undefined)[] = [];
    const catalog = { ...fakeCatalog, algorithms: { ...fakeCatalog.algorithms } };
    const entry = catalog.algorithms['fake-on'];
    catalog.algorithms['fake-on'] = { ...entry, createTrainer: (options) => (seen.push(options.physics), entry.createTrainer(options)) };
    const deps = { ...fakeDeps(), loadCatalog: async () => catalog };
    await makeTrainCommand(deps).run([...base, '--steps', '1024', '--out', out, '--name', 'm', '--physics', 'mujoco']);
    await makeTrainCommand(deps).run([...base, '--steps', '1024', '--out', out, '--name', 'r']);
    expect(JSON.parse(readFileSync(join(out, 'm', 'config.json'), 'utf8')).physics).toBe('mujoco');
    expect(JSON.parse(readFileSync(join(out, 'r', 'config.json'), 'utf8')).physics).toBe('rapier');
    await makeResumeCommand(deps).run([join(out, 'm'), '--steps', '2048']);
    expect(seen).toEqual(['mujoco', 'rapier', 'mujoco']);
  });

  it('resume continues to a new --steps target and records it; a finished run says so', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sinew-cli-'));
    await makeTrainCommand(fakeDeps()).run([...base, '--steps', '2048', '--out', out, '--name', 'r']);
    const deps = fakeDeps();
    expect(await makeResumeCommand(deps).run([join(out, 'r')])).toBe(0);
    expect(deps.printed[0]).toBe('r already has 2048 env steps (target 2048); pass --steps to train further');
    expect(await makeResumeCommand(fakeDeps()).run([join(out, 'r'), '--steps', '4096'])).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'r', 'config.json'), 'utf8')).totalSteps).toBe(4096);
    const lines = readFileSync(join(out, 'r', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(JSON.parse(lines[lines.length - 1]).envSteps).toBe(4096);
  });

  it('rejects bad input with one clear line, writing nothing', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sinew-cli-'));
    const train = makeTrainCommand(fakeDeps());
    const cases: [string[], string][] = [
      [['--robot', 'cheetah', '--algo', 'fake-on'], "unknown robot 'cheetah'; known: reacher, hopper"],
      [['--robot', 'reacher', '--algo', 'dqn'], "unknown algorithm 'dqn'; known: fake-on, fake-off"],
      [[...base, '--speed', '3'], 'unknown option --speed'],
      [[...base, '--set', 'learningRate'], "malformed --set 'learningRate': expected key=value"],
      [[...base, '--set', 'lr=3'], "unknown config field 'lr'"],
      [[...base, '--steps', 'many'], "--steps: 'many' is not a number"],
      [[...base, '--steps', '-5'], "--steps: '-5' must be a positive whole number of steps"],
      [['--algo', 'fake-on'], '--robot is required'],
      [[...base, 'extra'], "unexpected argument 'extra'"],
      [[...base, '--physics', 'bullet'], "unknown physics 'bullet'; physics: rapier, mujoco"],
    ];
    for (const [argv, message] of cases) {
      const error = await train.run([...argv, '--out', out]).then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message).toContain(message);
      expect(error?.message.includes('\n')).toBe(false);
    }
    expect(readdirSync(out)).toEqual([]);
  });

  it('refuses to resume from a missing or corrupt checkpoint or an incompatible run, changing nothing', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sinew-cli-'));
    const resume = makeResumeCommand(fakeDeps());
    await expect(resume.run([join(out, 'none')])).rejects.toThrow(`no run folder at ${join(out, 'none')}`);
    await expect(resume.run([])).rejects.toThrow('name the run folder to resume');
    await makeTrainCommand(fakeDeps()).run([...base, '--out', out, '--name', 'r', '--steps', '1024']);
    const run = join(out, 'r');
    await expect(resume.run([run, '--checkpoint', '999'])).rejects.toThrow('step-000000000999.ckpt does not exist');
    const latest = join(run, 'checkpoints', 'step-000000001024.ckpt');
    const good = readFileSync(latest);
    writeFileSync(latest, good.subarray(0, 100));
    const metricsBefore = readFileSync(join(run, 'metrics.jsonl'), 'utf8');
    await expect(resume.run([run, '--steps', '4096'])).rejects.toThrow(`${latest} is corrupt`);
    const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
    expect(config.totalSteps).toBe(1024);
    expect(readFileSync(join(run, 'metrics.jsonl'), 'utf8')).toBe(metricsBefore);
    writeFileSync(join(run, 'config.json'), JSON.stringify({ ...config, runFormat: 0 }));
    await expect(resume.run([run])).rejects.toThrow('has run format 0; this sinew reads run format 1 (incompatible version)');
    writeFileSync(
      join(run, 'config.json'),
      JSON.stringify({ ...config, algorithmConfig: { ...config.algorithmConfig, momentum: 0.9 }, versions: { sinew: '9.0.0' } }),
    );
    writeFileSync(latest, good);
    await expect(resume.run([run, '--steps', '4096'])).rejects.toThrow(
      `${run}/config.json does not fit this sinew (written by sinew 9.0.0): fake-on: unknown config field 'momentum'`,
    );
    expect(JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')).totalSteps).toBe(1024);
    expect(readFileSync(join(run, 'metrics.jsonl'), 'utf8')).toBe(metricsBefore);
    writeFileSync(join(run, 'config.json'), JSON.stringify({ ...config, algorithm: 'gone' }));
    writeFileSync(latest, good);
    await expect(resume.run([run, '--steps', '4096'])).rejects.toThrow('holds fake-on on reacher, but the run is gone on reacher');
    expect(existsSync(latest)).toBe(true);
    // Rapier worlds restore only in the Rapier that wrote them.
    expect(config.physics).toBe('rapier');
    writeFileSync(join(run, 'config.json'), JSON.stringify({ ...config, versions: { ...config.versions, rapier: '0.0.1' } }));
    await expect(resume.run([run, '--steps', '4096'])).rejects.toThrow(
      `${run} trained on Rapier 0.0.1, and this sinew runs Rapier ${runtimeVersions().rapier}, which cannot restore that version's worlds`,
    );
    expect(JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')).totalSteps).toBe(1024);
  });

  it('--help lists every option with its default', () => {
    const help = formatHelp('u', 's', makeTrainCommand(fakeDeps()).options);
    for (const option of [
      'robot',
      'algo',
      'steps',
      'envs',
      'workers',
      'physics',
      'preset',
      'set',
      'out',
      'checkpoint-every',
      'keep',
      'seed',
      'name',
    ]) {
      expect(help).toContain(`--${option} `);
    }
    expect(help).toContain('(default: 1e6)');
    expect(help).toContain('(default: steps/20)');
  });
});
