import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, type AppSession } from './harness.ts';
import { openDrivenApp, press, runs, setField, waitForRuns } from './app-driver.ts';

describe('training in the app (headless Chromium, real workers)', () => {
  let app: AppSession;

  beforeAll(async () => {
    app = await openDrivenApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('starts a Reacher run whose learning curve gains points', async () => {
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
    await app.page.getByRole('tab', { name: 'Compare' }).click({ force: true });
    await app.page.waitForSelector('#view-compare .uplot');
    expect(await app.page.locator('#view-compare .compare-table tr').count()).toBe(2);
    expect(await app.page.locator('#view-compare .compare-table').textContent()).toMatch(/ppo \(2 seeds\)/);
    await app.page.screenshot({ path: artifactPath('compare.png') });
  });

  it('exports the selected run as tfjs, ONNX and a card', async () => {
    await app.page.locator('#run-list li').first().click({ force: true });
    await app.page.getByRole('tab', { name: 'Policies' }).click({ force: true });
    const downloads: Map<string, Buffer> = new Map();
    const all = new Promise<void>((resolve) => {
      app.page.on('download', async (download) => {
        downloads.set(download.suggestedFilename(), await readFile(await download.path()));
        if (downloads.size === 4) resolve();
      });
    });
    await press(app.page, 'Export selected run');
    await Promise.race([all, app.page.waitForTimeout(90_000).then(() => Promise.reject(new Error(`only ${downloads.size} downloads; errors: ${app.errors.join('; ')}`)))]);
    const names = [...downloads.keys()].map((name) => name.replace(/^.*-(model\.json|weights\.bin|policy\.onnx|policy-card\.json)$/, '$1')).sort();
    expect(names).toEqual(['model.json', 'policy-card.json', 'policy.onnx', 'weights.bin']);
    const card = JSON.parse([...downloads].find(([name]) => name.endsWith('policy-card.json'))?.[1].toString() ?? '{}') as { robot?: string; algorithm?: string };
    expect(card.robot).toBe('reacher');
    expect(card.algorithm).toBe('ppo');
  });

  it('plays the selected run\'s policy without exploration noise', async () => {
    await press(app.page, "Play selected run's policy");
    await app.page.waitForFunction(() => document.getElementById('scene-caption')?.textContent?.startsWith('Playing'), undefined, { timeout: 60_000 });
    expect(await app.page.evaluate(() => window.sinewDebug?.trainView.robotCount)).toBe(4);
    await app.page.waitForFunction(() => (document.querySelector('.policy-returns')?.textContent ?? '').includes('episodes played'), undefined, { timeout: 60_000 });
    await app.page.screenshot({ path: artifactPath('policy-playing.png') });
    await app.page.getByRole('tab', { name: 'Policies' }).click({ force: true });
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
    await item.locator('.run-name').click({ force: true });
    await app.page.waitForFunction((name) => document.querySelector(`#run-list li[data-run="${name}"]`)?.getAttribute('aria-selected') === 'true', stopped?.name, { timeout: 30_000 });
    const dialogs: string[] = [];
    app.page.once('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.accept('renamed-run');
    });
    await app.page.locator('#rename-run').click({ force: true });
    await app.page.waitForTimeout(500);
    expect(dialogs).toEqual(['prompt']);
    await waitForRuns(app.page, 'the rename', (all) => all.some((run) => run.name === 'renamed-run') && !all.some((run) => run.name === stopped?.name), 90_000);
    app.page.once('dialog', (dialog) => void dialog.accept());
    await app.page.locator('#delete-run').click({ force: true });
    await waitForRuns(app.page, 'the delete', (all) => all.length === before.length - 1 && !all.some((run) => run.name === 'renamed-run'), 60_000);
    expect(await app.page.locator('#run-list li').count()).toBe(before.length - 1);
  });

  it('logged no console errors', () => {
    expect(app.errors, app.errors.join('\n')).toEqual([]);
  });
});
