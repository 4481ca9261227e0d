import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, type AppSession } from './harness.ts';
import { clickWhenStill, choose, openDrivenApp, press, setField, waitForRuns } from './app-driver.ts';

/** The page's A3C actor-learner Web Workers (nested in the run's trainer worker). */
function a3cWorkers(app: AppSession): number {
  return app.page.workers().filter((worker) => /a3c-worker\.web/.test(worker.url())).length;
}

/** The built renderer's script files that contain `marker`. */
async function builtFilesWith(marker: string): Promise<string[]> {
  const scripts = (await readdir('dist/renderer', { recursive: true })).filter((file) => /\.m?js$/.test(file));
  const found: string[] = [];
  for (const file of scripts) if ((await readFile(join('dist/renderer', file), 'utf8')).includes(marker)) found.push(file);
  return found;
}

/** The physics recorded in each run's config, oldest run first. */
function physicsOfRuns(app: AppSession): Promise<(string | undefined)[]> {
  return app.page.evaluate(() =>
    [...(window.sinewDebug?.manager.runs.values() ?? [])]
      .sort((a, b) => a.stored.config.createdAt.localeCompare(b.stored.config.createdAt))
      .map((run) => run.stored.config.physics),
  );
}

describe('run options in the app: A3C Web Workers, Rapier and MuJoCo physics (headless Chromium)', () => {
  let app: AppSession;

  beforeAll(async () => {
    app = await openDrivenApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('trains a Reacher with one Web Worker per actor-learner, shows their robots and ends them on stop', async () => {
    await choose(app.page, 'algorithm', 'a3c');
    await setField(app.page, 'steps', '100000');
    await press(app.page, 'Start');
    const [run] = await waitForRuns(app.page, 'two A3C records', (all) => all.length === 1 && all[0].records >= 2);
    expect(run.name).toMatch(/^reacher-a3c-seed1-/);
    expect(run.phase).toBe('training');
    // numWorkers is 2 in the Reacher's preset: two threads of their own, besides the trainer's.
    expect(a3cWorkers(app)).toBe(2);
    expect(await app.page.evaluate(() => window.sinewDebug?.trainView.robotCount)).toBeGreaterThan(0);
    const first = await app.page.locator('#scene').screenshot();
    await app.page.waitForTimeout(1500);
    const second = await app.page.locator('#scene').screenshot({ path: artifactPath('a3c-training.png') });
    expect(Buffer.compare(first, second)).not.toBe(0);

    await press(app.page, 'Stop');
    await waitForRuns(app.page, 'the stop', (all) => all[0].phase === 'stopped', 60_000);
    const deadline = Date.now() + 10_000;
    while (a3cWorkers(app) > 0 && Date.now() < deadline) await app.page.waitForTimeout(200);
    expect(a3cWorkers(app)).toBe(0);
    expect(app.errors).toEqual([]);
  });

  it('trains Hoppers on Rapier (the default physics, no choice made), and records it in the run', async () => {
    await choose(app.page, 'algorithm', 'ppo');
    await choose(app.page, 'robot', 'hopper');
    await press(app.page, 'Start');
    const all = await waitForRuns(app.page, 'a Rapier Hopper record', (runs) => runs.length === 2 && runs[1].records >= 1);
    expect(all[1].name).toMatch(/^hopper-ppo-seed1-/);
    expect(all[1].phase).toBe('training');
    expect(await physicsOfRuns(app)).toEqual(['rapier', 'rapier']);
    await app.page.locator('#scene').screenshot({ path: artifactPath('rapier-hopper-training.png') });
    await press(app.page, 'Stop');
    await waitForRuns(app.page, 'the stop', (runs) => runs[1].phase === 'stopped', 60_000);
    expect(app.errors).toEqual([]);
  });

  it('compares runs of two robots side by side, one chart and table per robot, and says why they are not pooled', async () => {
    for (const box of await app.page.locator('#run-list input[type=checkbox]').all()) await box.check({ force: true });
    await clickWhenStill(app.page, app.page.getByRole('tab', { name: 'Compare' }), 'the Compare tab');
    await app.page.waitForFunction(() => document.querySelectorAll('#view-compare .compare-robot .uplot').length === 2, undefined, {
      timeout: 30_000,
    });
    expect(
      await app.page
        .locator('#view-compare .compare-robot')
        .evaluateAll((sections) => sections.map((section) => (section as HTMLElement).dataset.robot)),
    ).toEqual(['hopper', 'reacher']);
    expect(await app.page.locator('#view-compare .compare-note').textContent()).toContain(
      'The ticked runs train 2 robots (hopper, reacher): their returns are on different scales, so each robot has its own chart and table.',
    );
    await app.page.screenshot({ path: artifactPath('compare-two-robots.png') });
    await clickWhenStill(app.page, app.page.getByRole('tab', { name: 'Train' }), 'the Train tab');
  });

  it('trains a Walker2d on MuJoCo (chosen) in a worker allowed to eval, while the page still refuses eval', async () => {
    await choose(app.page, 'robot', 'walker2d');
    await choose(app.page, 'physics', 'mujoco');
    await press(app.page, 'Start');
    const all = await waitForRuns(app.page, 'a MuJoCo Walker2d record', (runs) => runs.length === 3 && runs[2].records >= 1, 120_000);
    expect(all[2].name).toMatch(/^walker2d-ppo-seed1-/);
    expect(await physicsOfRuns(app)).toEqual(['rapier', 'rapier', 'mujoco']);
    // The page's policy (its header, and what a worker made from the page inherits) still refuses eval; DevTools'
    // own evaluate is exempt from CSP, so the check runs in a blob worker, which takes the page's policy.
    const pagePolicy = await app.page.evaluate(async () => (await fetch('index.html')).headers.get('Content-Security-Policy') ?? '');
    expect(pagePolicy).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(pagePolicy).not.toContain("'unsafe-eval'");
    const inherited = await app.page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const code = "try { new Function('return 1')(); postMessage('allowed'); } catch (error) { postMessage(error.name); }";
          const worker = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
          worker.onmessage = (event: MessageEvent<string>) => resolve(event.data);
          worker.onerror = (event) => resolve(`worker error: ${event.message}`);
          setTimeout(() => resolve('no answer in 10 s'), 10_000);
        }),
    );
    expect(inherited).toBe('EvalError');
    await app.page.locator('#scene').screenshot({ path: artifactPath('mujoco-walker2d-training.png') });
    // The engine came from the bundle's one copy of mujoco-js (its Embind glue is in no other file), fetched by a worker.
    // So is Rapier (its wasm-bindgen glue names rawintegrationparameters_new once).
    expect(await builtFilesWith('craftInvokerFunction')).toEqual(['workers/engines/mujoco_wasm.js']);
    expect(await builtFilesWith('rawintegrationparameters_new')).toEqual(['workers/engines/rapier.mjs']);
    await press(app.page, 'Stop');
    await waitForRuns(app.page, 'the stop', (runs) => runs[2].phase === 'stopped', 60_000);
    expect(app.errors).toEqual([]);
  });
});
