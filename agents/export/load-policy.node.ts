/**
 * loadPolicy(path): what `sinew play POLICY` calls to load any exported form — an export folder, its
 * policy-card.json, a model.json (tfjs layers, weights beside it) or a .onnx file. Returns the checked
 * PolicySnapshot, the card when there is one, and a reference evaluator (`evaluator.act(obs)`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { importPolicy, type ImportedPolicy, type ImportOptions } from './bundle.ts';
import { PolicyFormatError } from './snapshot-check.ts';

/** No policy file comes near this; a bigger one is not a policy and is not read into memory. */
const MAX_FILE_BYTES = 256 * 1024 * 1024;

export function loadPolicy(path: string, options: ImportOptions = {}): ImportedPolicy {
  if (!existsSync(path)) throw new PolicyFormatError(`no policy at ${path}`);
  const isFolder = statSync(path).isDirectory();
  const folder = isFolder ? path : dirname(path);
  const read = (name: string): Uint8Array | undefined => {
    const file = join(folder, name);
    if (!existsSync(file) || !statSync(file).isFile()) return undefined;
    if (statSync(file).size > MAX_FILE_BYTES) throw new PolicyFormatError(`${file} is larger than ${MAX_FILE_BYTES} bytes: not a policy`);
    return new Uint8Array(readFileSync(file));
  };
  try {
    return importPolicy(read, isFolder ? null : basename(path), options);
  } catch (error) {
    if (error instanceof PolicyFormatError) throw new PolicyFormatError(`${path}: ${error.message}`);
    throw error;
  }
}
