import type { OptionSpec } from './args.ts';

/** One sub-command of `sinew`. `run` returns the process exit code. */
export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly options: readonly OptionSpec[];
  run(argv: readonly string[]): Promise<number>;
}
