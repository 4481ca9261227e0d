import { benchSuites } from './index.ts';

/**
 * `npm run bench -- <suite> [suite options]`: benchmark scripts that print one JSON line per measurement. A
 * developer's tool, not part of the shipped `sinew` command. Never run two benchmarks at once on a 2-core
 * machine: their figures would mean nothing.
 */
async function main(argv: readonly string[]): Promise<number> {
  const suites = Object.keys(benchSuites).join(', ');
  const [suiteName, ...rest] = argv;
  if (suiteName === undefined || suiteName === '--help' || suiteName === '-h') {
    console.log(`usage: npm run bench -- <suite> [options]\nRun a benchmark suite, printing JSON lines. Suites: ${suites}.`);
    return suiteName === undefined ? 2 : 0;
  }
  const suite = benchSuites[suiteName];
  if (!suite) {
    console.error(`bench: unknown suite '${suiteName}'; suites: ${suites}`);
    return 2;
  }
  try {
    return await suite(rest);
  } catch (error) {
    console.error(`bench ${suiteName}: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.SINEW_DEBUG && error instanceof Error) console.error(error.stack);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
