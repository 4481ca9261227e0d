import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initTf } from '../../agents/shared/tf.ts';
import { HeapSpace } from '../../agents/shared/heap-gemm.ts';
import { useGemmHelper } from '../../agents/shared/gemm-module.ts';
import { nodeGemmHelper } from '../../agents/shared/gemm-helper.node.ts';
import { GemmSplitter, SPLIT_WORK, type GemmArgs, type GemmModule, type GemmHelperJob } from '../../agents/shared/gemm-helper.ts';
import { gemmPlainWasmBase64 } from '../../agents/shared/gemm-wasm.ts';
import { createTd3Agent, td3Defaults } from '../../agents/off-policy/td3.ts';
import { allocateBatch } from '../../agents/shared/replay-buffer.ts';
import { Rng } from '../../sim/rng.ts';

// The helper thread that takes half of the learners' large products (gemm-helper.ts): the products and a TD3
// agent's updates must come out bit for bit as without it, and a helper that stops answering must fail the
// product with a message instead of hanging the learner.

beforeAll(async () => {
  await initTf();
});

afterEach(() => useGemmHelper(null));

/** A space with (or without) a helper thread, once that thread is up. */
async function space(helper: boolean): Promise<HeapSpace> {
  useGemmHelper(helper ? nodeGemmHelper : null);
  const result = new HeapSpace();
  useGemmHelper(null);
  for (let waited = 0; helper && !result.helperReady; waited += 20) {
    if (waited > 20_000) throw new Error('the helper thread did not start');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return result;
}

/** Products of every kind the learners use, large enough to be split, with the rows or the columns cut. */
function products(heap: HeapSpace): Float32Array[] {
  const rng = new Rng(3);
  const filled = (rows: number, columns: number) => {
    const matrix = heap.matrix(rows, columns);
    matrix.values.set(Float32Array.from({ length: rows * columns }, () => rng.normal()));
    return matrix;
  };
  const out: Float32Array[] = [];
  // [m, k, n]: rows cut (m >= 8, blocks and edges), and columns cut (m < 8).
  for (const [m, k, n] of [
    [102, 301, 403],
    [7, 700, 401],
  ]) {
    expect(m * k * n).toBeGreaterThanOrEqual(SPLIT_WORK);
    const a = filled(m, k);
    const b = filled(k, n);
    const bias = filled(1, n);
    const mask = filled(m, n);
    const c = heap.matrix(m, n);
    heap.matMul(a, b, c, m, k, n, bias, true);
    out.push(Float32Array.from(c.values));
    heap.matMul(a, b, c, m, k, n, null, false, mask);
    out.push(Float32Array.from(c.values));
    const aT = filled(k, m);
    const g = heap.matrix(m + 1, n);
    heap.matMulTransposedA(aT, b, g, m, k, n, true);
    out.push(Float32Array.from(g.values));
  }
  return out;
}

describe('the products helper thread', () => {
  it('gives the products bit for bit as one thread does, rows or columns cut', async () => {
    const alone = await space(false);
    const helped = await space(true);
    expect(helped.hasHelper).toBe(true);
    expect(alone.hasHelper).toBe(false);
    expect(products(helped)).toEqual(products(alone));
    alone.dispose();
    helped.dispose();
  });

  it('leaves TD3 updates bit for bit as they are without it', async () => {
    const run = async (helper: boolean) => {
      useGemmHelper(helper ? nodeGemmHelper : null);
      const rng = new Rng(9);
      const agent = createTd3Agent({ ...td3Defaults, hiddenSizes: [256, 256] }, 11, 3, rng);
      useGemmHelper(null);
      if (helper) {
        for (let waited = 0; !agent.networks.space.helperReady; waited += 20) {
          if (waited > 20_000) throw new Error('the helper thread did not start');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
      const batch = allocateBatch(64, 11, 3);
      for (const array of [batch.obs, batch.nextObs, batch.rewards, batch.obsActions]) for (let i = 0; i < array.length; i++) array[i] = rng.normal();
      for (let i = 0; i < 6; i++) agent.update(batch, rng, false);
      const params = [agent.actorParameters(), ...agent.networks.critics.map((critic) => critic.params)].map((p) => Float32Array.from(p));
      agent.dispose();
      return params;
    };
    expect(await run(true)).toEqual(await run(false));
  });

  it('fails a product whose helper stopped answering, with a message, instead of waiting for ever', () => {
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 16384, shared: true });
    const module = new WebAssembly.Module(Buffer.from(gemmPlainWasmBase64, 'base64')) as GemmModule;
    let job: GemmHelperJob | null = null;
    let terminated = false;
    // A helper that says it is up and then never serves (as a thread that died would).
    const splitter = new GemmSplitter(
      memory,
      module,
      (started) => {
        job = started;
        Atomics.store(started.control, 2, 1);
        return { terminate: () => (terminated = true) };
      },
      { timeoutMs: 200 },
    );
    expect(job).not.toBeNull();
    const calls: GemmArgs[] = [];
    const [m, k, n] = [64, 128, 128];
    expect(() => splitter.run((...args) => calls.push(args), [32, k, 1, 32, n, 32, n, 0, m, k, n, 0, 0])).toThrow(
      /product helper thread did not answer within 0.2 s/,
    );
    expect(calls[0][8]).toBe(32); // this thread took its half of the rows
    splitter.dispose();
    expect(terminated).toBe(true);
  });
});
