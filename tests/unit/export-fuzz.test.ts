import { describe, expect, it } from 'vitest';
import { exportPolicyFiles, importPolicy } from '../../agents/export/bundle.ts';
import { PolicyFormatError } from '../../agents/export/snapshot-check.ts';
import { Rng } from '../../sim/rng.ts';
import { fixturePolicies } from '../fixtures/export/random-policy.ts';

/**
 * Seeded fuzzing of the importers: random byte-level and JSON-level mutations of valid exports. Every case
 * must either load a policy whose actions are finite and in [-1, 1], or throw a PolicyFormatError with a
 * message; any other exception (TypeError, RangeError...) is a crash.
 */
const CASES_PER_TARGET = 120;

type Mutator = (bytes: Uint8Array, rng: Rng) => Uint8Array;

const byteMutators: Record<string, Mutator> = {
  flip: (bytes, rng) => {
    const out = bytes.slice();
    for (let k = 1 + rng.int(4); k > 0; k--) out[rng.int(out.length)] ^= 1 + rng.int(255);
    return out;
  },
  truncate: (bytes, rng) => bytes.slice(0, rng.int(bytes.length)),
  overwrite: (bytes, rng) => {
    const out = bytes.slice();
    const start = rng.int(out.length);
    for (let i = start; i < Math.min(out.length, start + 1 + rng.int(16)); i++) out[i] = rng.int(256);
    return out;
  },
  insert: (bytes, rng) => {
    const at = rng.int(bytes.length);
    const extra = Uint8Array.from({ length: 1 + rng.int(8) }, () => rng.int(256));
    return Uint8Array.from([...bytes.subarray(0, at), ...extra, ...bytes.subarray(at)]);
  },
};

const replacements: unknown[] = [null, -1, 0, 1e12, 'NaN', 'x', [], {}, true, 1.5, 'relu', 'Conv2D', [null, 3]];

/** Replaces, deletes or resizes one random value somewhere in a JSON document. */
const jsonMutator: Mutator = (bytes, rng) => {
  const root = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  const containers: (Record<string, unknown> | unknown[])[] = [];
  const walk = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    containers.push(value as Record<string, unknown>);
    Object.values(value).forEach(walk);
  };
  walk(root);
  const target = containers[rng.int(containers.length)];
  const keys = Object.keys(target);
  if (keys.length > 0) {
    const key = keys[rng.int(keys.length)];
    const choice = rng.int(replacements.length + 2);
    if (Array.isArray(target) && choice === replacements.length) target.pop();
    else if (choice === replacements.length) delete (target as Record<string, unknown>)[key];
    else if (choice === replacements.length + 1 && typeof (target as Record<string, unknown>)[key] === 'number')
      (target as Record<string, number>)[key] *= -3;
    else (target as Record<string, unknown>)[key] = replacements[choice % replacements.length];
  }
  return new TextEncoder().encode(JSON.stringify(root));
};

interface Outcome {
  loaded: number;
  refused: number;
  crashes: string[];
  slowestMs: number;
}

function fuzz(target: string, entry: string | null, mutators: Mutator[], seed: number): Outcome {
  const rng = new Rng(seed);
  const outcome: Outcome = { loaded: 0, refused: 0, crashes: [], slowestMs: 0 };
  fixturePolicies().forEach(({ snapshot }, fixture) => {
    const valid = exportPolicyFiles(snapshot, ['tfjs', 'onnx', 'card'], { sinewVersion: '0.1.0' });
    for (let k = 0; k < CASES_PER_TARGET / 4; k++) {
      const files = new Map(valid);
      files.set(target, mutators[rng.int(mutators.length)](valid.get(target)!, rng));
      const start = performance.now();
      try {
        const { evaluator } = importPolicy((name) => files.get(name), entry);
        const action = evaluator.act(new Float32Array(snapshot.observationSize).fill(0.5));
        if (!action.every((a) => Number.isFinite(a) && Math.abs(a) <= 1))
          outcome.crashes.push(`fixture ${fixture} case ${k}: loaded but acts ${Array.from(action)}`);
        else outcome.loaded++;
      } catch (error) {
        if (error instanceof PolicyFormatError && error.message.length > 10) outcome.refused++;
        else outcome.crashes.push(`fixture ${fixture} case ${k}: ${String(error)}`);
      }
      outcome.slowestMs = Math.max(outcome.slowestMs, performance.now() - start);
    }
  });
  return outcome;
}

describe('importer fuzzing', () => {
  it.each([
    ['model.json (bytes)', 'model.json', 'model.json', Object.values(byteMutators), 11],
    ['model.json (JSON values)', 'model.json', 'model.json', [jsonMutator], 12],
    ['weights.bin', 'weights.bin', 'model.json', Object.values(byteMutators), 13],
    ['policy.onnx', 'policy.onnx', 'policy.onnx', Object.values(byteMutators), 14],
    ['policy-card.json (bytes)', 'policy-card.json', null, Object.values(byteMutators), 15],
    ['policy-card.json (JSON values)', 'policy-card.json', null, [jsonMutator], 16],
  ] as const)('%s: every mutation loads a valid policy or is refused with a clear error', (label, target, entry, mutators, seed) => {
    const outcome = fuzz(target, entry, [...mutators], seed);
    console.log(
      `[export] fuzz ${label}: ${outcome.loaded} loaded, ${outcome.refused} refused, ${outcome.crashes.length} crashes, slowest ${outcome.slowestMs.toFixed(1)} ms`,
    );
    expect(outcome.crashes).toEqual([]);
    expect(outcome.loaded + outcome.refused).toBe(CASES_PER_TARGET);
    expect(outcome.refused).toBeGreaterThan(0);
    expect(outcome.slowestMs).toBeLessThan(2000);
  });
});
