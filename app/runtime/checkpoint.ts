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
      if (!Number.isFinite(array[i])) throw new CheckpointError(`refusing to write a checkpoint holding ${array[i]} (in '${name}'[${i}]): training diverged`);
    }
  }
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new CheckpointError(`refusing to write a checkpoint holding ${value} (at ${path}): training diverged`);
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
    if (!Type) throw new CheckpointError(`${source} is corrupt: unknown array type '${entry.dtype}'`);
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
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerLength))) as Header;
  } catch {
    throw new CheckpointError(`${source} is corrupt (unreadable header)`);
  }
  return { header, dataStart: align8(16 + headerLength) };
}
