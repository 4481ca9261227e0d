import { join, resolve } from 'node:path';
import type { Command } from '../command.ts';
import { optionString, parseArgs, parseInteger, UsageError } from '../args.ts';
import type { OptionSpec } from '../args.ts';
import { defaultCliDeps, expectPositionals } from '../support.ts';
import type { CliDeps } from '../support.ts';
import { getRuntimeAlgorithm } from '../../runtime/catalog.ts';
import { writeFileSet } from '../../runtime/atomic.node.ts';
import { RunFolder } from '../../runtime/run-folder.node.ts';
import { runtimeVersions } from '../../runtime/versions.node.ts';
import { EXPORT_FORMATS, exportPolicyFiles, type ExportFormat } from '../../../agents/export/bundle.ts';
import { createPolicyEvaluator } from '../../../agents/export/evaluator.ts';
import { loadPolicy } from '../../../agents/export/load-policy.node.ts';
import type { PolicySnapshot } from '../../../agents/policy.ts';
import { checkPhysics } from '../../../sim/physics.ts';
import { Rng } from '../../../sim/rng.ts';
import { policyState } from '../../../agents/policy-state.ts';

const options: readonly OptionSpec[] = [
  { name: 'format', description: `what to write: ${EXPORT_FORMATS.join(', ')} or all (comma-separated lists work)`, default: 'all' },
  { name: 'out', description: "folder for the exported files (default: the run's exports/ folder)" },
  { name: 'checkpoint', description: 'checkpoint to export: latest, best, a step count or a file', default: 'latest' },
  { name: 'eval-episodes', description: "deterministic episodes measured for the card's evaluation return (0: skip)", default: '5' },
];

export function parseFormats(text: string): ExportFormat[] {
  const names = text.split(',').map((name) => name.trim());
  if (names.includes('all')) return [...EXPORT_FORMATS];
  for (const name of names) {
    if (!(EXPORT_FORMATS as readonly string[]).includes(name))
      throw new UsageError(`--format: unknown format '${name}'; use ${EXPORT_FORMATS.join(', ')} or all`);
  }
  return EXPORT_FORMATS.filter((format) => names.includes(format));
}

/** Largest action difference between a written network (read back from disk) and the exported snapshot. */
function verifyWritten(path: string, snapshot: PolicySnapshot): number {
  const reference = createPolicyEvaluator(snapshot);
  const imported = loadPolicy(path).evaluator;
  const rng = new Rng(12345);
  const count = 256;
  const n = snapshot.observationSize;
  const observations = Float32Array.from({ length: count * n }, (_, k) => {
    const mean = snapshot.obsNormaliser?.mean[k % n] ?? 0;
    const std = snapshot.obsNormaliser ? Math.sqrt(snapshot.obsNormaliser.variance[k % n]) : 1;
    return mean + 3 * std * rng.normal();
  });
  const expected = reference.actBatch(observations, count);
  const actual = imported.actBatch(observations, count);
  return expected.reduce((worst, value, i) => Math.max(worst, Math.abs(value - actual[i])), 0);
}

export function makeExportCommand(deps: CliDeps): Command {
  return {
    name: 'export',
    usage: 'sinew export <run folder> [--format tfjs|onnx|card|all] [--out DIR] [options]',
    summary: "Export a run's policy (normalisation and squash folded in) as TensorFlow.js layers, ONNX and a policy card.",
    options,
    async run(argv) {
      const args = parseArgs(argv, options);
      const [path] = expectPositionals(args, 1, 1, 'the run folder to export');
      const formats = parseFormats(optionString(args, 'format') ?? 'all');
      const episodes = parseInteger(optionString(args, 'eval-episodes') ?? '5', '--eval-episodes', 0);
      const folder = RunFolder.open(path);
      const { state, meta, path: checkpointPath } = folder.loadCheckpoint(optionString(args, 'checkpoint') ?? 'latest');
      const out = resolve(optionString(args, 'out') ?? folder.exportsDir);
      const catalog = await deps.loadCatalog();
      const entry = getRuntimeAlgorithm(catalog, folder.config.algorithm);
      const trainer = await entry.createTrainer({
        robot: folder.config.robot,
        config: folder.config.algorithmConfig,
        seed: folder.config.seed,
        workers: 0,
        // The card's evaluation runs on the physics the run trained on; the trainer takes the checkpoint's policy
        // (policyState: not its environments' state, which another build of the engine may not read).
        physics: checkPhysics(folder.config.physics),
      });
      let snapshot: PolicySnapshot;
      try {
        await trainer.setState(policyState(state));
        snapshot = trainer.exportPolicy();
        if (episodes > 0) snapshot = { ...snapshot, evalReturn: (await trainer.evaluate(episodes)).meanReturn };
      } finally {
        await trainer.dispose();
      }
      // The card's layout comes from sim/'s robot registry (robot-layouts.ts), as in the app.
      const files = exportPolicyFiles(snapshot, formats, { sinewVersion: runtimeVersions().sinew ?? 'unknown' });
      writeFileSet(out, files);
      const evalText = snapshot.evalReturn === undefined ? '' : `, evaluation return ${snapshot.evalReturn.toFixed(2)} over ${episodes} episodes`;
      deps.print(`exported ${snapshot.robot} ${snapshot.algorithm} policy from ${checkpointPath} (${meta.envSteps} env steps${evalText})`);
      for (const name of files.keys()) deps.print(`  ${join(out, name)}`);
      for (const network of ['model.json', 'policy.onnx'].filter((name) => files.has(name))) {
        deps.print(
          `verified ${network}: read back, it acts like the trained policy to ${verifyWritten(join(out, network), snapshot).toExponential(1)}`,
        );
      }
      return 0;
    },
  };
}

export const exportCommand = makeExportCommand(defaultCliDeps);
