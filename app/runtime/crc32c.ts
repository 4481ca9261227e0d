/**
 * CRC-32C (Castagnoli), the checksum of TensorBoard's record format and of Sinew's checkpoints.
 * Table-driven, reflected polynomial 0x82F63B78; pure so browser workers can use it too.
 */

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C of `bytes`; pass a previous result as `crc` to continue over several chunks. */
export function crc32c(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * TFRecord's masked CRC: a CRC of data that itself holds CRCs is weak, so TensorFlow rotates it and adds
 * a constant (tensorflow/core/lib/hash/crc32c.h, Mask()).
 */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}
