#!/usr/bin/env node
// Entry of the `sinew` command line. The CLI is TypeScript run through tsx; worker threads it starts
// inherit `--import tsx` (see sim/worker-host.node.ts), so one code path serves the CLI, tests and benchmarks.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../app/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
