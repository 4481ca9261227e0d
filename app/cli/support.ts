import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { optionString, parseInteger, parseNumber, UsageError } from './args.ts';
import type { ParsedArgs } from './args.ts';
import type { Catalog } from '../runtime/catalog.ts';
import type { ProgressStream } from '../runtime/progress.node.ts';
import { loadCatalog } from '../runtime/registry-catalog.ts';

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

/** Runs `resolve` and turns what it throws into a usage error (exit 2): a bad robot, algorithm, seed or --set. */
export function usageChecked<T>(resolve: () => T): T {
  try {
    return resolve();
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError((error as Error).message);
  }
}

/**
 * Makes sure `--out` is a folder this process can write in, creating it if needed, before anything is trained.
 * Checked up front because a file, a read-only place or a pseudo file system (/proc, where a recursive mkdir
 * never returns) would otherwise fail late or hang. Returns the absolute path.
 */
export function prepareOutFolder(path: string, option = '--out'): string {
  const absolute = resolve(path);
  const missing: string[] = [];
  let existing = absolute;
  while (!existsSync(existing)) {
    missing.unshift(existing);
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  if (!statSync(existing).isDirectory()) throw new UsageError(`${option} ${path}: ${existing} is not a folder`);
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (error) {
      throw new UsageError(`${option} ${path}: cannot create ${folder} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  const probe = join(absolute, `.sinew-write-test-${process.pid}`);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
    rmSync(probe, { force: true });
  } catch (error) {
    throw new UsageError(`${option} ${path}: cannot write there (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return absolute;
}
