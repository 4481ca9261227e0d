import type { Command } from '../command.ts';
import { optionString, parseArgs, parseNumber, UsageError } from '../args.ts';
import type { OptionSpec } from '../args.ts';
import { defaultCliDeps, expectPositionals } from '../support.ts';
import type { CliDeps } from '../support.ts';
import { findRuns, summaryTable, writeReport } from '../../runtime/report-files.node.ts';

export const reportOptions: readonly OptionSpec[] = [
  { name: 'by', description: "one row and curve per 'algorithm' (seeds pooled) or per 'run'", default: 'algorithm' },
  { name: 'out', description: 'folder for report.md, curves.svg and curves.png (default: the folder of runs given, else ./report)' },
  {
    name: 'threshold',
    description:
      "return that counts as solved for 'time to threshold' (default: the robot's reward threshold in sim/, Gymnasium's: reacher -3.75, hopper 3800; 'none' to omit)",
  },
];

/** --threshold: a number, 'none' (null) or absent (undefined: the robot's default). */
export function thresholdOption(text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined;
  return text === 'none' ? null : parseNumber(text, '--threshold');
}

export function makeReportCommand(deps: CliDeps): Command {
  return {
    name: 'report',
    usage: 'sinew report <run or folder of runs>... [options]',
    summary: 'Write a comparison report (markdown table and learning-curve PNG) from existing runs.',
    options: reportOptions,
    async run(argv) {
      const args = parseArgs(argv, reportOptions);
      const paths = expectPositionals(args, 1, Number.MAX_SAFE_INTEGER, 'one or more run folders');
      const threshold = thresholdOption(optionString(args, 'threshold'));
      const by = optionString(args, 'by') ?? 'algorithm';
      if (by !== 'algorithm' && by !== 'run') throw new UsageError(`--by must be 'algorithm' or 'run', got '${by}'`);
      const runs = findRuns(paths);
      const single = paths.length === 1 && runs.length > 1 ? paths[0] : 'report';
      const { files, markdown } = writeReport(runs, optionString(args, 'out') ?? single, threshold, by);
      for (const line of summaryTable(markdown)) deps.print(line);
      deps.print(`report of ${runs.length} run${runs.length === 1 ? '' : 's'}: ${files.join(', ')}`);
      return 0;
    },
  };
}

export const reportCommand = makeReportCommand(defaultCliDeps);
