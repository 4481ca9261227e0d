import { PolicyFormatError } from './snapshot-check.ts';

/** Small readers for untrusted JSON: each returns the typed value or throws a PolicyFormatError naming the field. */

export type JsonRecord = Readonly<Record<string, unknown>>;

export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PolicyFormatError(`${source} is not valid JSON (truncated or corrupt?): ${(error as Error).message}`);
  }
}

export function asRecord(value: unknown, what: string): JsonRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PolicyFormatError(`${what} must be an object, got ${describe(value)}`);
  }
  return value as JsonRecord;
}

export function readString(record: JsonRecord, key: string, what: string): string {
  const value = record[key];
  if (typeof value !== 'string') throw new PolicyFormatError(`${what}.${key} must be a string, got ${describe(value)}`);
  return value;
}

export function readNumber(record: JsonRecord, key: string, what: string): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new PolicyFormatError(`${what}.${key} must be a finite number, got ${describe(value)}`);
  }
  return value;
}

export function readArray(record: JsonRecord, key: string, what: string): readonly unknown[] {
  const value = record[key];
  if (!Array.isArray(value)) throw new PolicyFormatError(`${what}.${key} must be an array, got ${describe(value)}`);
  return value;
}

/** A JSON array of finite numbers of the given length, as float32 (the precision every runtime uses). */
export function readFloats(record: JsonRecord, key: string, length: number, what: string): Float32Array {
  const values = readArray(record, key, what);
  if (values.length !== length) throw new PolicyFormatError(`${what}.${key} has ${values.length} values, expected ${length}`);
  const out = new Float32Array(length);
  values.forEach((value, i) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new PolicyFormatError(`${what}.${key}[${i}] must be a finite number, got ${describe(value)}`);
    }
    out[i] = value;
  });
  return out;
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return Array.isArray(value) ? 'an array' : typeof value;
}
