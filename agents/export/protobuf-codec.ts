import { decodeUtf8, encodeUtf8 } from './utf8.ts';

/**
 * Protocol Buffers wire format for a schema given as data (the same {fields: {name: {id, type, rule}}} JSON that
 * protobufjs reads). Written out rather than taken from protobufjs because protobufjs builds its encoders with
 * `new Function`, which the app's Content Security Policy forbids; tests check it byte for byte against
 * protobufjs. Decoding is defensive: every read is bounds-checked, unknown fields are skipped, nesting is
 * limited, so a corrupt file gives an Error, never a crash or a hang.
 */

export interface FieldSpec {
  readonly id: number;
  readonly type: string;
  readonly rule?: string;
}
export interface MessageSpec {
  readonly fields: Readonly<Record<string, FieldSpec>>;
}
export type Schema = Readonly<Record<string, MessageSpec>>;
export type ProtoObject = Readonly<Record<string, unknown>>;

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;
const MAX_DEPTH = 32;
const VARINT_TYPES = new Set(['int32', 'int64', 'uint32', 'uint64', 'bool', 'enum']);

class Writer {
  private bytes = new Uint8Array(256);
  length = 0;

  private ensure(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** Varint of a 64-bit two's-complement value (negative int32/int64 take ten bytes, as the spec says). */
  varint(value: number | bigint): void {
    let remaining = BigInt.asUintN(64, BigInt(value));
    this.ensure(10);
    do {
      const low = Number(remaining & 0x7fn);
      remaining >>= 7n;
      this.bytes[this.length++] = remaining > 0n ? low | 0x80 : low;
    } while (remaining > 0n);
  }

  float(value: number): void {
    this.ensure(4);
    new DataView(this.bytes.buffer).setFloat32(this.length, value, true);
    this.length += 4;
  }

  raw(data: Uint8Array): void {
    this.ensure(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  tag(id: number, wireType: number): void {
    this.varint(id * 8 + wireType);
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

class Reader {
  position = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly end = bytes.length,
  ) {}

  private need(count: number): void {
    if (count < 0 || this.position + count > this.end) throw new Error(`truncated: needs ${count} more bytes at offset ${this.position}`);
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      this.need(1);
      const byte = this.bytes[this.position++];
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw new Error(`varint longer than 10 bytes at offset ${this.position}`);
  }

  length(): number {
    const value = this.varint();
    if (value > BigInt(this.end - this.position)) throw new Error(`truncated: a field claims ${value} bytes, ${this.end - this.position} remain`);
    return Number(value);
  }

  float(): number {
    this.need(4);
    const value = new DataView(this.bytes.buffer, this.bytes.byteOffset).getFloat32(this.position, true);
    this.position += 4;
    return value;
  }

  take(count: number): Uint8Array {
    this.need(count);
    const slice = this.bytes.subarray(this.position, this.position + count);
    this.position += count;
    return slice;
  }

  skip(wireType: number): void {
    if (wireType === VARINT) this.varint();
    else if (wireType === FIXED64) this.take(8);
    else if (wireType === LENGTH_DELIMITED) this.take(this.length());
    else if (wireType === FIXED32) this.take(4);
    else throw new Error(`unsupported wire type ${wireType} at offset ${this.position}`);
  }
}

function scalarNumber(value: bigint, type: string): number | boolean {
  if (type === 'bool') return value !== 0n;
  if (type === 'int32' || type === 'enum') return Number(BigInt.asIntN(32, value));
  if (type === 'int64') return Number(BigInt.asIntN(64, value));
  return Number(value);
}

export class MessageCodec {
  constructor(
    private readonly schema: Schema,
    readonly typeName: string,
  ) {
    if (!schema[typeName]) throw new Error(`no message type '${typeName}' in the schema`);
  }

  encode(message: ProtoObject): Uint8Array {
    const writer = new Writer();
    this.write(writer, this.typeName, message, 0);
    return writer.finish();
  }

  decode(bytes: Uint8Array): Record<string, unknown> {
    return this.read(new Reader(bytes), this.typeName, 0);
  }

  private spec(typeName: string): MessageSpec {
    const spec = this.schema[typeName];
    if (!spec) throw new Error(`no message type '${typeName}' in the schema`);
    return spec;
  }

  private write(writer: Writer, typeName: string, message: ProtoObject, depth: number): void {
    if (depth > MAX_DEPTH) throw new Error('messages nested too deeply');
    for (const [name, field] of Object.entries(this.spec(typeName).fields)) {
      const value = message[name];
      if (value === undefined || value === null) continue;
      if (field.rule === 'repeated') {
        if (!Array.isArray(value) && !ArrayBuffer.isView(value)) throw new Error(`${typeName}.${name} must be an array`);
        const values = Array.from(value as ArrayLike<unknown>);
        if (values.length === 0) continue;
        if (field.type === 'float' || VARINT_TYPES.has(field.type)) {
          // Packed, as proto3 writes repeated numbers.
          const packed = new Writer();
          for (const item of values) this.writeScalar(packed, field.type, item, `${typeName}.${name}`);
          writer.tag(field.id, LENGTH_DELIMITED);
          writer.varint(packed.length);
          writer.raw(packed.finish());
        } else {
          for (const item of values) this.writeField(writer, field, item, `${typeName}.${name}`, depth);
        }
      } else {
        this.writeField(writer, field, value, `${typeName}.${name}`, depth);
      }
    }
  }

  private writeField(writer: Writer, field: FieldSpec, value: unknown, where: string, depth: number): void {
    if (field.type === 'float') {
      writer.tag(field.id, FIXED32);
      this.writeScalar(writer, field.type, value, where);
    } else if (VARINT_TYPES.has(field.type)) {
      writer.tag(field.id, VARINT);
      this.writeScalar(writer, field.type, value, where);
    } else if (field.type === 'string' || field.type === 'bytes') {
      if (field.type === 'string' && typeof value !== 'string') throw new Error(`${where} must be a string`);
      if (field.type === 'bytes' && !(value instanceof Uint8Array)) throw new Error(`${where} must be a Uint8Array`);
      const data = typeof value === 'string' ? encodeUtf8(value) : (value as Uint8Array);
      writer.tag(field.id, LENGTH_DELIMITED);
      writer.varint(data.length);
      writer.raw(data);
    } else {
      if (typeof value !== 'object' || value === null) throw new Error(`${where} must be a message object`);
      const nested = new Writer();
      this.write(nested, field.type, value as ProtoObject, depth + 1);
      writer.tag(field.id, LENGTH_DELIMITED);
      writer.varint(nested.length);
      writer.raw(nested.finish());
    }
  }

  private writeScalar(writer: Writer, type: string, value: unknown, where: string): void {
    if (type === 'float') {
      if (typeof value !== 'number') throw new Error(`${where} must be a number`);
      writer.float(value);
    } else if (type === 'bool') {
      writer.varint(value ? 1 : 0);
    } else {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`${where} must be an integer`);
      writer.varint(value);
    }
  }

  private read(reader: Reader, typeName: string, depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) throw new Error('messages nested too deeply');
    const fields = Object.entries(this.spec(typeName).fields);
    const byId = new Map(fields.map(([name, field]) => [field.id, { name, field }]));
    const result: Record<string, unknown> = {};
    for (const [name, field] of fields) if (field.rule === 'repeated') result[name] = [];
    while (reader.position < reader.end) {
      const key = reader.varint();
      const id = Number(key >> 3n);
      const wireType = Number(key & 7n);
      const known = byId.get(id);
      if (id === 0) throw new Error(`field number 0 at offset ${reader.position}`);
      if (!known) {
        reader.skip(wireType);
        continue;
      }
      const { name, field } = known;
      const numeric = field.type === 'float' || VARINT_TYPES.has(field.type);
      if (field.rule === 'repeated' && numeric && wireType === LENGTH_DELIMITED) {
        const length = reader.length();
        const end = reader.position + length;
        const packed = new Reader(reader.bytes, end);
        packed.position = reader.position;
        const list = result[name] as unknown[];
        while (packed.position < end) list.push(field.type === 'float' ? packed.float() : scalarNumber(packed.varint(), field.type));
        reader.position = end;
        continue;
      }
      const value = this.readValue(reader, field, wireType, `${typeName}.${name}`, depth);
      if (field.rule === 'repeated') (result[name] as unknown[]).push(value);
      else result[name] = value;
    }
    return result;
  }

  private readValue(reader: Reader, field: FieldSpec, wireType: number, where: string, depth: number): unknown {
    const expected = field.type === 'float' ? FIXED32 : VARINT_TYPES.has(field.type) ? VARINT : LENGTH_DELIMITED;
    if (wireType !== expected) throw new Error(`${where} has wire type ${wireType}, expected ${expected}`);
    if (field.type === 'float') return reader.float();
    if (VARINT_TYPES.has(field.type)) return scalarNumber(reader.varint(), field.type);
    const length = reader.length();
    if (field.type === 'string') return decodeUtf8(reader.take(length));
    if (field.type === 'bytes') return new Uint8Array(reader.take(length));
    const nested = new Reader(reader.bytes, reader.position + length);
    nested.position = reader.position;
    const message = this.read(nested, field.type, depth + 1);
    reader.position += length;
    return message;
  }
}
