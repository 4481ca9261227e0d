import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppSession } from './harness.ts';
import { choose, openDrivenApp, press, setField, waitForRuns } from './app-driver.ts';

/** The first run's latest record that carries a critic loss (the learner's), with its steps/s, or null. */
function learnedRecord(app: AppSession): Promise<{ envSteps: number; criticLoss: number; stepsPerSecond: number } | null> {
  return app.page.evaluate(() => {
    const run = [...(window.sinewDebug?.manager.runs.values() ?? [])][0];
    const record = run?.records.filter((r) => typeof r.critic_loss === 'number').at(-1);
    return record ? { envSteps: record.envSteps, criticLoss: Number(record.critic_loss), stepsPerSecond: Number(record.steps_per_s) } : null;
  });
}

/** The page's off-policy learner Web Workers (nested in the run's trainer worker). */
function learnerWorkers(app: AppSession): number {
  return app.page.workers().filter((worker) => /learner-worker\.web/.test(worker.url())).length;
}

/** The learner's helper for large matrix products (agents/shared/gemm-helper.ts), a worker of the learner's. */
function productHelpers(app: AppSession): number {
  return app.page.workers().filter((worker) => /gemm-helper-worker\.web/.test(worker.url())).length;
}

describe('off-policy runs in the app learn in a Web Worker of their own (headless Chromium)', () => {
  let app: AppSession;

  beforeAll(async () => {
    app = await openDrivenApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('trains a Reacher with TD3 past learningStarts, its learner in a second worker, and ends it on stop', async () => {
    await choose(app.page, 'algorithm', 'td3');
    await setField(app.page, 'steps', '100000');
    await press(app.page, 'Start');
    const [run] = await waitForRuns(app.page, 'a TD3 run', (all) => all.length === 1 && all[0].phase === 'training', 60_000);
    expect(run.name).toMatch(/^reacher-td3-seed1-/);
    // The Reacher's TD3 preset learns from step 1000 on: wait for a record of the learner's, past step 2000.
    const learnDeadline = Date.now() + 180_000;
    let learned = await learnedRecord(app);
    while (!(learned && learned.envSteps >= 2000) && Date.now() < learnDeadline) {
      await app.page.waitForTimeout(500);
      learned = await learnedRecord(app);
    }
    expect(learned?.envSteps).toBeGreaterThanOrEqual(2000);
    expect(Number.isFinite(learned?.criticLoss)).toBe(true);
    expect(learnerWorkers(app)).toBe(1);
    expect(productHelpers(app)).toBe(1);
    console.log(`app TD3 Reacher run: ${learned?.envSteps} env steps at ${learned?.stepsPerSecond.toFixed(0)} env steps/s`);

    await press(app.page, 'Stop');
    await waitForRuns(app.page, 'the stop', (all) => all[0].phase === 'stopped', 60_000);
    const deadline = Date.now() + 10_000;
    while (learnerWorkers(app) + productHelpers(app) > 0 && Date.now() < deadline) await app.page.waitForTimeout(200);
    expect(learnerWorkers(app)).toBe(0);
    expect(productHelpers(app)).toBe(0);
    expect(app.errors).toEqual([]);
  });
});
