import { describe, expect, it } from 'vitest';
import { parseArgs, parseInteger, parseNumber, UsageError, type OptionSpec } from '../../app/cli/args.ts';

const specs: OptionSpec[] = [
  { name: 'robot', description: 'robot' },
  { name: 'steps', description: 'steps', default: '1000' },
  { name: 'set', description: 'override', repeatable: true },
  { name: 'quiet', description: 'quiet', flag: true },
];

describe('parseArgs', () => {
  it('reads values, defaults, repeated options, flags and positionals', () => {
    const args = parseArgs(['run1', '--robot', 'hopper', '--set', 'a=1', '--set=b=2', '--quiet'], specs);
    expect(args.positionals).toEqual(['run1']);
    expect(args.options.get('robot')).toEqual(['hopper']);
    expect(args.options.get('steps')).toEqual(['1000']);
    expect(args.options.get('set')).toEqual(['a=1', 'b=2']);
    expect(args.options.get('quiet')).toEqual(['true']);
  });

  it('rejects unknown options, missing values and repeats of single options', () => {
    expect(() => parseArgs(['--colour', 'red'], specs)).toThrow(/unknown option --colour/);
    expect(() => parseArgs(['--robot'], specs)).toThrow(/needs a value/);
    expect(() => parseArgs(['--robot', 'a', '--robot', 'b'], specs)).toThrow(UsageError);
    expect(() => parseArgs(['--quiet=yes'], specs)).toThrow(/takes no value/);
  });
});

describe('number parsing', () => {
  it('accepts scientific notation and underscores', () => {
    expect(parseNumber('1e6', 'steps')).toBe(1_000_000);
    expect(parseNumber('1_000', 'steps')).toBe(1000);
    expect(parseInteger('2.5e3', 'steps')).toBe(2500);
  });
  it('rejects junk, fractions where integers are needed and values below the minimum', () => {
    expect(() => parseNumber('12abc', 'steps')).toThrow(/not a number/);
    expect(() => parseNumber('', 'steps')).toThrow(/not a number/);
    expect(() => parseInteger('1.5', 'envs')).toThrow(/whole number/);
    expect(() => parseInteger('0', 'envs', 1)).toThrow(/at least 1/);
  });
});
