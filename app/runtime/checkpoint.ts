import { crc32c } from './crc32c.ts';
import type { TrainerState } from '../../agents/contract.ts';

/**
 * TrainerState <-> bytes, pure so the app's workers can write the same files as the command line.
 *
 * Layout (little-endian):
 *   "SINEWCKP" | uint32 format version | uint32 header length | header JSON (UTF-8) | zero padding to 8 |
 *   array bytes, each starting at a multiple of 8 | uint32 CRC32C of everything before it
 * The header holds the checkpoint's metadata, the trainer's JSON state and a table of the arrays.
 */

export const CHECKPOINT_FORMAT_VERSION = 1;
const MAGIC = 'SINEWCKP';

type StateArray = TrainerState['arrays'][string];
const ARRAY_TYPES = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint8: Uint8Array,
} as const;
type DType = keyof typeof ARRAY_TYPES;

/** What a checkpoint says about itself, readable without restoring it. */
export interface CheckpointMeta {
  readonly robot: string;
  readonly algorithm: string;
  readonly envSteps: number;
  /** Latest mean episode return when it was written (null before the first finished episode). */
  readonly meanReturn: number | null;
  readonly sinewVersion: string;
  /** ISO time of writing. */
  readonly createdAt: string;
  /** The run it belongs to (runIdentity of its config.json); absent in checkpoints written before it was recorded. */
  readonly run?: string;
}

interface ArrayEntry {
  readonly name: string;
  readonly dtype: DType;
  readonly offset: number;
  readonly length: number;
}

interface Header {
  readonly meta: CheckpointMeta;
  readonly json: unknown;
  readonly arrays: readonly ArrayEntry[];
}

export class CheckpointError extends Error {}

function dtypeOf(array: StateArray): DType {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Float64Array) return 'float64';
  if (array instanceof Int32Array) return 'int32';
  if (array instanceof Uint8Array) return 'uint8';
  throw new CheckpointError('unsupported array type in trainer state');
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

/**
 * Snapshots of the environments, where NaN is a value: a random stream's "no spare normal" (sim/rng.ts). The
 * physics in them is kept finite by the environments themselves (an absurd state resets the robot).
 */
const ARRAYS_WITH_NAN_MARKERS = new Set(['env.states']);

/**
 * Throws when the state holds a NaN or an infinity: a diverged trainer's state must never become a checkpoint
 * (a later plain resume would pick it up). JSON would also turn such numbers into null silently.
 */
export function assertFiniteState(state: TrainerState): void {
  for (const [name, array] of Object.entries(state.arrays)) {
    if (!(array instanceof Float32Array || array instanceof Float64Array) || ARRAYS_WITH_NAN_MARKERS.has(name)) continue;
    for (let i = 0; i < array.length; i++) {
      if (!Number.isFinite(array[i]))
        throw new CheckpointError(`refusing to write a checkpoint holding ${array[i]} (in '${name}'[${i}]): training diverged`);
    }
  }
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new CheckpointError(`refusing to write a checkpoint holding ${value} (at ${path}): training diverged`);
    if (typeof value === 'object' && value !== null) for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`);
  };
  walk(state.json, 'state');
}

export function encodeCheckpoint(state: TrainerState, meta: CheckpointMeta): Uint8Array {
  assertFiniteState(state);
  const entries: ArrayEntry[] = [];
  let dataLength = 0;
  for (const [name, array] of Object.entries(state.arrays)) {
    entries.push({ name, dtype: dtypeOf(array), offset: dataLength, length: array.length });
    dataLength = align8(dataLength + array.byteLength);
  }
  const header: Header = { meta, json: state.json, arrays: entries };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align8(16 + headerBytes.length);
  const out = new Uint8Array(dataStart + dataLength + 4);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, CHECKPOINT_FORMAT_VERSION, true);
  view.setUint32(12, headerBytes.length, true);
  out.set(headerBytes, 16);
  for (const entry of entries) {
    const array = state.arrays[entry.name];
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), dataStart + entry.offset);
  }
  view.setUint32(out.length - 4, crc32c(out.subarray(0, out.length - 4)), true);
  return out;
}

/** Reads only the metadata (after checking magic, version and checksum). */
export function readCheckpointMeta(bytes: Uint8Array, source = 'checkpoint'): CheckpointMeta {
  return parseHeader(bytes, source).header.meta;
}

export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): { state: TrainerState; meta: CheckpointMeta } {
  const { header, dataStart } = parseHeader(bytes, source);
  const arrays: Record<string, StateArray> = {};
  for (const entry of header.arrays) {
    const Type = ARRAY_TYPES[entry.dtype];
    const start = dataStart + entry.offset;
    const end = start + entry.length * Type.BYTES_PER_ELEMENT;
    if (end > bytes.length - 4) throw new CheckpointError(`${source} is corrupt: array '${entry.name}' runs past the end`);
    // Copy into a fresh buffer, so the arrays are aligned and independent of the file buffer (a Node Buffer's
    // slice() is a view into a shared pool, hence the explicit copy).
    const copy = new Uint8Array(end - start);
    copy.set(bytes.subarray(start, end));
    arrays[entry.name] = new Type(copy.buffer);
  }
  return { state: { json: header.json, arrays }, meta: header.meta };
}

function parseHeader(bytes: Uint8Array, source: string): { header: Header; dataStart: number } {
  if (bytes.length < 20 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new CheckpointError(`${source} is not a Sinew checkpoint (bad magic bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(
      `${source} has checkpoint format ${version}; this sinew reads format ${CHECKPOINT_FORMAT_VERSION} (incompatible version)`,
    );
  }
  const stored = view.getUint32(bytes.length - 4, true);
  if (crc32c(bytes.subarray(0, bytes.length - 4)) !== stored) {
    throw new CheckpointError(`${source} is corrupt (checksum mismatch: truncated or damaged file)`);
  }
  const headerLength = view.getUint32(12, true);
  if (16 + headerLength > bytes.length - 4) throw new CheckpointError(`${source} is corrupt: its header length ${headerLength} runs past the end`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerLength)));
  } catch {
    throw new CheckpointError(`${source} is corrupt (unreadable header)`);
  }
  const dataStart = align8(16 + headerLength);
  return { header: checkHeader(parsed, bytes.length - 4 - dataStart, source), dataStart };
}

/**
 * Checks every field of a header whose checksum passed: a checksum proves the file is as written, not that
 * what wrote it (another version, a hand-made file) wrote something this sinew can use. `dataLength` is the
 * number of bytes between the header and the checksum.
 */
function checkHeader(value: unknown, dataLength: number, source: string): Header {
  const fail = (what: string): never => {
    throw new CheckpointError(`${source} is corrupt: ${what}`);
  };
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const isCount = (v: unknown, max = Number.MAX_SAFE_INTEGER): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
  if (!isObject(value)) return fail('its header is not an object');
  const { meta, arrays } = value;
  if (!isObject(meta)) return fail("its header has no 'meta' object");
  for (const field of ['robot', 'algorithm', 'sinewVersion', 'createdAt'] as const) {
    if (typeof meta[field] !== 'string' || (meta[field] as string).length > 200) fail(`meta.${field} is not a string`);
  }
  if (!isCount(meta.envSteps, 1e15)) fail(`meta.envSteps ${JSON.stringify(meta.envSteps)} is not a whole number of steps`);
  if (meta.meanReturn !== null && !(typeof meta.meanReturn === 'number' && Number.isFinite(meta.meanReturn)))
    fail('meta.meanReturn is not a number or null');
  if (meta.run !== undefined && typeof meta.run !== 'string') fail('meta.run is not a string');
  if (!Array.isArray(arrays)) return fail("its header has no 'arrays' table");
  const names = new Set<string>();
  for (const entry of arrays as unknown[]) {
    if (!isObject(entry) || typeof entry.name !== 'string' || entry.name === '') return fail('an array entry has no name');
    const { name, dtype, offset, length } = entry;
    if (names.has(name)) fail(`array '${name}' is listed twice`);
    names.add(name);
    if (typeof dtype !== 'string' || !Object.hasOwn(ARRAY_TYPES, dtype)) return fail(`array '${name}' has unknown type ${JSON.stringify(dtype)}`);
    if (!isCount(offset) || offset % 8 !== 0) fail(`array '${name}' has a bad offset ${JSON.stringify(offset)}`);
    if (!isCount(length)) fail(`array '${name}' has a bad length ${JSON.stringify(length)}`);
    if ((offset as number) + (length as number) * ARRAY_TYPES[dtype as DType].BYTES_PER_ELEMENT > dataLength)
      fail(`array '${name}' runs past the end`);
  }
  return value as unknown as Header;
}
