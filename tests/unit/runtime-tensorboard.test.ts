import { describe, it, expect } from 'vitest';
import { encodeRecord, eventFileName, fileVersionEvent, metricsEvent, scalarsEvent } from '../../app/runtime/tensorboard.ts';

/** Bit-by-bit CRC-32C and TensorFlow's mask, written independently of the table-driven module. */
function slowMaskedCrc(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  crc = ~crc >>> 0;
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

function double(value: number): number[] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value, true);
  return [...new Uint8Array(view.buffer)];
}

function expectRecord(record: Uint8Array, expectedData: number[]): void {
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  expect(record.length).toBe(16 + expectedData.length);
  expect(view.getUint32(0, true)).toBe(expectedData.length);
  expect(view.getUint32(4, true)).toBe(0);
  expect(view.getUint32(8, true)).toBe(slowMaskedCrc(record.subarray(0, 8)));
  expect([...record.subarray(12, 12 + expectedData.length)]).toEqual(expectedData);
  expect(view.getUint32(12 + expectedData.length, true)).toBe(slowMaskedCrc(Uint8Array.from(expectedData)));
}

describe('tensorboard event records', () => {
  it('frames data as length, masked crc of length, data, masked crc of data', () => {
    expectRecord(encodeRecord(Uint8Array.from([1, 2, 3])), [1, 2, 3]);
  });

  it('writes the file_version event first', () => {
    const version = [...new TextEncoder().encode('brain.Event:2')];
    // wall_time: field 1, wire 1 -> 0x09; file_version: field 3, wire 2 -> 0x1a, length 13.
    expectRecord(fileVersionEvent(0), [0x09, ...double(0), 0x1a, 13, ...version]);
  });

  it('encodes a scalar summary with its step as a varint', () => {
    // Value{tag "a" (0x0a 1 'a'), simple_value 1.0f (0x15 00 00 80 3f)} = 8 bytes inside Summary.value (0x0a 8).
    const summary = [0x0a, 8, 0x0a, 1, 0x61, 0x15, 0x00, 0x00, 0x80, 0x3f];
    // step 300 = 0b10_0101100 -> varint 0xac 0x02; summary: field 5, wire 2 -> 0x2a.
    const event = [0x09, ...double(1.5), 0x10, 0xac, 0x02, 0x2a, summary.length, ...summary];
    expectRecord(scalarsEvent(1.5, 300, { a: 1 }), event);
  });

  it('turns a metrics record into scalars at step = env steps, skipping non-finite values', () => {
    const fromMetrics = metricsEvent({ envSteps: 300, wallTime: 2, a: 1, broken: Number.NaN }, 1.5);
    expect([...fromMetrics]).toEqual([...scalarsEvent(1.5, 300, { wallTime: 2, a: 1 })]);
  });

  it('names files so TensorBoard finds them', () => {
    expect(eventFileName(1700000000.7, 'box')).toBe('events.out.tfevents.1700000000.box');
  });
});

describe('tensorboard events read back with an independent protobuf decoder', () => {
  it("decodes as tensorflow.Event with TensorFlow's own field numbers (event.proto, summary.proto)", async () => {
    const protobuf = (await import('protobufjs')).default;
    // The subset of tensorflow/core/util/event.proto and tensorflow/core/framework/summary.proto we write.
    const root = protobuf.parse(`
      syntax = "proto3";
      message Value { string tag = 1; float simple_value = 2; }
      message Summary { repeated Value value = 1; }
      message Event { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
    `).root;
    const Event = root.lookupType('Event');
    const file = new Uint8Array([
      ...fileVersionEvent(1700000000.5),
      ...metricsEvent({ envSteps: 123_456_789, wallTime: 9.5, episode_return: -4.25 }, 1700000001),
    ]);
    const events: Record<string, unknown>[] = [];
    for (let offset = 0; offset < file.length;) {
      const view = new DataView(file.buffer, offset);
      const length = view.getUint32(0, true);
      expect(view.getUint32(8, true)).toBe(slowMaskedCrc(file.subarray(offset, offset + 8)));
      const data = file.subarray(offset + 12, offset + 12 + length);
      expect(view.getUint32(12 + length, true)).toBe(slowMaskedCrc(data));
      events.push(Event.toObject(Event.decode(data), { longs: Number }));
      offset += 16 + length;
    }
    expect(events[0]).toEqual({ wallTime: 1700000000.5, fileVersion: 'brain.Event:2' });
    expect(events[1]).toEqual({
      wallTime: 1700000001,
      step: 123_456_789,
      summary: {
        value: [
          { tag: 'wallTime', simpleValue: 9.5 },
          { tag: 'episode_return', simpleValue: -4.25 },
        ],
      },
    });
  });
});

describe('dropEventsAfter', () => {
  it('keeps the version event and every record up to the step, drops later and partial ones', async () => {
    const { dropEventsAfter } = await import('../../app/runtime/tensorboard.ts');
    const version = fileVersionEvent(1);
    const at = (step: number) => scalarsEvent(2, step, { a: step });
    const file = new Uint8Array([...version, ...at(100), ...at(300), ...at(200_000), ...at(400).subarray(0, 10)]);
    expect([...dropEventsAfter(file, 300)]).toEqual([...version, ...at(100), ...at(300)]);
    expect([...dropEventsAfter(file, 1e9)]).toEqual([...version, ...at(100), ...at(300), ...at(200_000)]);
  });
});
