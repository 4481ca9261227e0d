import { initTf } from '../agents/shared/tf.ts';
import { gemmUsesRelaxedSimd, useGemmHelper } from '../agents/shared/gemm-module.ts';
import { nodeGemmHelper } from '../agents/shared/gemm-helper.node.ts';
import { option, printStepTiming } from './learner-timing.ts';
import { Rng } from '../sim/rng.ts';
import { allocateBatch, type TransitionBatch } from '../agents/shared/replay-buffer.ts';
import { createTd3Agent, td3Defaults } from '../agents/off-policy/td3.ts';
import { createDdpgAgent, ddpgDefaults } from '../agents/off-policy/ddpg.ts';
import { SoftActorCritic, sacDefaults } from '../agents/off-policy/sac.ts';
import type { OffPolicyAgent } from '../agents/off-policy/agent.ts';

/**
 * `npm run bench -- learner [--algo td3,...] [--hidden 64,256,400-300] [--batch 256] [--updates N] [--helper off,on]`:
 * milliseconds per gradient step of each off-policy agent on random data with the Hopper's sizes (11 observations,
 * 3 actions), without and with the helper thread that takes half of the large products (gemm-helper.ts; the learner
 * threads of training runs have it). With it, cpu_ms_per_update counts both threads, its spinning included.
 * `td3-full` runs TD3 with policyDelay 1, i.e. every step is a full update: twin critics + actor + targets;
 * `td3` (delay 2) and `sac` (two actor steps every second update) give the average cost per gradient step.
 */

const OBS = 11;
const ACTIONS = 3;

type AgentMaker = (hidden: number[], rng: Rng) => OffPolicyAgent;

const makers: Record<string, AgentMaker> = {
  td3: (hidden, rng) => createTd3Agent({ ...td3Defaults, hiddenSizes: hidden }, OBS, ACTIONS, rng),
  'td3-full': (hidden, rng) => createTd3Agent({ ...td3Defaults, hiddenSizes: hidden, policyDelay: 1 }, OBS, ACTIONS, rng),
  ddpg: (hidden, rng) => createDdpgAgent({ ...ddpgDefaults, hiddenSizes: hidden }, OBS, ACTIONS, rng),
  sac: (hidden, rng) => new SoftActorCritic({ obsSize: OBS, actionSize: ACTIONS, config: { ...sacDefaults, hiddenSizes: hidden } }, rng),
};

function parseHiddenSizes(entry: string): number[] {
  const sizes = entry.split('-').map(Number);
  if (sizes.some((size) => !Number.isInteger(size) || size < 1)) {
    throw new Error(`learner bench: --hidden takes sizes like 256 or 400-300, got '${entry}'`);
  }
  return sizes.length === 1 ? [sizes[0], sizes[0]] : sizes;
}

function randomBatch(size: number, rng: Rng): TransitionBatch {
  const batch = allocateBatch(size, OBS, ACTIONS);
  for (const array of [batch.obs, batch.nextObs, batch.rewards]) for (let i = 0; i < array.length; i++) array[i] = rng.normal();
  for (let i = 0; i < batch.actions.length; i++) batch.actions[i] = rng.uniformRange(-1, 1);
  for (let b = 0; b < size; b++) {
    batch.obsActions.set(batch.obs.subarray(b * OBS, (b + 1) * OBS), b * (OBS + ACTIONS));
    batch.obsActions.set(batch.actions.subarray(b * ACTIONS, (b + 1) * ACTIONS), b * (OBS + ACTIONS) + OBS);
  }
  return batch;
}

export async function learnerBench(argv: readonly string[]): Promise<number> {
  await initTf();
  const algos = option(argv, 'algo', Object.keys(makers).join(',')).split(',');
  // Each entry is one size for both hidden layers (256) or the layers' sizes joined by '-' (400-300).
  const hiddens = option(argv, 'hidden', '64,256').split(',').map(parseHiddenSizes);
  const batchSize = Number(option(argv, 'batch', '256'));
  const updates = Number(option(argv, 'updates', '200'));
  const helpers = option(argv, 'helper', 'off,on').split(',');
  if (helpers.some((h) => h !== 'on' && h !== 'off')) throw new Error(`learner bench: --helper takes off, on or both, got '${helpers.join(',')}'`);
  for (const algo of algos) {
    const make = makers[algo];
    if (!make) throw new Error(`learner bench: unknown algo '${algo}'; known: ${Object.keys(makers).join(', ')}`);
    for (const hidden of hiddens) {
      for (const helper of helpers) {
        useGemmHelper(helper === 'on' ? nodeGemmHelper : null);
        const rng = new Rng(1);
        const agent = make(hidden, rng);
        useGemmHelper(null);
        // The helper thread starts in the background (the products wait for nobody meanwhile): let it come up.
        if (helper === 'on') await new Promise((resolve) => setTimeout(resolve, 2000));
        const batch = randomBatch(batchSize, rng);
        const step = () => agent.update(batch, rng, false);
        // gemm: whether the products had fused multiply-adds (relaxed SIMD) or a multiply then an add.
        const gemm = gemmUsesRelaxedSimd() ? 'relaxed-simd' : 'simd';
        printStepTiming({ algo, hidden: hidden.join('-'), batch: batchSize }, step, 20, updates, { gemm, helper });
        agent.dispose();
      }
    }
  }
  return 0;
}
