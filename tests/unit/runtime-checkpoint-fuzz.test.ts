import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTrainCommand } from '../../app/cli/commands/train.ts';
import { makeResumeCommand } from '../../app/cli/commands/resume.ts';
import type { CliDeps } from '../../app/cli/support.ts';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from '../../app/runtime/checkpoint.ts';
import { crc32c } from '../../app/runtime/crc32c.ts';
import { Rng } from '../../sim/rng.ts';
import { fakeCatalog } from '../fixtures/fake-trainer.ts';

const deps = (): CliDeps => ({
  loadCatalog: async () => fakeCatalog,
  progress: { isTTY: false, write: () => true },
  print: () => {},
  handleSignals: false,
});
const good = encodeCheckpoint(
  { json: { iterations: 2 }, arrays: { w: Float32Array.from([1, 2, 3]), counts: Int32Array.from([4, 5]) } },
  { robot: 'reacher', algorithm: 'fake-on', envSteps: 64, meanReturn: -3, sinewVersion: '0.1.0', createdAt: '2026-01-01T00:00:00Z', run: 'r' },
);
const view = new DataView(good.buffer, good.byteOffset, good.byteLength);
const headerLength = view.getUint32(12, true);
const header = JSON.parse(new TextDecoder().decode(good.subarray(16, 16 + headerLength))) as Record<string, unknown>;
const data = good.subarray(Math.ceil((16 + headerLength) / 8) * 8, good.length - 4);

/** A checkpoint with this header and the same array bytes, with a valid checksum: only the header is wrong. */
function withHeader(value: unknown, lengthField?: number): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(value));
  const start = Math.ceil((16 + text.length) / 8) * 8;
  const out = new Uint8Array(start + data.length + 4);
  const dv = new DataView(out.buffer);
  out.set(new TextEncoder().encode('SINEWCKP'));
  dv.setUint32(8, 1, true);
  dv.setUint32(12, lengthField ?? text.length, true);
  out.set(text, 16);
  out.set(data, start);
  dv.setUint32(out.length - 4, crc32c(out.subarray(0, out.length - 4)), true);
  return out;
}

const clone = () => JSON.parse(JSON.stringify(header)) as { meta: Record<string, unknown>; arrays: Record<string, unknown>[]; json: unknown };

describe('checkpoint headers with valid checksums', () => {
  it('reads back the header written, re-encoded', () => {
    expect(decodeCheckpoint(withHeader(header)).meta.envSteps).toBe(64);
  });

  it('refuses every field of the wrong type, size or count with a CheckpointError naming it', () => {
    const cases: [(h: ReturnType<typeof clone>) => unknown, string][] = [
      [() => [], 'its header is not an object'],
      [(h) => ({ ...h, meta: null }), "no 'meta' object"],
      [(h) => ({ ...h, meta: { ...h.meta, robot: 5 } }), 'meta.robot is not a string'],
      [(h) => ({ ...h, meta: { ...h.meta, envSteps: -64 } }), 'meta.envSteps -64 is not a whole number'],
      [(h) => ({ ...h, meta: { ...h.meta, envSteps: 6.5 } }), 'meta.envSteps 6.5'],
      [(h) => ({ ...h, meta: { ...h.meta, envSteps: 1e20 } }), 'meta.envSteps 100000000000000000000'],
      [(h) => ({ ...h, meta: { ...h.meta, envSteps: '64' } }), 'meta.envSteps "64"'],
      [(h) => ({ ...h, meta: { ...h.meta, meanReturn: 'good' } }), 'meta.meanReturn is not a number or null'],
      [(h) => ({ ...h, meta: { ...h.meta, run: 7 } }), 'meta.run is not a string'],
      [(h) => ({ ...h, arrays: {} }), "no 'arrays' table"],
      [(h) => ({ ...h, arrays: [{ ...h.arrays[0], dtype: 'constructor' }] }), `unknown type "constructor"`],
      [(h) => ({ ...h, arrays: [{ ...h.arrays[0], dtype: 'float16' }] }), `unknown type "float16"`],
      [(h) => ({ ...h, arrays: [{ ...h.arrays[0], offset: 3 }] }), "array 'w' has a bad offset 3"],
      [(h) => ({ ...h, arrays: [{ ...h.arrays[0], offset: -8 }] }), "array 'w' has a bad offset -8"],
      [(h) => ({ ...h, arrays: [{ ...h.arrays[0], offset: 1e12 }] }), "array 'w' runs past the end"],
      [(h) => ({ ...h, arrays: [{ ...h.arrays[0], length: 1e9 }] }), "array 'w' runs past the end"],
      [(h) => ({ ...h, arrays: [{ ...h.arrays[0], length: -1 }] }), "array 'w' has a bad length -1"],
      [(h) => ({ ...h, arrays: [{ ...h.arrays[0], length: 0.5 }] }), "array 'w' has a bad length 0.5"],
      [(h) => ({ ...h, arrays: [h.arrays[0], h.arrays[0]] }), "array 'w' is listed twice"],
      [(h) => ({ ...h, arrays: [{ ...h.arrays[0], name: '' }] }), 'an array entry has no name'],
    ];
    for (const [mutate, message] of cases) {
      const bytes = withHeader(mutate(clone()));
      expect(() => decodeCheckpoint(bytes, 'c.ckpt')).toThrow(CheckpointError);
      expect(() => decodeCheckpoint(bytes, 'c.ckpt')).toThrow(message);
    }
    expect(() => decodeCheckpoint(withHeader(header, 1e9), 'c.ckpt')).toThrow('c.ckpt is corrupt: its header length 1000000000 runs past the end');
  });

  it('random header damage gives a CheckpointError or a checkpoint that reads, never another error', () => {
    const rng = new Rng(11);
    const values: unknown[] = [null, -1, 0, 0.5, 8, 1e300, 'x', 'float64', 'uint8', [], {}, true, 2 ** 53];
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rng.uniform() * list.length)];
    let refused = 0;
    for (let trial = 0; trial < 400; trial++) {
      const h = clone();
      const target = rng.uniform() < 0.4 ? h.meta : pick(h.arrays);
      target[pick(Object.keys(target))] = pick(values);
      try {
        decodeCheckpoint(withHeader(h), 'c.ckpt');
      } catch (error) {
        expect(error).toBeInstanceOf(CheckpointError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(200);
  });
});

describe('resume and checkpoints that do not fit the run', () => {
  const base = ['--robot', 'reacher', '--algo', 'fake-on', '--steps', '256', '--checkpoint-every', '64', '--keep', '4'];

  it("refuses another run's checkpoint, leaving this run's metrics alone", async () => {
    const out = mkdtempSync(join(tmpdir(), 'sinew-identity-'));
    await makeTrainCommand(deps()).run([...base, '--out', out, '--name', 'mine']);
    await makeTrainCommand(deps()).run([...base, '--out', out, '--name', 'other', '--seed', '2']);
    const metrics = readFileSync(join(out, 'mine', 'metrics.jsonl'), 'utf8');
    const foreign = join(out, 'other', 'checkpoints', 'step-000000000064.ckpt');
    await expect(makeResumeCommand(deps()).run([join(out, 'mine'), '--checkpoint', foreign, '--steps', '512'])).rejects.toThrow(
      `${foreign} belongs to another run (reacher/fake-on/seed 2/`,
    );
    expect(readFileSync(join(out, 'mine', 'metrics.jsonl'), 'utf8')).toBe(metrics);
  });

  it('names the older checkpoints that read fine when the latest is corrupt, and how to resume from one', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sinew-identity-'));
    await makeTrainCommand(deps()).run([...base, '--out', out, '--name', 'r']);
    const run = join(out, 'r');
    writeFileSync(join(run, 'checkpoints', 'step-000000000256.ckpt'), 'damaged');
    writeFileSync(join(run, 'checkpoints', 'step-000000000128.ckpt'), 'damaged too');
    await expect(makeResumeCommand(deps()).run([run, '--steps', '512'])).rejects.toThrow(
      `older checkpoints that read fine: 192 env steps, 64 env steps; resume from one with: sinew resume ${run} --checkpoint 192`,
    );
  });
});
