import { maskedCrc32c } from './crc32c.ts';
import type { MetricsRecord } from '../../agents/contract.ts';

/**
 * TensorBoard event files without TensorFlow: each record is
 *   uint64 length | uint32 masked CRC32C(length) | data | uint32 masked CRC32C(data)   (little-endian)
 * and each data is a serialised `tensorflow.Event` protobuf. We only need three Event fields
 * (wall_time = 1: double, step = 2: int64, file_version = 3: string, summary = 5) and scalar
 * Summary.Value entries (tag = 1: string, simple_value = 2: float), so the protobuf is written by hand.
 */

const textEncoder = new TextEncoder();

/** Grows a byte array while protobuf fields are appended. */
class ProtoWriter {
  private bytes: number[] = [];

  varint(value: number): void {
    // Steps stay below 2^53, so plain arithmetic (not 32-bit shifts) keeps them exact.
    let v = Math.floor(value);
    if (v < 0) throw new Error(`protobuf varint must be non-negative, got ${value}`);
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
  }

  tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  double(field: number, value: number): void {
    this.tag(field, 1);
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, value, true);
    this.raw(new Uint8Array(view.buffer));
  }

  float(field: number, value: number): void {
    this.tag(field, 5);
    const view = new DataView(new ArrayBuffer(4));
    view.setFloat32(0, value, true);
    this.raw(new Uint8Array(view.buffer));
  }

  int(field: number, value: number): void {
    this.tag(field, 0);
    this.varint(value);
  }

  lengthDelimited(field: number, payload: Uint8Array): void {
    this.tag(field, 2);
    this.varint(payload.length);
    this.raw(payload);
  }

  raw(payload: Uint8Array): void {
    for (let i = 0; i < payload.length; i++) this.bytes.push(payload[i]);
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** Frames one serialised Event as a TFRecord. */
export function encodeRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length % 0x100000000, true);
  view.setUint32(4, Math.floor(data.length / 0x100000000), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** The first event of every file: TensorBoard checks it to know the format version. */
export function fileVersionEvent(wallTimeSeconds: number): Uint8Array {
  const event = new ProtoWriter();
  event.double(1, wallTimeSeconds);
  event.lengthDelimited(3, textEncoder.encode('brain.Event:2'));
  return encodeRecord(event.finish());
}

/** One event carrying several scalars at the same step. */
export function scalarsEvent(wallTimeSeconds: number, step: number, scalars: Readonly<Record<string, number>>): Uint8Array {
  const summary = new ProtoWriter();
  for (const [tag, value] of Object.entries(scalars)) {
    const entry = new ProtoWriter();
    entry.lengthDelimited(1, textEncoder.encode(tag));
    entry.float(2, value);
    summary.lengthDelimited(1, entry.finish());
  }
  const event = new ProtoWriter();
  event.double(1, wallTimeSeconds);
  event.int(2, step);
  event.lengthDelimited(5, summary.finish());
  return encodeRecord(event.finish());
}

/** A metrics record as TensorBoard scalars: x = env steps, every other finite number a curve. */
export function metricsEvent(record: MetricsRecord, wallTimeSeconds: number): Uint8Array {
  const scalars: Record<string, number> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key !== 'envSteps' && Number.isFinite(value)) scalars[key] = value;
  }
  return scalarsEvent(wallTimeSeconds, record.envSteps, scalars);
}

/** TensorBoard only reads files whose name contains "tfevents". */
export function eventFileName(wallTimeSeconds: number, host: string): string {
  return `events.out.tfevents.${Math.floor(wallTimeSeconds)}.${host}`;
}

/** The step of a serialised Event (field 2), 0 when absent; other fields are skipped by wire type. */
function eventStep(data: Uint8Array): number {
  let offset = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    while (offset < data.length) {
      const byte = data[offset++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
    throw new Error('truncated varint');
  };
  while (offset < data.length) {
    const key = varint();
    const [field, wire] = [Math.floor(key / 8), key % 8];
    if (field === 2 && wire === 0) return varint();
    if (wire === 0) varint();
    else if (wire === 1) offset += 8;
    else if (wire === 2) {
      const length = varint(); // read first: `offset += varint()` would add to the offset before the varint
      offset += length;
    } else if (wire === 5) offset += 4;
    else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
  return 0;
}

/**
 * An events file without the records whose step is beyond `maxStep` (a resume from an earlier checkpoint
 * re-logs them), and without a partial record a kill may have left at the end.
 */
export function dropEventsAfter(file: Uint8Array, maxStep: number): Uint8Array {
  const kept: Uint8Array[] = [];
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  for (let offset = 0; offset + 16 <= file.length;) {
    const length = view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 0x100000000;
    const end = offset + 16 + length;
    if (end > file.length) break;
    if (eventStep(file.subarray(offset + 12, offset + 12 + length)) <= maxStep) kept.push(file.subarray(offset, end));
    offset = end;
  }
  const out = new Uint8Array(kept.reduce((sum, record) => sum + record.length, 0));
  let at = 0;
  for (const record of kept) {
    out.set(record, at);
    at += record.length;
  }
  return out;
}
