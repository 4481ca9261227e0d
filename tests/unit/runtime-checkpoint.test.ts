import { describe, it, expect } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, readCheckpointMeta } from '../../app/runtime/checkpoint.ts';
import type { CheckpointMeta } from '../../app/runtime/checkpoint.ts';
import type { TrainerState } from '../../agents/contract.ts';

const meta: CheckpointMeta = {
  robot: 'reacher',
  algorithm: 'td3',
  envSteps: 1234,
  meanReturn: -7.5,
  sinewVersion: '0.1.0',
  createdAt: '2026-01-01T00:00:00.000Z',
};

const state: TrainerState = {
  json: { counters: { updates: 3 }, rng: { words: [1, 2, 3, 4], spareNormal: null } },
  arrays: {
    weights: Float32Array.from([0.1, -2.5, 3e-8]),
    moments: Float64Array.from([Math.PI, -1e300]),
    indices: Int32Array.from([-7, 2 ** 31 - 1]),
    flags: Uint8Array.from([0, 1, 255]),
    empty: new Float32Array(0),
  },
};

describe('checkpoint encoding', () => {
  it('round-trips json, every array type bit for bit, and the metadata', () => {
    const { state: back, meta: backMeta } = decodeCheckpoint(encodeCheckpoint(state, meta));
    expect(back.json).toEqual(state.json);
    expect(backMeta).toEqual(meta);
    for (const [name, array] of Object.entries(state.arrays)) {
      expect(back.arrays[name].constructor).toBe(array.constructor);
      expect([...back.arrays[name]]).toEqual([...array]);
    }
  });

  it('starts with the magic and version and aligns array data to 8 bytes', () => {
    const bytes = encodeCheckpoint(state, meta);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('SINEWCKP');
    expect(new DataView(bytes.buffer).getUint32(8, true)).toBe(1);
    // 3 + 2 + 2 + 3 + 0 elements: 12 + 16 + 8 + 3 bytes, each padded to 8: 16 + 16 + 8 + 8 = 48 bytes of data.
    const headerLength = new DataView(bytes.buffer).getUint32(12, true);
    expect(bytes.length).toBe(Math.ceil((16 + headerLength) / 8) * 8 + 48 + 4);
  });

  it('reads the metadata alone', () => {
    expect(readCheckpointMeta(encodeCheckpoint(state, meta)).envSteps).toBe(1234);
  });

  it('rejects a flipped byte, a truncated file, a foreign file and another format version', () => {
    const bytes = encodeCheckpoint(state, meta);
    const flipped = bytes.slice();
    flipped[bytes.length - 10] ^= 1;
    expect(() => decodeCheckpoint(flipped, 'a.ckpt')).toThrow('a.ckpt is corrupt (checksum mismatch');
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 100), 'a.ckpt')).toThrow('is corrupt');
    expect(() => decodeCheckpoint(new TextEncoder().encode('{"hello": 1} and more bytes'), 'x')).toThrow('x is not a Sinew checkpoint');
    const future = bytes.slice();
    new DataView(future.buffer).setUint32(8, 2, true);
    expect(() => decodeCheckpoint(future, 'b.ckpt')).toThrow('b.ckpt has checkpoint format 2; this sinew reads format 1');
  });
});

describe('checkpoint decoding from a Node Buffer', () => {
  it('copies arrays out of pooled buffers (Buffer.slice is a view into a shared pool)', async () => {
    const { Buffer } = await import('node:buffer');
    const bytes = encodeCheckpoint(state, meta);
    const pooled = Buffer.concat([Buffer.from('padding that shifts the offset'), Buffer.from(bytes)]).subarray(30);
    const back = decodeCheckpoint(pooled).state;
    expect([...back.arrays.weights]).toEqual([...state.arrays.weights]);
    expect([...back.arrays.moments]).toEqual([...state.arrays.moments]);
  });
});
