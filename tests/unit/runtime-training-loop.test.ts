import { describe, it, expect } from 'vitest';
import type { MetricsRecord } from '../../agents/contract.ts';
import { runTrainingLoop } from '../../app/runtime/training-loop.ts';
import { FakeTrainer } from '../fixtures/fake-trainer.ts';

// 4 envs x 16 steps = 64 env steps per iteration.
const config = { numEnvs: 4, rolloutLength: 16, plateau: -4, learningRate: 3e-4, delayMs: 0 };

describe('runTrainingLoop', () => {
  it('checkpoints each time a multiple of checkpointEvery is passed, and at the end', async () => {
    const trainer = new FakeTrainer('reacher', 'fake-on', config, 1);
    const checkpoints: number[] = [];
    let records = 0;
    const outcome = await runTrainingLoop({
      trainer,
      totalSteps: 1000,
      checkpointEvery: 300,
      shouldStop: () => false,
      onRecords: (r) => void (records += r.length),
      saveCheckpoint: async () => void checkpoints.push(trainer.envSteps),
    });
    // 64-step iterations: 320 passes 300, 640 passes 600, 960 passes 900, 1024 ends the run (>= 1000).
    expect(checkpoints).toEqual([320, 640, 960, 1024]);
    expect(records).toBe(16);
    expect(outcome).toBe('finished');
  });

  it('stops between iterations when asked and still checkpoints', async () => {
    const trainer = new FakeTrainer('reacher', 'fake-on', config, 1);
    const checkpoints: number[] = [];
    const outcome = await runTrainingLoop({
      trainer,
      totalSteps: 10_000,
      checkpointEvery: 5000,
      shouldStop: () => trainer.envSteps >= 192,
      onRecords: () => undefined,
      saveCheckpoint: async () => void checkpoints.push(trainer.envSteps),
    });
    expect([outcome, checkpoints]).toEqual(['stopped', [192]]);
  });

  it('does nothing for a run already at its budget, and rejects a zero checkpoint interval', async () => {
    const trainer = new FakeTrainer('reacher', 'fake-on', config, 1);
    trainer.envSteps = 2000;
    let saved = 0;
    const options = { trainer, totalSteps: 1000, shouldStop: () => false, onRecords: () => undefined, saveCheckpoint: async () => void saved++ };
    expect(await runTrainingLoop({ ...options, checkpointEvery: 100 })).toBe('finished');
    expect(saved).toBe(0);
    await expect(runTrainingLoop({ ...options, checkpointEvery: 0 })).rejects.toThrow('checkpointEvery must be positive');
  });
});

describe('runTrainingLoop and the event loop', () => {
  it('lets timers (and so signal handlers) run between iterations of a trainer that never yields', async () => {
    const trainer = new FakeTrainer('reacher', 'fake-on', config, 1); // delayMs 0: iterate() resolves as a microtask
    let stop = false;
    setTimeout(() => void (stop = true), 0);
    const outcome = await runTrainingLoop({
      trainer,
      totalSteps: 1e9,
      checkpointEvery: 1e9,
      shouldStop: () => stop,
      onRecords: () => undefined,
      saveCheckpoint: async () => undefined,
    });
    expect(outcome).toBe('stopped');
    expect(trainer.envSteps).toBeLessThan(64 * 10);
  });
});

describe('runTrainingLoop with periodic evaluation (SB3 EvalCallback style)', () => {
  async function train(evaluation?: { every: number; episodes: number }) {
    const trainer = new FakeTrainer('reacher', 'fake-on', config, 1);
    const logged: MetricsRecord[] = [];
    await runTrainingLoop({
      trainer,
      totalSteps: 1000,
      checkpointEvery: 500,
      evaluation,
      shouldStop: () => false,
      onRecords: (records) => void logged.push(...records),
      saveCheckpoint: async () => undefined,
    });
    return logged;
  }

  it('logs eval_return each time a multiple of the interval is passed, and leaves the training curve as it was', async () => {
    const plain = await train();
    const evaluated = await train({ every: 300, episodes: 3 });
    const evaluations = evaluated.filter((record) => 'eval_return' in record);
    // 64-step iterations: 320 passes 300, 640 passes 600, 960 passes 900.
    expect(evaluations.map((record) => record.envSteps)).toEqual([320, 640, 960]);
    expect(evaluated.filter((record) => !('eval_return' in record))).toEqual(plain);
    for (const evaluation of evaluations) {
      // The fake's 3 deterministic episodes return w*10 + 0, 1, 2 (its weight w when evaluated) and last 50 steps.
      const training = plain.filter((record) => record.envSteps === evaluation.envSteps);
      expect(training).toHaveLength(1);
      expect(evaluation.wallTime).toBe(training[0].wallTime);
      expect(evaluation.eval_return_std).toBeCloseTo(Math.sqrt(2 / 3), 12);
      expect(evaluation.eval_length).toBe(50);
    }
  });

  it('evaluates never with an interval of 0, and refuses a schedule without episodes', async () => {
    expect((await train({ every: 0, episodes: 5 })).some((record) => 'eval_return' in record)).toBe(false);
    await expect(train({ every: 100, episodes: 0 })).rejects.toThrow('evaluation needs a positive interval and at least one episode');
  });
});
