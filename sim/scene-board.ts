/**
 * Saved physics scenes (whole Rapier worlds, by id: EnvSnapshot.scenes) as one byte array, for a VecEnvState and
 * for passing them between threads. A scene's size is known only once it is taken, so threads pass them through a
 * growable SharedArrayBuffer (a "scene board", one per worker): the writer grows it to fit, the reader reads it in
 * place. Layout: uint32 count, then per scene float64 id and uint32 byte length, then the scenes' bytes.
 */

export type Scenes = ReadonlyMap<number, Uint8Array>;

export function encodeScenes(scenes: Scenes): Uint8Array {
  const header = 4 + 12 * scenes.size;
  let size = header;
  for (const bytes of scenes.values()) size += bytes.length;
  const out = new Uint8Array(size);
  writeScenes(scenes, out);
  return out;
}

function writeScenes(scenes: Scenes, out: Uint8Array): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(0, scenes.size, true);
  let o = 4;
  let data = 4 + 12 * scenes.size;
  for (const [id, bytes] of scenes) {
    view.setFloat64(o, id, true);
    view.setUint32(o + 8, bytes.length, true);
    o += 12;
    out.set(bytes, data);
    data += bytes.length;
  }
}

/** The scenes in `bytes` (copied out, so the board may be reused); throws on bytes that do not hold scenes. */
export function decodeScenes(bytes: Uint8Array): Map<number, Uint8Array> {
  const scenes = new Map<number, Uint8Array>();
  if (bytes.length === 0) return scenes;
  const bad = () => new Error('saved scenes: not a scene table (truncated or foreign bytes)');
  if (bytes.length < 4) throw bad();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(0, true);
  let data = 4 + 12 * count;
  if (data > bytes.length) throw bad();
  for (let k = 0; k < count; k++) {
    const id = view.getFloat64(4 + 12 * k, true);
    const length = view.getUint32(4 + 12 * k + 8, true);
    if (data + length > bytes.length) throw bad();
    scenes.set(id, bytes.slice(data, data + length));
    data += length;
  }
  return scenes;
}

/** A growable SharedArrayBuffer (ES2024; Node >= 20, Chromium >= 111), typed for our ES2022 library. */
interface GrowableSharedArrayBuffer extends SharedArrayBuffer {
  grow(newLength: number): void;
  readonly maxByteLength: number;
}

/** Largest scene board: address space reserved, memory committed only as it grows. */
const BOARD_MAX_BYTES = 1 << 30;

/** A new, empty scene board. */
export function createSceneBoard(): SharedArrayBuffer {
  const Growable = SharedArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => GrowableSharedArrayBuffer;
  return new Growable(8, { maxByteLength: BOARD_MAX_BYTES });
}

/** Writes `scenes` to the board (growing it to fit): uint32 payload length, padding, then encodeScenes' bytes. */
export function writeSceneBoard(board: SharedArrayBuffer, scenes: Scenes): void {
  const payload = encodeScenes(scenes);
  const growable = board as GrowableSharedArrayBuffer;
  const needed = 8 + payload.length;
  if (needed > growable.maxByteLength)
    throw new Error(`saved scenes take ${needed} bytes, more than a scene board holds (${growable.maxByteLength})`);
  if (board.byteLength < needed) growable.grow(needed);
  new DataView(board).setUint32(0, payload.length, true);
  new Uint8Array(board, 8, payload.length).set(payload);
}

export function readSceneBoard(board: SharedArrayBuffer): Map<number, Uint8Array> {
  const length = new DataView(board).getUint32(0, true);
  return decodeScenes(new Uint8Array(board, 8, length));
}
