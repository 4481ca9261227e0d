import { describe, it, expect } from 'vitest';
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
