import type { PolicySnapshot } from '../policy.ts';
import { CARD_FILE, checkCardMatches, readPolicyCard, writePolicyCard, type PolicyCard } from './card.ts';
import { createPolicyEvaluator, type PolicyEvaluator } from './evaluator.ts';
import { asRecord, parseJsonText } from './json-read.ts';
import { readOnnx } from './onnx-read.ts';
import { ONNX_FILE, writeOnnx } from './onnx-write.ts';
import type { RobotLayout } from './robot-layouts.ts';
import { PolicyFormatError } from './snapshot-check.ts';
import { decodeUtf8, encodeUtf8 } from './utf8.ts';
import { readTfjsLayers, TFJS_MODEL_FILE, TFJS_WEIGHTS_FILE, writeTfjsLayers } from './tfjs-layers.ts';

/**
 * Export and import of whole policy folders, platform-free: files are name -> bytes. The CLI and the app
 * both write what exportPolicyFiles returns; `sinew play` and the app read through importPolicy
 * (Node: loadPolicy in load-policy.node.ts).
 */
export type ExportFormat = 'tfjs' | 'onnx' | 'card';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['tfjs', 'onnx', 'card'];

export interface ExportOptions {
  readonly sinewVersion: string;
  readonly layout?: RobotLayout;
}

export function exportPolicyFiles(snapshot: PolicySnapshot, formats: readonly ExportFormat[], options: ExportOptions): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  if (formats.includes('tfjs')) {
    const tfjs = writeTfjsLayers(snapshot, options.sinewVersion);
    files.set(TFJS_MODEL_FILE, encodeUtf8(tfjs.modelJson));
    files.set(TFJS_WEIGHTS_FILE, tfjs.weights);
  }
  if (formats.includes('onnx')) files.set(ONNX_FILE, writeOnnx(snapshot, options.sinewVersion));
  if (formats.includes('card')) {
    const card = writePolicyCard(snapshot, {
      ...options,
      files: { ...(files.has(TFJS_MODEL_FILE) ? { tfjs: TFJS_MODEL_FILE } : {}), ...(files.has(ONNX_FILE) ? { onnx: ONNX_FILE } : {}) },
    });
    files.set(CARD_FILE, encodeUtf8(`${JSON.stringify(card, null, 2)}\n`));
  }
  return files;
}

export interface ImportedPolicy {
  readonly snapshot: PolicySnapshot;
  /** The card that came with it (checked to describe this very network), when there was one. */
  readonly card: PolicyCard | null;
  /** Which file the network was read from. */
  readonly networkFile: string;
  readonly evaluator: PolicyEvaluator;
}

export interface ImportOptions {
  /** Refuse a policy for another robot (e.g. `sinew play` on a given robot). */
  readonly robot?: string;
  /** Refuse a policy with another observation size (the environment's). */
  readonly observationSize?: number;
}

/** Reads a file of the folder by name, or undefined when it does not exist. */
export type FileReader = (name: string) => Uint8Array | undefined;

function need(read: FileReader, name: string, why: string): Uint8Array {
  const bytes = read(name);
  if (!bytes) throw new PolicyFormatError(`${name} is missing (${why})`);
  return bytes;
}

function readNetwork(read: FileReader, name: string): PolicySnapshot {
  if (name.endsWith('.onnx')) return readOnnx(need(read, name, 'the ONNX policy'), name);
  const modelJson = decodeUtf8(need(read, name, 'the tfjs model'));
  const manifest = asRecord(parseJsonText(modelJson, name), name).weightsManifest;
  const paths = Array.isArray(manifest) ? (asRecord(manifest[0] ?? null, `${name}: weightsManifest[0]`).paths as unknown) : undefined;
  const weightsName = Array.isArray(paths) && typeof paths[0] === 'string' ? paths[0] : TFJS_WEIGHTS_FILE;
  if (!/^[\w.-]+$/.test(weightsName) || weightsName.startsWith('.'))
    throw new PolicyFormatError(`${name}: weights path '${weightsName}' must be a file beside it`);
  return readTfjsLayers(modelJson, need(read, weightsName, `the weights of ${name}`), name);
}

/**
 * Loads a policy from a folder's files. `entry` is the file the user named (a card, model.json or .onnx);
 * null means the folder itself: the card if present, else model.json, else policy.onnx.
 */
export function importPolicy(read: FileReader, entry: string | null, options: ImportOptions = {}): ImportedPolicy {
  let cardName: string | null = null;
  let networkName: string;
  if (entry === null) {
    if (read(CARD_FILE)) cardName = CARD_FILE;
    networkName = read(TFJS_MODEL_FILE) ? TFJS_MODEL_FILE : ONNX_FILE;
  } else if (entry.endsWith('.onnx')) {
    networkName = entry;
  } else {
    const text = decodeUtf8(need(read, entry, 'the policy'));
    const format = asRecord(parseJsonText(text, entry), entry).format;
    if (format === 'sinew-policy-card') cardName = entry;
    networkName = entry;
  }
  let card: PolicyCard | null = null;
  if (cardName !== null) {
    card = readPolicyCard(decodeUtf8(need(read, cardName, 'the policy card')), cardName);
    const named = card.files.tfjs ?? card.files.onnx;
    if (named === undefined) throw new PolicyFormatError(`${cardName} names no network file (files.tfjs or files.onnx): export with --format all`);
    networkName = named;
  }
  const snapshot = readNetwork(read, networkName);
  if (card) checkCardMatches(card, snapshot, networkName);
  if (options.robot !== undefined && options.robot !== snapshot.robot) {
    throw new PolicyFormatError(`${networkName} is a policy for '${snapshot.robot}', not for '${options.robot}'`);
  }
  if (options.observationSize !== undefined && options.observationSize !== snapshot.observationSize) {
    throw new PolicyFormatError(
      `${networkName} expects ${snapshot.observationSize} observations but the environment gives ${options.observationSize}`,
    );
  }
  return { snapshot, card, networkFile: networkName, evaluator: createPolicyEvaluator(snapshot) };
}
