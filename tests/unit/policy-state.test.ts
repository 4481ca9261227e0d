import { describe, it, expect, beforeAll } from 'vitest';
import { initTf } from '../../agents/shared/tf.ts';
import { ppoEntry } from '../../agents/on-policy/ppo.ts';
import { td3Entry } from '../../agents/off-policy/td3.ts';
import { policyState } from '../../agents/policy-state.ts';
import type { AlgorithmEntry, TrainerState } from '../../agents/contract.ts';
import type { PolicySnapshot } from '../../agents/policy.ts';
import { SMALL_PPO, SMALL_TD3 } from '../fixtures/small-configs.ts';

/**
 * Play and export take a checkpoint's policy without its environments' state, so a checkpoint whose environments
 * cannot be restored (worlds of another Rapier build) still gives the very policy it was saved with.
 */
const cases: { name: string; entry: AlgorithmEntry; config: Record<string, unknown> }[] = [
  { name: 'ppo', entry: ppoEntry, config: SMALL_PPO },
  { name: 'td3', entry: td3Entry, config: SMALL_TD3 },
];

beforeAll(async () => {
  await initTf();
});

async function trainerFor(entry: AlgorithmEntry, config: Record<string, unknown>) {
  return entry.createTrainer({ robot: 'reacher', config: entry.validate(config), seed: 3, workers: 0 });
}

function layersOf(snapshot: PolicySnapshot): number[][] {
  return snapshot.layers.flatMap((layer) => [Array.from(layer.kernel), Array.from(layer.bias)]);
}

describe.each(cases)('policyState ($name on the Rapier Reacher)', ({ entry, config }) => {
  it('drops only the environments: a state whose worlds do not restore still gives its exact policy', async () => {
    const trained = await trainerFor(entry, config);
    let state: TrainerState;
    let policy: PolicySnapshot;
    try {
      await trained.iterate();
      state = await trained.getState();
      policy = trained.exportPolicy();
    } finally {
      await trained.dispose();
    }
    const envArrays = Object.keys(state.arrays).filter((name) => name.startsWith('env.'));
    expect(envArrays.length).toBeGreaterThan(0);
    expect((state.json as { env: unknown }).env).not.toBeNull();

    // Worlds this Rapier cannot read: the whole state is refused, the policy part loads.
    const unreadable: TrainerState = {
      json: state.json,
      arrays: Object.fromEntries(Object.entries(state.arrays).map(([name, array]) => [name, name.startsWith('env.') ? new Uint8Array(3) : array])),
    };
    const full = await trainerFor(entry, config);
    try {
      await expect(full.setState(unreadable)).rejects.toThrow();
    } finally {
      await full.dispose();
    }
    const stripped = policyState(unreadable);
    expect(Object.keys(stripped.arrays).some((name) => name.startsWith('env.'))).toBe(false);
    expect((stripped.json as { env: unknown }).env).toBeNull();
    const restored = await trainerFor(entry, config);
    try {
      await restored.setState(stripped);
      const again = restored.exportPolicy();
      expect(again.envSteps).toBe(policy.envSteps);
      expect(layersOf(again)).toEqual(layersOf(policy));
      expect(again.obsNormaliser === null ? null : Array.from(again.obsNormaliser.mean)).toEqual(
        policy.obsNormaliser === null ? null : Array.from(policy.obsNormaliser.mean),
      );
    } finally {
      await restored.dispose();
    }
  }, 60_000);
});
