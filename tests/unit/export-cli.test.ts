import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeExportCommand, parseFormats } from '../../app/cli/commands/export.ts';
import { makeTrainCommand } from '../../app/cli/commands/train.ts';
import type { CliDeps } from '../../app/cli/support.ts';
import { RunFolder } from '../../app/runtime/run-folder.node.ts';
import { loadPolicy } from '../../agents/export/load-policy.node.ts';
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

async function trainedRun(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'sinew-export-'));
  const code = await makeTrainCommand(fakeDeps()).run([
    '--robot',
    'reacher',
    '--algo',
    'fake-on',
    '--steps',
    '1024',
    '--checkpoint-every',
    '512',
    '--out',
    out,
    '--name',
    'run',
  ]);
  expect(code).toBe(0);
  return join(out, 'run');
}

describe('sinew export', () => {
  it('parses --format lists', () => {
    expect(parseFormats('all')).toEqual(['tfjs', 'onnx', 'card']);
    expect(parseFormats('card,onnx')).toEqual(['onnx', 'card']);
    expect(() => parseFormats('pytorch')).toThrow("--format: unknown format 'pytorch'; use tfjs, onnx, card or all");
  });

  it("exports the latest checkpoint in every form into the run's exports/ and verifies what it wrote", async () => {
    const run = await trainedRun();
    const deps = fakeDeps();
    expect(await makeExportCommand(deps).run([run, '--eval-episodes', '3'])).toBe(0);
    expect(readdirSync(join(run, 'exports')).sort()).toEqual(['model.json', 'policy-card.json', 'policy.onnx', 'weights.bin']);
    expect(deps.printed[0]).toMatch(/^exported reacher fake-on policy from .*step-000000001024\.ckpt \(1024 env steps, evaluation return /);
    expect(deps.printed.filter((line) => line.startsWith('verified'))).toHaveLength(2);
    // The fake trainer's policy is tanh(w0 x0 + w1 x1 + b), its weights restored from the checkpoint.
    const { state } = RunFolder.open(run).loadCheckpoint('latest');
    const trainer = await fakeCatalog.algorithms['fake-on'].createTrainer({
      robot: 'reacher',
      config: RunFolder.open(run).config.algorithmConfig,
      seed: 1,
    });
    await trainer.setState(state);
    const trained = trainer.exportPolicy();
    const evalReturn = (await trainer.evaluate(3)).meanReturn;
    for (const entry of ['', 'model.json', 'policy.onnx', 'policy-card.json']) {
      const imported = loadPolicy(join(run, 'exports', entry));
      expect(imported.snapshot.envSteps).toBe(1024);
      expect(imported.snapshot.evalReturn).toBeCloseTo(evalReturn, 5);
      const [w0, w1] = trained.layers[0].kernel;
      const b = trained.layers[0].bias[0];
      expect(imported.evaluator.act([0.3, -0.7])[0]).toBeCloseTo(Math.tanh(0.3 * w0 - 0.7 * w1 + b), 6);
    }
    expect(JSON.parse(readFileSync(join(run, 'exports', 'policy-card.json'), 'utf8')).training.envSteps).toBe(1024);
  });

  it('writes only the requested formats to --out, from the requested checkpoint', async () => {
    const run = await trainedRun();
    const out = join(mkdtempSync(join(tmpdir(), 'sinew-export-out-')), 'deploy');
    expect(await makeExportCommand(fakeDeps()).run([run, '--format', 'onnx', '--out', out, '--checkpoint', '512', '--eval-episodes', '0'])).toBe(0);
    expect(readdirSync(out)).toEqual(['policy.onnx']);
    expect(loadPolicy(join(out, 'policy.onnx')).snapshot.envSteps).toBe(512);
    expect(loadPolicy(join(out, 'policy.onnx')).snapshot.evalReturn).toBeUndefined();
  });

  it('restores the checkpoint on the physics the run trained on', async () => {
    // Its environments' state is that engine's: another engine refuses it, and the card's evaluation would move.
    const out = mkdtempSync(join(tmpdir(), 'sinew-export-'));
    const restoredOn: (string | undefined)[] = [];
    const fakeOn = fakeCatalog.algorithms['fake-on'];
    const recording = {
      ...fakeDeps(),
      loadCatalog: async () => ({
        ...fakeCatalog,
        algorithms: {
          'fake-on': {
            ...fakeOn,
            createTrainer: (options: Parameters<typeof fakeOn.createTrainer>[0]) => (restoredOn.push(options.physics), fakeOn.createTrainer(options)),
          },
        },
      }),
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
    expect(await makeExportCommand(recording).run([join(out, 'h'), '--format', 'card', '--eval-episodes', '0'])).toBe(0);
    expect(restoredOn).toEqual(['mujoco', 'mujoco']);
  });

  it('refuses a missing run folder or a bad format before writing anything', async () => {
    const run = await trainedRun();
    await expect(makeExportCommand(fakeDeps()).run([join(run, 'nope')])).rejects.toThrow(/nope/);
    await expect(makeExportCommand(fakeDeps()).run([run, '--format', 'pt'])).rejects.toThrow(/unknown format 'pt'/);
    expect(existsSync(join(run, 'exports', 'policy.onnx'))).toBe(false);
  });
});
