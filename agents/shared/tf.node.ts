import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/** Absolute folder (ending in '/') of tfjs-backend-wasm's .wasm files in this installation. */
export function nodeWasmPath(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
  return `${dirname(entry)}/`;
}
