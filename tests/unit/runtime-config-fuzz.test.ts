import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../app/cli/args.ts';
import { makeTrainCommand } from '../../app/cli/commands/train.ts';
import type { CliDeps } from '../../app/cli/support.ts';
import { checkRunConfig, resolveRunConfig } from '../../app/runtime/run-config.ts';
import { RunFolder } from '../../app/runtime/run-folder.node.ts';
import { Rng } from '../../sim/rng.ts';
import { fakeCatalog } from '../fixtures/fake-trainer.ts';

const deps = (): CliDeps => ({
  loadCatalog: async () => fakeCatalog,
  progress: { isTTY: false, write: () => true },
  print: () => {},
  handleSignals: false,
});
const valid = resolveRunConfig(
  fakeCatalog,
  { robot: 'reacher', algorithm: 'fake-on', seed: 3, workers: 0, totalSteps: 1000, checkpointEvery: 100, keepCheckpoints: 2, set: [] },
  { sinew: '0.1.0' },
);
const WRONG: readonly unknown[] = [null, 'x', '', -1, 1.5, 2 ** 31, 1e300, [], [1], {}, true, '../../etc', { a: 1 }];

async function trainError(argv: string[], out: string): Promise<Error | null> {
  return makeTrainCommand(deps())
    .run([...argv, '--out', out])
    .then(
      () => null,
      (error: Error) => error,
    );
}

describe('config.json fuzzing', () => {
  it('every field of the wrong type or range is refused with its name', () => {
    const fields = [
      'robot',
      'algorithm',
      'preset',
      'seed',
      'workers',
      'physics',
      'totalSteps',
      'checkpointEvery',
      'keepCheckpoints',
      'overrides',
      'algorithmConfig',
      'versions',
      'createdAt',
    ] as const;
    let refused = 0;
    for (const field of fields) {
      for (const value of WRONG) {
        const config = { ...valid, [field]: value };
        let error: unknown = null;
        try {
          checkRunConfig(config, 'run/config.json');
        } catch (caught) {
          error = caught;
        }
        if (error === null) {
          // The few values that are right for the field (a preset of null, an empty overrides object, ...).
          // (checkRunConfig knows names only by their form: whether 'x' is a robot is the catalog's question.)
          const fine = [
            ['robot', 'x'],
            ['algorithm', 'x'],
            ['preset', 'x'],
            ['preset', null],
            ['overrides', {}],
            ['overrides', { a: 1 }],
            ['algorithmConfig', {}],
            ['algorithmConfig', { a: 1 }],
            ['versions', {}],
            ['totalSteps', 2 ** 31],
            ['checkpointEvery', 2 ** 31],
          ];
          expect(fine).toContainEqual([field, value]);
          continue;
        }
        refused++;
        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(TypeError);
        expect((error as Error).message).toContain(`'${field}'`);
        expect((error as Error).message.startsWith('run/config.json')).toBe(true);
      }
    }
    expect(refused).toBe(fields.length * WRONG.length - 11);
  });

  it('random damage to a config.json gives a clear error or a config that checks out, never a crash', () => {
    const rng = new Rng(7);
    const parent = mkdtempSync(join(tmpdir(), 'sinew-fuzz-'));
    const keys = Object.keys(valid);
    const values = [...WRONG, 0, 1, 'reacher', 'rapier', 2 ** 31 - 1, 1e12, 1e13, -0, { numEnvs: 1e9 }, { hiddenSizes: [1e6] }];
    for (let trial = 0; trial < 200; trial++) {
      const config: Record<string, unknown> = { ...valid };
      for (let k = 0; k < 1 + Math.floor(rng.uniform() * 3); k++) {
        const key = keys[Math.floor(rng.uniform() * keys.length)];
        const roll = rng.uniform();
        if (roll < 0.2) delete config[key];
        else config[key] = values[Math.floor(rng.uniform() * values.length)];
      }
      const folder = join(parent, `r${trial}`);
      mkdirSync(folder);
      writeFileSync(join(folder, 'config.json'), JSON.stringify(config));
      try {
        RunFolder.open(folder);
      } catch (error) {
        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(TypeError);
        expect((error as Error).message).toMatch(/config\.json/);
      }
    }
  });
});

describe('resource bounds and bad input on the command line', () => {
  it('refuses --envs that cannot fit up front, with the limit in the message, writing nothing', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sinew-bounds-'));
    const cases: [string[], string][] = [
      [['--envs', '1e8'], 'numEnvs (--envs) 100000000 is more than a run can hold: at most 4096 parallel robots'],
      [['--seed', '2147483648'], 'seed 2147483648 is out of range: seeds are whole numbers from 0 to 2147483647'],
      [['--seed', String(2 ** 53)], 'is out of range'],
      [['--workers', '1000'], 'workers must be a whole number from 0 to 64, got 1000'],
      [['--steps', '1e15'], 'totalSteps must be a whole number from 1 to 1000000000000'],
      [['--set', '__proto__={"numEnvs":5}'], "unknown config field '__proto__' for fake-on"],
      [['--set', 'constructor=1'], "unknown config field 'constructor' for fake-on"],
      [['--robot', 'cheetah'], "unknown robot 'cheetah'"],
      [['--algo', 'dqn'], "unknown algorithm 'dqn'"],
    ];
    for (const [argv, message] of cases) {
      const robot = argv[0] === '--robot' ? [] : ['--robot', 'reacher'];
      const algo = argv[0] === '--algo' ? [] : ['--algo', 'fake-on'];
      const error = await trainError([...robot, ...algo, ...argv], out);
      expect(error).toBeInstanceOf(UsageError);
      expect(error?.message).toContain(message);
    }
    expect(readdirSync(out)).toEqual([]);
  });

  it('refuses an --out that is a file, a pseudo file system or unwritable, up front and without hanging', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'sinew-bounds-'));
    const file = join(parent, 'file');
    writeFileSync(file, 'x');
    const base = ['--robot', 'reacher', '--algo', 'fake-on', '--steps', '64'];
    expect((await trainError(base, file))?.message).toBe(`--out ${file}: ${file} is not a folder`);
    expect((await trainError(base, join(file, 'sub')))?.message).toBe(`--out ${join(file, 'sub')}: ${file} is not a folder`);
    const proc = await trainError(base, '/proc/sinew-runs');
    expect(proc).toBeInstanceOf(UsageError);
    expect(proc?.message).toContain('--out /proc/sinew-runs: cannot create /proc/sinew-runs');
    expect((await trainError(base, '/proc'))?.message).toContain('--out /proc: cannot write there');
  });

  it('the real command line exits 2 (usage) for resources it cannot hold, with no stack trace', () => {
    const out = mkdtempSync(join(tmpdir(), 'sinew-bounds-'));
    const run = (args: string[]) => spawnSync(process.execPath, ['bin/sinew.mjs', 'train', ...args, '--out', out], { encoding: 'utf8' });
    const envs = run(['--robot', 'hopper', '--algo', 'ppo', '--envs', '1e8']);
    expect(envs.status).toBe(2);
    expect(envs.stderr).toContain('at most 4096 parallel robots');
    expect(envs.stderr).not.toContain('    at ');
    expect(readdirSync(out)).toEqual([]);
  });
});
