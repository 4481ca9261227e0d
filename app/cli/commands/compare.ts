import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from '../command.ts';
import { optionString, parseArgs, requireString, UsageError } from '../args.ts';
import type { OptionSpec } from '../args.ts';
import { runOptions, runRequestFrom } from './train.ts';
import { reportOptions, thresholdOption } from './report.ts';
import { defaultCliDeps, expectPositionals, intOption, prepareOutFolder, usageChecked } from '../support.ts';
import type { CliDeps } from '../support.ts';
import { runSinewChild, SINEW_ENTRY } from '../../runtime/child.node.ts';
import { formatDuration } from '../../runtime/progress.node.ts';
import { runPool } from '../../runtime/pool.ts';
import { findRuns, summaryTable, writeReport } from '../../runtime/report-files.node.ts';
import { resolveRunConfig } from '../../runtime/run-config.ts';
import { runtimeVersions } from '../../runtime/versions.node.ts';

const options: readonly OptionSpec[] = [
  runOptions[0],
  { name: 'algos', description: 'comma-separated algorithms, e.g. td3,ppo,sac (required)' },
  { name: 'seeds', description: 'seeds per algorithm (seeds 1..N)', default: '3' },
  ...runOptions.slice(1).filter((option) => option.name !== 'out'),
  { name: 'out', description: 'folder that receives the comparison folder', default: 'runs' },
  { name: 'name', description: 'comparison folder name (default: compare-<robot>-<time>)' },
  {
    name: 'parallel',
    description: `runs at once, at most the cores available (${availableParallelism()} here)`,
    default: String(availableParallelism()),
  },
  ...reportOptions.filter((option) => option.name === 'threshold'),
];

/** Options forwarded unchanged to each `sinew train` child. */
const FORWARDED = ['steps', 'envs', 'workers', 'physics', 'preset', 'checkpoint-every', 'keep'];

export interface CompareDeps extends CliDeps {
  /** node arguments that start `sinew` (tests point it at a fake). */
  readonly sinewEntry: readonly string[];
}

export function makeCompareCommand(deps: CompareDeps): Command {
  return {
    name: 'compare',
    usage: 'sinew compare --robot <robot> --algos <a,b,...> [options]',
    summary: 'Train every algorithm x seed as child processes within the cores, then write report.md and curves.png.',
    options,
    async run(argv) {
      const args = parseArgs(argv, options);
      expectPositionals(args, 0, 0, '');
      const robot = requireString(args, 'robot');
      const algos = requireString(args, 'algos')
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a !== '');
      if (algos.length === 0) throw new UsageError('--algos lists no algorithm');
      if (new Set(algos).size !== algos.length) throw new UsageError(`--algos repeats an algorithm: ${algos.join(',')}`);
      const seeds = Array.from({ length: intOption(args, 'seeds', 1) ?? 3 }, (_, i) => i + 1);
      const parallel = Math.min(intOption(args, 'parallel', 1) ?? availableParallelism(), availableParallelism());
      const threshold = thresholdOption(optionString(args, 'threshold'));
      // Validate every algorithm's config here, so a typo fails before any child starts or folder exists.
      const catalog = await deps.loadCatalog();
      for (const algo of algos) usageChecked(() => resolveRunConfig(catalog, runRequestFrom(args, algo, seeds.length), runtimeVersions()));

      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
      const dir = resolve(prepareOutFolder(optionString(args, 'out') ?? 'runs'), optionString(args, 'name') ?? `compare-${robot}-${stamp}`);
      if (existsSync(dir)) throw new Error(`comparison folder ${dir} already exists; pick another --name or --out`);
      mkdirSync(join(dir, 'logs'), { recursive: true });
      deps.print(`comparison folder: ${dir} (${algos.length * seeds.length} runs, ${parallel} at a time)`);

      const forwarded = FORWARDED.flatMap((name) => (args.options.has(name) ? [`--${name}`, optionString(args, name) ?? ''] : []));
      const sets = (args.options.get('set') ?? []).flatMap((s) => ['--set', s]);
      const jobs = algos.flatMap((algo) => seeds.map((seed) => ({ algo, seed, name: `${algo}-seed${seed}` })));
      let interrupted = false;
      const onSignal = () => void (interrupted = true); // children got the same Ctrl-C and checkpoint themselves
      if (deps.handleSignals) process.on('SIGINT', onSignal);
      const results = await runPool(
        jobs,
        parallel,
        async (job) => {
          deps.print(`started  ${job.name}`);
          const childArgs = [
            'train',
            '--robot',
            robot,
            '--algo',
            job.algo,
            '--seed',
            String(job.seed),
            '--out',
            dir,
            '--name',
            job.name,
            ...forwarded,
            ...sets,
          ];
          const result = await runSinewChild(deps.sinewEntry, childArgs, join(dir, 'logs', `${job.name}.log`));
          deps.print(`finished ${job.name}: exit ${result.exitCode} after ${formatDuration(result.seconds)}`);
          return result;
        },
        () => interrupted,
      ).finally(() => {
        if (deps.handleSignals) process.off('SIGINT', onSignal);
      });
      const failed = jobs.filter((_, i) => results[i]?.exitCode !== 0).map((job) => job.name);
      // Interrupted runs (Ctrl-C) still have checkpoints and curves worth reporting; runs that never started do not.
      if (!jobs.some((job) => existsSync(join(dir, job.name, 'config.json'))))
        throw new Error(`no run started; see the logs in ${join(dir, 'logs')}`);
      const { files, markdown } = writeReport(findRuns([dir]), dir, threshold);
      for (const line of summaryTable(markdown)) deps.print(line);
      deps.print(`report: ${files.join(', ')}`);
      if (failed.length > 0) {
        deps.print(`not finished: ${failed.join(', ')} (logs in ${join(dir, 'logs')}; sinew resume <run> continues one)`);
        return 1;
      }
      return 0;
    },
  };
}

export const compareCommand = makeCompareCommand({ ...defaultCliDeps, sinewEntry: SINEW_ENTRY });
