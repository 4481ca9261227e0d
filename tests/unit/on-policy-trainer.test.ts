import { beforeAll, describe, expect, it } from 'vitest';
import { initTf } from '../../agents/shared/tf.ts';
import { OnPolicyTrainer } from '../../agents/on-policy/trainer.ts';
import { onPolicyDefaults } from '../../agents/on-policy/config.ts';
import { ppoEntry } from '../../agents/on-policy/ppo.ts';
import { makePointReachVecEnv } from '../fixtures/point-reach.ts';
import type { RolloutBuffer } from '../../agents/shared/rollout-buffer.ts';

beforeAll(async () => {
  await initTf();
});

describe('OnPolicyTrainer', () => {
  it('bootstraps truncated steps from V(final observation) and the cut from V(s_T)', async () => {
    // point-reach truncates after 20 steps: a 20-step rollout from reset ends every unfinished episode on step 19.
    const config = { ...onPolicyDefaults, numEnvs: 3, numSteps: 20, hiddenSizes: [8], normaliseObservations: false, normaliseRewards: false };
    const seen: { value: { truncationValues: Float32Array; truncated: Uint8Array; terminated: Uint8Array; lastValues: Float32Array } | null } = {
      value: null,
    };
    const vecEnv = await makePointReachVecEnv({ numEnvs: 3, seed: 4 });
    const trainer = new OnPolicyTrainer({
      algorithm: 'spy',
      config,
      seed: 1,
      vecEnv,
      makeEvalEnv: (seed) => makePointReachVecEnv({ numEnvs: 1, seed }),
      createAlgorithm: () => ({
        update(buffer: RolloutBuffer, lastValues: Float32Array) {
          seen.value = {
            truncationValues: Float32Array.from(buffer.truncationValues),
            truncated: Uint8Array.from(buffer.truncated),
            terminated: Uint8Array.from(buffer.terminated),
            lastValues: Float32Array.from(lastValues),
          };
          return {};
        },
        getState: () => ({ json: {}, arrays: {} }),
        setState: () => {},
      }),
    });
    await trainer.iterate();
    const s = seen.value;
    if (s === null) throw new Error('the algorithm never saw a rollout');
    const expectedFinal = trainer.model.predictValues(vecEnv.finalObs, 3);
    const expectedCut = trainer.model.predictValues(vecEnv.obs, 3);
    let truncations = 0;
    for (let e = 0; e < 3; e++) {
      const i = 19 * 3 + e;
      if (s.truncated[i] && !s.terminated[i]) {
        truncations++;
        expect(s.truncationValues[i]).toBeCloseTo(expectedFinal[e], 6);
      }
      expect(s.lastValues[e]).toBeCloseTo(expectedCut[e], 6);
    }
    expect(truncations).toBeGreaterThan(0);
    await trainer.dispose();
  });

  it('resumes exactly, environments mid-episode included, when the VecEnv saves its state', async () => {
    const config = ppoEntry.validate({ numEnvs: 2, numSteps: 32, minibatchSize: 32, updateEpochs: 2, hiddenSizes: [16] });
    const make = (seed: number) =>
      ppoEntry.createTrainer({ robot: 'point-reach', config, seed, makeVecEnv: makePointReachVecEnv }) as Promise<OnPolicyTrainer>;
    const a = await make(1);
    await a.iterate();
    await a.iterate();
    const state = await a.getState();
    expect(state.arrays['env.obs']).toBeDefined();
    const [recordA] = await a.iterate();
    const b = await make(42);
    await b.setState(state);
    const [recordB] = await b.iterate();
    expect(recordB.critic_loss).toBe(recordA.critic_loss);
    expect(recordB.envSteps).toBe(recordA.envSteps);
    expect([...b.model.readParameters()]).toEqual([...a.model.readParameters()]);
    await expect(b.setState({ json: {}, arrays: {} })).rejects.toThrow(/not an on-policy trainer state/);
    await Promise.all([a.dispose(), b.dispose()]);
  });
});
