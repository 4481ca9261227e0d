/** A small, strict option parser: every command declares its options, unknown ones are an error. */

export interface OptionSpec {
  /** Name without dashes, e.g. "robot" for --robot. */
  readonly name: string;
  readonly description: string;
  /** Default shown in --help; undefined for required or flag options. */
  readonly default?: string;
  /** A flag takes no value. */
  readonly flag?: boolean;
  /** May be given more than once (values are collected). */
  readonly repeatable?: boolean;
}

export interface ParsedArgs {
  readonly options: Map<string, string[]>;
  readonly positionals: string[];
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const options = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const spec = byName.get(name);
    if (!spec) throw new UsageError(`unknown option --${name}`);
    let value: string;
    if (spec.flag) {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      value = 'true';
    } else if (eq > 0) {
      value = arg.slice(eq + 1);
    } else {
      if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value`);
      value = argv[++i];
    }
    const values = options.get(name) ?? [];
    if (values.length > 0 && !spec.repeatable) throw new UsageError(`--${name} given more than once`);
    values.push(value);
    options.set(name, values);
  }
  for (const spec of specs) {
    if (!options.has(spec.name) && spec.default !== undefined) options.set(spec.name, [spec.default]);
  }
  return { options, positionals };
}

export function optionString(args: ParsedArgs, name: string): string | undefined {
  return args.options.get(name)?.[0];
}

export function requireString(args: ParsedArgs, name: string): string {
  const value = optionString(args, name);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

/** Parses numbers such as 1000, 1e6, 2.5e5 and 1_000_000; rejects anything else. */
export function parseNumber(text: string, what: string): number {
  const value = Number(text.replaceAll('_', ''));
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`${what}: '${text}' is not a number`);
  return value;
}

export function parseInteger(text: string, what: string, min = Number.MIN_SAFE_INTEGER): number {
  const value = parseNumber(text, what);
  if (!Number.isInteger(value)) throw new UsageError(`${what}: '${text}' is not a whole number`);
  if (value < min) throw new UsageError(`${what}: must be at least ${min}, got ${value}`);
  return value;
}

export function optionFlag(args: ParsedArgs, name: string): boolean {
  return args.options.get(name)?.[0] === 'true';
}

export function formatHelp(usage: string, summary: string, specs: readonly OptionSpec[]): string {
  const lines = [`usage: ${usage}`, '', summary, ''];
  if (specs.length > 0) lines.push('options:');
  const width = Math.max(0, ...specs.map((spec) => spec.name.length + (spec.flag ? 0 : 8)));
  for (const spec of specs) {
    const left = spec.flag ? `--${spec.name}` : `--${spec.name} <value>`;
    const def = spec.default !== undefined ? ` (default: ${spec.default})` : '';
    lines.push(`  ${left.padEnd(width + 4)}${spec.description}${def}`);
  }
  return lines.join('\n');
}
