import type { Command } from '../command.ts';
import { UsageError } from '../args.ts';
import { benchSuites } from '../../../tests/bench/index.ts';

/**
 * `sinew bench <suite> [suite options]`: benchmark scripts that print one JSON line per measurement.
 * Never run two benchmarks at once on a 2-core machine: their figures would mean nothing.
 */
export const benchCommand: Command = {
  name: 'bench',
  usage: 'sinew bench <suite> [options]   (npm run bench -- <suite> [options])',
  summary: `Run a benchmark suite, printing JSON lines. Suites: ${Object.keys(benchSuites).join(', ')}.`,
  options: [],
  async run(argv) {
    const [suiteName, ...rest] = argv;
    if (suiteName === undefined) throw new UsageError(`name a suite: ${Object.keys(benchSuites).join(', ')}`);
    const suite = benchSuites[suiteName];
    if (!suite) throw new UsageError(`unknown suite '${suiteName}'; suites: ${Object.keys(benchSuites).join(', ')}`);
    return suite(rest);
  },
};
