import { optionString, parseInteger, parseNumber, UsageError } from '../cli/args.ts';
import type { ParsedArgs } from '../cli/args.ts';
import type { Catalog } from './catalog.ts';
import type { ProgressStream } from './progress.node.ts';
import { loadCatalog } from './registry-catalog.ts';

/** What the train/resume/compare/report/play commands take from their surroundings; tests hand in fakes. */
export interface CliDeps {
  loadCatalog(): Promise<Catalog>;
  /** Progress bar / periodic lines (stderr on the command line, so stdout stays for results). */
  readonly progress: ProgressStream;
  /** Results and messages meant for stdout. */
  print(line: string): void;
  /** React to Ctrl-C (the real command line) or not (tests). */
  readonly handleSignals: boolean;
}

export const defaultCliDeps: CliDeps = {
  loadCatalog,
  progress: process.stderr,
  print: (line) => console.log(line),
  handleSignals: true,
};

/** Step counts: 1e6, 2.5e5, 1_000_000; whole and positive. */
export function stepsOption(args: ParsedArgs, name: string): number | undefined {
  const text = optionString(args, name);
  if (text === undefined) return undefined;
  const value = parseNumber(text, `--${name}`);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`--${name}: '${text}' must be a positive whole number of steps`);
  return value;
}

export function intOption(args: ParsedArgs, name: string, min: number): number | undefined {
  const text = optionString(args, name);
  return text === undefined ? undefined : parseInteger(text, `--${name}`, min);
}

/** At most one positional argument unless the command takes several: a stray word is usually a typo. */
export function expectPositionals(args: ParsedArgs, min: number, max: number, what: string): string[] {
  if (args.positionals.length < min) throw new UsageError(`name ${what}`);
  if (args.positionals.length > max) throw new UsageError(`unexpected argument '${args.positionals[max]}'`);
  return args.positionals;
}
