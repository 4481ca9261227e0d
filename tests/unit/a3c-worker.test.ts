import { beforeAll, describe, expect, it } from 'vitest';
import { initTf } from '../../agents/shared/tf.ts';
import { A3cWorkerCore, inThreadWorkers } from '../../agents/on-policy/a3c-worker.ts';
import type { FromWorker } from '../../agents/on-policy/a3c-protocol.ts';
import { validateA3cConfig } from '../../agents/on-policy/a3c-config.ts';
import { GaussianActorCritic } from '../../agents/shared/gaussian-actor-critic.ts';
import { makePointReachVecEnv } from '../fixtures/point-reach.ts';
import { Rng } from '../../sim/rng.ts';

beforeAll(async () => {
  await initTf();
});

const config = validateA3cConfig({ numEnvs: 2, numSteps: 5, hiddenSizes: [8], normaliseRewards: false });

function parameters(): Float32Array {
  const model = new GaussianActorCritic({ observationSize: 4, actionSize: 2, hiddenSizes: [8], activation: 'tanh', initialLogStd: 0 }, new Rng(1));
  const flat = model.readParameters();
  model.dispose();
  return flat;
}

describe('A3cWorkerCore', () => {
  it('answers init with its sizes and each parameters message with one t_max gradient', async () => {
    const core = new A3cWorkerCore(makePointReachVecEnv);
    const ready = await core.handle({ type: 'init', index: 1, robot: 'point-reach', config, seed: 3 });
    expect(ready).toEqual({ type: 'ready', index: 1, observationSize: 4, actionSize: 2 });
    const theta = parameters();
    const reply = (await core.handle({ type: 'parameters', version: 7, parameters: theta, obsStatistics: null, returnStatistics: null })) as Extract<
      FromWorker,
      { type: 'gradient' }
    >;
    expect(reply.type).toBe('gradient');
    expect(reply.version).toBe(7);
    expect(reply.steps).toBe(2 * 5);
    expect(reply.gradient.length).toBe(theta.length);
    expect(reply.gradient.some((g) => g !== 0)).toBe(true);
    // The observation statistics of exactly the 10 observations it acted on.
    expect(reply.obsStatistics?.count).toBe(10);
    expect(await core.handle({ type: 'stop' })).toBeNull();
  });

  it('reports errors as messages instead of throwing', async () => {
    const core = new A3cWorkerCore(makePointReachVecEnv);
    const reply = await core.handle({ type: 'parameters', version: 0, parameters: new Float32Array(1), obsStatistics: null, returnStatistics: null });
    expect(reply?.type).toBe('error');
    expect(reply?.type === 'error' && reply.message).toMatch(/parameters before init/);
  });

  it('in-thread ports deliver replies in order', async () => {
    const port = inThreadWorkers(makePointReachVecEnv)(0);
    const replies: FromWorker[] = [];
    port.onMessage((m) => replies.push(m));
    port.post({ type: 'init', index: 0, robot: 'point-reach', config, seed: 1 });
    port.post({ type: 'parameters', version: 0, parameters: parameters(), obsStatistics: null, returnStatistics: null });
    await port.terminate();
    expect(replies.map((m) => m.type)).toEqual(['ready', 'gradient']);
  });
});
