import { describe, it, expect, beforeAll } from 'vitest';
import { initTf } from '../../agents/shared/tf.ts';
import { getAlgorithm } from '../../agents/registry.ts';
import type { MetricsRecord, Trainer } from '../../agents/contract.ts';
import { nodeLearnerThread } from '../../agents/off-policy/learner-thread.node.ts';
import type { LearnerThreadFactory } from '../../agents/off-policy/learner-protocol.ts';
import { makePointMassVecEnv } from '../fixtures/point-mass-vec-env.ts';

beforeAll(async () => {
  await initTf();
});

const small = {
  numEnvs: 2,
  hiddenSizes: [16],
  batchSize: 16,
  bufferSize: 100,
  learningStarts: 40,
  stepsPerIteration: 60,
  updatesPerStep: 1.5,
  normaliseObservations: true,
};

async function trainer(algorithm: string, learnerThread?: LearnerThreadFactory): Promise<Trainer> {
  const entry = getAlgorithm(algorithm);
  return entry.createTrainer({ robot: 'point-mass', config: entry.validate(small), seed: 3, makeVecEnv: makePointMassVecEnv, learnerThread });
}

function deterministicPart(records: MetricsRecord[]): Record<string, number>[] {
  return records.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !['wallTime', 'steps_per_s', 'updates_per_s'].includes(k))));
}

describe('off-policy learner thread', () => {
  for (const algorithm of ['td3', 'sac']) {
    it(`${algorithm}: a learner in a worker thread gives the same run as one in this thread`, async () => {
      const inThread = await trainer(algorithm);
      const threaded = await trainer(algorithm, nodeLearnerThread);
      // Past the buffer's capacity (100), so overwriting transitions while the learner samples would show.
      for (let i = 0; i < 3; i++) expect(deterministicPart(await threaded.iterate())).toEqual(deterministicPart(await inThread.iterate()));
      const [a, b] = await Promise.all([inThread.getState(), threaded.getState()]);
      expect(b.arrays['agent.net0']).toEqual(a.arrays['agent.net0']);
      expect(b.arrays['agent.net1.target']).toEqual(a.arrays['agent.net1.target']);
      expect(threaded.exportPolicy().layers).toEqual(inThread.exportPolicy().layers);
      await inThread.dispose();
      await threaded.dispose();
    }, 60_000);
  }

  it('a learner thread that dies stops the run with a clear error instead of waiting for it', async () => {
    // The thread is told to stop in the middle of the run, as if it had crashed: it exits without answering.
    const dying: LearnerThreadFactory = () => {
      const port = nodeLearnerThread();
      return {
        ...port,
        post(message) {
          if (message.type === 'step' && message.index === 5) port.post({ type: 'stop' });
          port.post(message);
        },
      };
    };
    const run = await trainer('td3', dying);
    await expect(run.iterate()).rejects.toThrow(/learner thread exited.*the run stops/);
    await expect(run.iterate()).rejects.toThrow(/learner thread exited/);
    await run.dispose();
  }, 60_000);
});
