import { readFile, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import { FileServer } from '../fixtures/export/serve.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, pngInkShares, robotPixels, type AppSession, type ViewCircle } from './harness.ts';
import { clickWhenStill, openDrivenApp, press, runs, setField, waitForRuns } from './app-driver.ts';

describe('training in the app (headless Chromium, real workers)', () => {
  let app: AppSession;

  beforeAll(async () => {
    app = await openDrivenApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('starts a Reacher run whose learning curve gains points', async () => {
    // The form's budget is the CLI's default (one source): 1,000,000 steps.
    expect(
      await app.page
        .locator('#run-controls .tp-lblv', { hasText: /^steps/ })
        .locator('input')
        .inputValue(),
    ).toBe('1000000');
    await setField(app.page, 'steps', '40000');
    await press(app.page, 'Start');
    const [run] = await waitForRuns(app.page, 'three points on the return curve', (all) => all.length === 1 && all[0].points >= 3);
    expect(run.phase).toBe('training');
    expect(run.records).toBeGreaterThanOrEqual(3);
    expect(run.name).toMatch(/^reacher-ppo-seed1-/);
  });

  it('shows the robots moving', async () => {
    expect(await app.page.evaluate(() => window.sinewDebug?.trainView.robotCount)).toBeGreaterThan(0);
    const first = await app.page.locator('#scene').screenshot({ path: artifactPath('training-1.png') });
    await app.page.waitForTimeout(1500);
    const second = await app.page.locator('#scene').screenshot({ path: artifactPath('training-2.png') });
    expect(Buffer.compare(first, second)).not.toBe(0);
    await app.page.screenshot({ path: artifactPath('training-app.png') });
  });

  it('F follows a robot: the camera comes close, the robot fills a good part of the view and a ring marks it', async () => {
    const page = app.page;
    // Measured paused, so that robot 0 holds one pose in the grid and followed: only the camera changes between them.
    await press(page, 'Pause');
    await waitForRuns(page, 'the pause', (all) => all[0].phase === 'paused', 60_000);
    const ring = async (): Promise<ViewCircle> => {
      const found = await page.evaluate(() => window.sinewDebug?.trainView.screenPoint(0) ?? null);
      if (!found) throw new Error('robot 0 is not in the view');
      return found;
    };
    const gridRing = await ring();
    const inGrid = await robotPixels(page, gridRing);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const drawn = await page.evaluate(() => window.sinewDebug?.stage.framesDrawn ?? 0);
    await page.keyboard.press('f');
    expect(await page.evaluate(() => [window.sinewDebug?.trainView.followed, window.sinewDebug?.trainView.markerShown])).toEqual([0, true]);
    await page.waitForFunction((before) => (window.sinewDebug?.stage.framesDrawn ?? 0) > before, drawn);
    const followedRing = await ring();
    const followed = await robotPixels(page, followedRing);
    await page.screenshot({ path: artifactPath('reacher-followed.png') });
    const reach = await page.evaluate(() => window.sinewDebug?.trainView.followedShare() ?? 0);
    const zoom = followedRing.radius / gridRing.radius;
    const growth = followed.changed / inGrid.changed;
    console.log(
      `[e2e] Reacher 0 (paused): ${inGrid.changed} px in the grid, ${followed.changed} px followed (x${growth.toFixed(1)}); its ring's radius ${gridRing.radius.toFixed(1)} -> ${followedRing.radius.toFixed(1)} px (zoom x${zoom.toFixed(1)}); its reach spans ${(reach * 100).toFixed(0)}% of the view's height`,
    );
    expect(reach).toBeGreaterThan(0.5);
    expect(reach).toBeLessThan(1);
    // The camera came close: the same robot in the same pose covers at least zoom times the pixels it covered in the
    // grid (its lengths grow by the zoom, its widths too once they span more than the pixel or so they get in the grid).
    expect(inGrid.changed).toBeGreaterThan(0);
    expect(growth).toBeGreaterThan(zoom);
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => [window.sinewDebug?.trainView.followed, window.sinewDebug?.trainView.markerShown])).toEqual([null, false]);
    await press(page, 'Resume');
    await waitForRuns(page, 'training to go on', (all) => all[0].phase === 'training', 60_000);
  });

  it("a click in a moving robot's place follows it, though its thin arm has moved on", async () => {
    const page = app.page;
    const point = await page.evaluate(() => window.sinewDebug?.trainView.screenPoint(5) ?? null);
    expect(point).not.toBeNull();
    // A little off the arm's base: where the arm may or may not be at the moment of the click.
    await page.locator('#scene').click({ position: { x: (point?.x ?? 0) + 12, y: (point?.y ?? 0) + 12 }, force: true });
    expect(await page.evaluate(() => window.sinewDebug?.trainView.followed)).toBe(5);
    await page.keyboard.press('Escape');
  });

  it('pauses and resumes', async () => {
    await press(app.page, 'Pause');
    const pausedAt = (await waitForRuns(app.page, 'the pause', (all) => all[0].phase === 'paused', 60_000))[0].envSteps;
    await app.page.waitForTimeout(1500);
    expect((await runs(app.page))[0].envSteps).toBe(pausedAt);
    await press(app.page, 'Resume');
    await waitForRuns(app.page, 'training to go on', (all) => all[0].phase === 'training' && all[0].envSteps > pausedAt, 60_000);
  });

  it('compares two runs', async () => {
    await setField(app.page, 'seed', '2');
    await press(app.page, 'Stop');
    await waitForRuns(app.page, 'the stop', (all) => all[0].phase === 'stopped', 60_000);
    await press(app.page, 'Start');
    await waitForRuns(app.page, 'two runs with metrics', (all) => all.length === 2 && all.every((run) => run.records >= 2));
    for (const box of await app.page.locator('#run-list input[type=checkbox]').all()) await box.check({ force: true });
    await clickWhenStill(app.page, app.page.getByRole('tab', { name: 'Compare' }), 'the Compare tab');
    await app.page.waitForSelector('#view-compare .uplot');
    expect(await app.page.locator('#view-compare .compare-table tr').count()).toBe(2);
    expect(await app.page.locator('#view-compare .compare-table').textContent()).toMatch(/ppo \(2 seeds\)/);
    // The legend names the curve, not the ±std edges of its band, and sits above the table, not over it.
    const legend = app.page.locator('#view-compare .u-legend');
    expect((await legend.locator('.u-series:visible th').allTextContents()).map((text) => text.trim())).toEqual(['env steps', 'ppo (2 seeds)']);
    const [legendBox, tableBox] = [await legend.boundingBox(), await app.page.locator('#view-compare .compare-table').boundingBox()];
    expect(legendBox && tableBox && legendBox.y + legendBox.height <= tableBox.y).toBe(true);
    await app.page.screenshot({ path: artifactPath('compare.png') });

    const png = app.page.waitForEvent('download');
    await press(app.page, 'Export PNG');
    const pngFile = await png;
    expect(pngFile.suggestedFilename()).toBe('sinew-comparison-reacher.png');
    const bytes = await readFile(await pngFile.path());
    await writeFile(artifactPath('compare-export.png'), bytes);
    // 1200 x 480 drawn at 2x; every pixel opaque (a paper's page is white, not a checkerboard).
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([2400, 960]);
    const pixels = await pngInkShares(app.page, bytes);
    expect(pixels.opaque).toBe(1);
    // Text, axes and curves: some dark ink, but a mostly light figure.
    expect(pixels.dark).toBeGreaterThan(0.003);
    expect(pixels.dark).toBeLessThan(0.2);

    const csv = app.page.waitForEvent('download');
    await press(app.page, 'Export CSV (curves)');
    const csvFile = await csv;
    expect(csvFile.suggestedFilename()).toBe('sinew-comparison-curves.csv');
    const lines = (await readFile(await csvFile.path(), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('robot,algorithm,run,seed,env_steps,wall_time_s,training_return_smoothed');
    const shown = await runs(app.page);
    for (const run of shown) {
      const rows = lines.filter((line) => line.includes(`,${run.name},`));
      // One row per logged record with a finished episode: the whole curve, not a summary.
      expect(rows.length).toBeGreaterThanOrEqual(2);
      expect(rows.every((line) => /^reacher,ppo,[^,]+,[12],\d+,[\d.e-]+,-?[\d.e-]+$/.test(line))).toBe(true);
    }
  });

  it('the chart strip overlays the ticked runs in the comparison colours, logs evaluations, and has a log scale', async () => {
    const page = app.page;
    await clickWhenStill(page, page.getByRole('tab', { name: 'Train' }), 'the Train tab');
    // Evaluation every 10,000 env steps (a tenth of 40,000, and at least 10,000): the run still training passes it.
    // Waits until no run is about to pass it (each has stopped or is well past it) and one has passed it.
    await waitForRuns(
      page,
      'a run past its first evaluation',
      (all) => all.every((run) => run.phase !== 'training' || run.envSteps >= 12_000) && all.some((run) => run.envSteps >= 12_000),
      120_000,
    );
    await page.locator('#chart-overlay').check({ force: true });
    const shown = () => page.evaluate(() => window.sinewDebug?.charts.shown('return') ?? { series: [], midShare: null });
    const evaluated = (await runs(page)).filter((run) => run.envSteps >= 10_000).map((run) => run.name);
    const seeds = await page.evaluate(
      (names: string[]) => names.map((name) => window.sinewDebug?.manager.runs.get(name)?.stored.config.seed),
      evaluated,
    );
    const expected = ['ppo seed 1: training', 'ppo seed 2: training', ...seeds.map((seed) => `ppo seed ${seed}: evaluation`)];
    await expect.poll(async () => (await shown()).series.sort(), { timeout: 10_000 }).toEqual(expected.sort());
    // The legend names both runs, each in its colour: the comparison's first two (#d4581c, #2870c2).
    const legend = page.locator('#charts [data-chart="return"] .u-legend');
    const entries = await legend.locator('.u-series').evaluateAll((rows) =>
      rows.slice(1).map((row) => ({
        label: row.querySelector('.u-label')?.textContent ?? '',
        colour: getComputedStyle(row.querySelector('.u-marker') ?? row).borderColor,
      })),
    );
    const colourOf = (seed: number) => entries.find((entry) => entry.label === `ppo seed ${seed}: training`)?.colour;
    expect([colourOf(1), colourOf(2)].sort()).toEqual(['rgb(212, 88, 28)', 'rgb(40, 112, 194)']);
    await page.locator('footer.charts').screenshot({ path: artifactPath('chart-strip-overlay.png') });

    // The middle of the curves' range of values is drawn halfway up on a linear scale; on the symmetric log (asinh)
    // scale the Reacher's negative returns (about -60 to -10) put it well off the middle.
    const linear = await shown();
    expect(linear.midShare).toBeCloseTo(0.5, 2);
    await page.locator('#chart-scale').selectOption('log');
    await expect.poll(async () => Math.abs(((await shown()).midShare ?? 0.5) - 0.5), { timeout: 10_000 }).toBeGreaterThan(0.05);
    const log = await shown();
    console.log(`[e2e] return chart: the middle of its range drawn at ${linear.midShare} of its height (linear), ${log.midShare} (log)`);
    await page.locator('footer.charts').screenshot({ path: artifactPath('chart-strip-log.png') });
    await page.locator('#chart-scale').selectOption('linear');
    await page.locator('#chart-overlay').uncheck({ force: true });
  });

  it('exports the selected run as one zip whose model.json loads in stock tfjs from the names it holds', async () => {
    await clickWhenStill(app.page, app.page.locator('#run-list li').first(), 'the first run in the list');
    await clickWhenStill(app.page, app.page.getByRole('tab', { name: 'Policies' }), 'the Policies tab');
    const download = app.page.waitForEvent('download', { timeout: 90_000 });
    await press(app.page, 'Export selected run');
    const zip = await download;
    expect(zip.suggestedFilename()).toMatch(/^reacher-ppo-seed\d-[\d-]+-policy\.zip$/);
    const files = new Map(Object.entries(unzipSync(new Uint8Array(await readFile(await zip.path())))));
    expect([...files.keys()].sort()).toEqual(['model.json', 'policy-card.json', 'policy.onnx', 'weights.bin']);
    const card = JSON.parse(new TextDecoder().decode(files.get('policy-card.json'))) as { robot?: string; algorithm?: string };
    expect([card.robot, card.algorithm]).toEqual(['reacher', 'ppo']);
    // Unpacked as it is, the folder is what tf.loadLayersModel reads: model.json names weights.bin.
    const server = new FileServer();
    await server.start();
    try {
      const model = await tf.loadLayersModel(server.publish('unzipped', files, 'model.json'));
      const observations = tf.zeros([3, 10]);
      const actions = model.predict(observations) as tf.Tensor;
      expect(actions.shape).toEqual([3, 2]);
      expect([...(await actions.data())].every((value) => Number.isFinite(value))).toBe(true);
      tf.dispose([observations, actions]);
      model.dispose();
    } finally {
      await server.stop();
    }
  });

  it("plays the selected run's policy without exploration noise", async () => {
    await press(app.page, "Play selected run's policy");
    await app.page.waitForFunction(() => document.getElementById('scene-caption')?.textContent?.startsWith('Playing'), undefined, {
      timeout: 60_000,
    });
    // The caption says Playing from the moment the policy loads; its four robots come once the player is ready.
    await app.page.waitForFunction(() => window.sinewDebug?.trainView.robotCount === 4, undefined, { timeout: 60_000 });
    expect(await app.page.locator('#scene-caption').textContent()).toMatch(
      /^Playing reacher-ppo-seed\d-[\d-]+'s current policy without exploration noise/,
    );
    await app.page.waitForFunction(() => (document.querySelector('.policy-returns')?.textContent ?? '').includes('episodes played'), undefined, {
      timeout: 60_000,
    });
    await app.page.screenshot({ path: artifactPath('policy-playing.png') });
    await clickWhenStill(app.page, app.page.getByRole('tab', { name: 'Policies' }), 'the Policies tab');
    await press(app.page, 'Stop playing');
  });

  it('keeps the runs across a reload', async () => {
    const before = (await runs(app.page)).map((run) => run.name).sort();
    await app.page.reload({ waitUntil: 'domcontentloaded', timeout: 90_000 });
    await waitForRuns(app.page, 'the runs to load', (all) => all.length === before.length, 60_000);
    expect((await runs(app.page)).map((run) => run.name).sort()).toEqual(before);
    expect(await app.page.locator('#run-list li').count()).toBe(before.length);
  });

  it('renames and deletes a stopped run', async () => {
    const before = await runs(app.page);
    const stopped = before.find((run) => run.phase !== 'training' && run.phase !== 'starting');
    expect(stopped).toBeDefined();
    const item = app.page.locator(`#run-list li[data-run="${stopped?.name}"]`);
    await clickWhenStill(app.page, item.locator('.run-name'), `run ${stopped?.name} in the list`);
    await app.page.waitForFunction(
      (name) => document.querySelector(`#run-list li[data-run="${name}"]`)?.getAttribute('aria-selected') === 'true',
      stopped?.name,
      { timeout: 30_000 },
    );
    // Renaming happens in place (window.prompt does not exist in Electron): no dialog may open.
    const dialogs: string[] = [];
    app.page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.dismiss();
    });
    await clickWhenStill(app.page, app.page.locator('#rename-run'), 'the Rename button');
    const field = app.page.getByRole('textbox', { name: `New name for ${stopped?.name}` });
    await field.waitFor({ state: 'visible' });
    expect(await field.inputValue()).toBe(stopped?.name);
    await field.fill('not a name!');
    await field.press('Enter');
    await app.page
      .locator('#run-list .rename-error', { hasText: "run name 'not a name!' may use only letters" })
      .waitFor({ state: 'visible', timeout: 30_000 });
    await field.fill('renamed-run');
    await field.press('Enter');
    await waitForRuns(
      app.page,
      'the rename',
      (all) => all.some((run) => run.name === 'renamed-run') && !all.some((run) => run.name === stopped?.name),
      90_000,
    );
    expect(dialogs).toEqual([]);
    expect(await app.page.locator('#run-list li[aria-selected="true"] .run-name').textContent()).toBe('renamed-run');
    app.page.removeAllListeners('dialog');
    app.page.once('dialog', (dialog) => void dialog.accept());
    await clickWhenStill(app.page, app.page.locator('#delete-run'), 'the Delete button');
    await waitForRuns(app.page, 'the delete', (all) => all.length === before.length - 1 && !all.some((run) => run.name === 'renamed-run'), 60_000);
    expect(await app.page.locator('#run-list li').count()).toBe(before.length - 1);
  });

  it('logged no console errors', () => {
    expect(app.errors, app.errors.join('\n')).toEqual([]);
  });
});
