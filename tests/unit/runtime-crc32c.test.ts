import { describe, it, expect } from 'vitest';
import { crc32c, maskedCrc32c } from '../../app/runtime/crc32c.ts';

const ascii = (text: string) => new TextEncoder().encode(text);

describe('crc32c', () => {
  it('matches the published check value and the RFC 3720 vectors', () => {
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa); // 32 bytes of zeros
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e); // 0x00..0x1f
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('continues across chunks', () => {
    const whole = ascii('123456789');
    expect(crc32c(whole.subarray(4), crc32c(whole.subarray(0, 4)))).toBe(0xe3069283);
  });

  it('masks as TensorFlow does: rotate right by 15, add 0xa282ead8', () => {
    // 0xe3069283 rotated right by 15 bits = 0x2507c60d; + 0xa282ead8 = 0xc78ab0e5 (mod 2^32).
    expect(maskedCrc32c(ascii('123456789'))).toBe(0xc78ab0e5);
  });
});
