import * as protobufModule from 'protobufjs/light.js';
import { describe, expect, it } from 'vitest';
import { MessageCodec, type Schema } from '../../agents/export/protobuf-codec.ts';
import { onnxSchema } from '../../agents/export/onnx-schema.ts';
import { writeOnnx } from '../../agents/export/onnx-write.ts';
import { readOnnx } from '../../agents/export/onnx-read.ts';
import { fixturePolicies } from '../fixtures/export/random-policy.ts';

type Protobuf = typeof protobufModule;
const protobuf: Protobuf = (protobufModule as Protobuf & { default?: Protobuf }).default ?? protobufModule;

const tiny: Schema = {
  Test: {
    fields: {
      a: { id: 1, type: 'int32' },
      name: { id: 2, type: 'string' },
      big: { id: 3, type: 'int64' },
      values: { id: 4, type: 'float', rule: 'repeated' },
      child: { id: 5, type: 'Test' },
    },
  },
};

describe('protobuf codec', () => {
  it("writes the encoding guide's examples byte for byte", () => {
    const codec = new MessageCodec(tiny, 'Test');
    // protobuf.dev/programming-guides/encoding: field 1 = 150 is 08 96 01; field 2 = "testing" is 12 07 74 65 73 74 69 6e 67.
    expect([...codec.encode({ a: 150 })]).toEqual([0x08, 0x96, 0x01]);
    expect([...codec.encode({ name: 'testing' })]).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
    // A negative int64 is its 64-bit two's complement: ten varint bytes.
    expect([...codec.encode({ big: -1 })]).toEqual([0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    // Packed floats: tag 0x22, length 8, then 1.0f (00 00 80 3f) and -2.0f (00 00 00 c0), little-endian.
    expect([...codec.encode({ values: [1, -2] })]).toEqual([0x22, 0x08, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]);
  });

  it('round-trips nested messages, negatives and unknown fields', () => {
    const codec = new MessageCodec(tiny, 'Test');
    const message = { a: -7, name: 'ünïcode', big: 2 ** 40, values: [0.5, 3], child: { a: 1, values: [] } };
    const decoded = codec.decode(codec.encode(message));
    expect(decoded).toEqual({ a: -7, name: 'ünïcode', big: 2 ** 40, values: [0.5, 3], child: { a: 1, values: [] } });
    // Field 9 (unknown here) as a varint, then field 1: the unknown one is skipped.
    expect(codec.decode(new Uint8Array([0x48, 0x05, 0x08, 0x02]))).toEqual({ a: 2, values: [] });
  });

  it('refuses truncated and malformed input with an Error', () => {
    const codec = new MessageCodec(tiny, 'Test');
    expect(() => codec.decode(new Uint8Array([0x12, 0x07, 0x74]))).toThrow(/truncated/);
    expect(() => codec.decode(new Uint8Array([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toThrow(/varint/);
    expect(() => codec.decode(new Uint8Array([0x0b]))).toThrow(/wire type/);
    expect(() => codec.decode(new Uint8Array([0x0d, 0, 0, 0, 0]))).toThrow(/wire type 5/);
  });

  it('agrees with protobufjs on a real ONNX policy in both directions', () => {
    const type = protobuf.Root.fromJSON(onnxSchema).lookupType('onnx.ModelProto');
    const ours = writeOnnx(fixturePolicies()[0].snapshot, '0.1.0');
    const viaProtobufjs = type.toObject(type.decode(ours), { longs: Number, arrays: true, bytes: Array }) as Record<string, unknown>;
    const codec = new MessageCodec(onnxSchema.nested.onnx.nested, 'ModelProto');
    const reencoded = type.encode(type.fromObject(viaProtobufjs)).finish();
    expect(readOnnx(reencoded)).toEqual(readOnnx(ours));
    expect(codec.decode(reencoded).graph).toEqual(codec.decode(ours).graph);
  });
});
