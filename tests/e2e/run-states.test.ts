import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath, type AppSession } from './harness.ts';
import { clickWhenStill, openDrivenApp, press, runs, setField, waitForRuns } from './app-driver.ts';

const caption = (page: Page) =>
  page
    .locator('#scene-caption')
    .textContent()
    .then((text) => text ?? '');
const robotCount = (page: Page) => page.evaluate(() => window.sinewDebug?.trainView.robotCount ?? 0);

async function waitForCaption(page: Page, pattern: RegExp, timeout = 60_000): Promise<string> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const text = await caption(page);
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`caption never matched ${pattern}: '${text}'`);
    await page.waitForTimeout(250);
  }
}

/**
 * Where the invalid value's message is: 'beside its field, on screen', or what is wrong. Measured in one go, so that
 * a scroll of the panel cannot fall between two measurements.
 */
function messagePlace(page: Page): Promise<string> {
  return page.evaluate(() => {
    const message = document.querySelector<HTMLElement>('#run-controls .field-error:not([hidden])');
    const row = message?.closest<HTMLElement>('.tp-lblv');
    const input = row?.querySelector<HTMLElement>('input');
    const panel = document.querySelector<HTMLElement>('aside.controls');
    if (!message || !row || !input || !panel) return 'no message in a row with an input, or no panel';
    const [box, rowBox, inputBox] = [message, row, input].map((element) => element.getBoundingClientRect());
    // Beside its field: inside the field's row, under the value the user typed.
    if (box.top < inputBox.bottom - 1 || box.bottom > rowBox.bottom + 1 || box.left < inputBox.left - 1)
      return `message at ${box.left},${box.top}-${box.bottom}: not under its input (${inputBox.left},${inputBox.bottom}) in its row (to ${rowBox.bottom})`;
    // On screen: within the window and the New run panel's visible part, and what the window shows at the message's
    // top and bottom lines (nothing covers it).
    const top = Math.max(0, panel.getBoundingClientRect().top + panel.clientTop);
    const bottom = Math.min(window.innerHeight, top + panel.clientHeight);
    if (box.top < top - 0.5 || box.bottom > bottom + 0.5) return `message at ${box.top}-${box.bottom}, the panel shows ${top}-${bottom}`;
    for (const y of [box.top + 2, box.bottom - 2]) {
      const shown = document.elementFromPoint(box.left + box.width / 2, y);
      if (!shown || !message.contains(shown)) return `at y ${y} the window shows ${shown?.className ?? 'nothing'}`;
    }
    return 'beside its field, on screen';
  });
}

async function selectRun(page: Page, name: string): Promise<void> {
  await clickWhenStill(page, page.locator(`#run-list li[data-run="${name}"] .run-name`), `run ${name} in the list`);
  await page.waitForFunction((run) => document.querySelector(`#run-list li[data-run="${run}"]`)?.getAttribute('aria-selected') === 'true', name, {
    timeout: 30_000,
  });
}

describe('run states in the app: the view, the caption and the form say what is true (headless Chromium)', () => {
  let app: AppSession;

  beforeAll(async () => {
    app = await openDrivenApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('marks an invalid value beside its field and says under Start why Start is off', async () => {
    const page = app.page;
    await clickWhenStill(page, page.locator('#run-controls .tp-fldv_b', { hasText: 'Hyperparameters' }), 'the Hyperparameters folder');
    await setField(page, 'learningRate', '-1');
    const message = page.locator('#run-controls .field-error:not([hidden])');
    await message.waitFor({ state: 'visible' });
    expect(await message.textContent()).toBe('learningRate must be > 0, got -1');
    const row = page.locator('#run-controls .tp-lblv.invalid');
    expect(await row.locator('.tp-lblv_l').textContent()).toBe('learningRate');
    // Without the user scrolling: the panel brings it there itself, at the latest once the Hyperparameters folder has opened.
    await expect.poll(() => messagePlace(page), { timeout: 3000 }).toBe('beside its field, on screen');
    expect(await page.getByRole('button', { name: 'Start', exact: true }).isDisabled()).toBe(true);
    expect(await page.locator('#run-controls .form-status').textContent()).toBe(
      'Start is off: learningRate must be > 0, got -1. The field is marked.',
    );
    await page.screenshot({ path: artifactPath('form-invalid-value.png') });
    await setField(page, 'learningRate', '0.0003');
    await message.waitFor({ state: 'detached' }).catch(() => undefined);
    expect(await page.locator('#run-controls .field-error:not([hidden])').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Start', exact: true }).isEnabled()).toBe(true);
    await clickWhenStill(page, page.locator('#run-controls .tp-fldv_b', { hasText: 'Hyperparameters' }), 'the Hyperparameters folder');
  });

  it('captions a training, a queued and a paused run as what they are', async () => {
    const page = app.page;
    // Long enough to be still training when the second run is set up and started on a busy machine: with 6,000
    // steps, beside a TD3 run at nice 0, it finished before the second started, which then never queued.
    await setField(page, 'steps', '20000');
    await press(page, 'Start');
    const [first] = await waitForRuns(
      page,
      'the first run to train',
      (all) => all.length === 1 && all[0].phase === 'training' && all[0].records >= 1,
    );
    expect(await waitForCaption(page, /training/)).toMatch(
      new RegExp(`^${first.name}: 8 reacher robots training, acting with exploration noise\\. Click one to follow it`),
    );
    // Two cores: one run trains at a time, the next waits. Its budget is one it cannot finish before the test
    // stops it, however fast the machine.
    await setField(page, 'seed', '2');
    await setField(page, 'steps', '200000');
    await press(page, 'Start');
    const [, second] = await waitForRuns(page, 'the second run to queue', (all) => all.length === 2 && all[1].phase === 'queued');
    expect(await waitForCaption(page, /queued/)).toBe(
      `${second.name} is queued, 1st in line: it starts when a training run ends (1 run train at once on this machine).`,
    );
    expect(await robotCount(page)).toBe(0);
    await selectRun(page, first.name);
    await press(page, 'Pause');
    await waitForRuns(page, 'the pause', (all) => all[0].phase === 'paused');
    expect(await waitForCaption(page, /paused/)).toMatch(
      new RegExp(`^${first.name} is paused at [\\d,]+ of 20,000 steps: press Resume \\(or Space\\) to go on\\.$`),
    );
    await press(page, 'Resume');
    await waitForCaption(page, /training/);
  });

  it("plays a finished run's latest policy in the view, and Stop playing clears it", async () => {
    const page = app.page;
    const [first] = await waitForRuns(page, 'the first run to finish', (all) => all[0].phase === 'finished', 180_000);
    const text = await waitForCaption(page, /episode/, 90_000);
    expect(text).toMatch(
      new RegExp(
        `^${first.name} finished its 20,000 steps\\. Its latest policy plays here without exploration noise: evaluation return \\(deterministic\\) -?[\\d.]+, mean of \\d+ episodes?\\.$`,
      ),
    );
    expect(await robotCount(page)).toBe(8);
    const before = await page.locator('#scene').screenshot();
    await page.waitForTimeout(1500);
    const after = await page.locator('#scene').screenshot({ path: artifactPath('finished-run-playing.png') });
    expect(Buffer.compare(before, after)).not.toBe(0);
    await clickWhenStill(page, page.getByRole('tab', { name: 'Policies' }), 'the Policies tab');
    await press(page, 'Stop playing');
    await clickWhenStill(page, page.getByRole('tab', { name: 'Train' }), 'the Train tab');
    expect(await robotCount(page)).toBe(0);
    expect(await caption(page)).toBe(`${first.name} finished its 20,000 steps. Playing stopped: pick the run again in the list to watch its policy.`);
  });

  it('captions a stopped run, and after a reload tells finished from stopped', async () => {
    const page = app.page;
    const [, second] = await waitForRuns(page, 'the second run to train', (all) => all[1].phase === 'training' && all[1].records >= 1, 120_000);
    await selectRun(page, second.name);
    await press(page, 'Stop');
    await waitForRuns(page, 'the stop', (all) => all[1].phase === 'stopped');
    expect(await waitForCaption(page, /stopped/)).toMatch(
      new RegExp(`^${second.name} stopped at [\\d,]+ of 200,000 steps: press Resume to continue it\\.`),
    );
    await page.reload({ waitUntil: 'domcontentloaded', timeout: 90_000 });
    await waitForRuns(page, 'the runs to load', (all) => all.length === 2, 60_000);
    expect((await runs(page)).map((run) => run.phase)).toEqual(['finished', 'stopped']);
    expect(await page.locator('#run-list .run-phase').allTextContents()).toEqual(['stopped', 'finished']);
    // The newest run is selected again, with its caption.
    expect(await waitForCaption(page, /stopped/)).toMatch(
      new RegExp(`^${second.name} stopped at [\\d,]+ of 200,000 steps: press Resume to continue it\\.`),
    );
    await selectRun(page, (await runs(page))[0].name);
    await waitForCaption(page, /finished its 20,000 steps\. Its latest policy plays here/);
    await page.screenshot({ path: artifactPath('after-reload-finished.png') });
  });

  it('logged no console errors', () => {
    expect(app.errors, app.errors.join('\n')).toEqual([]);
  });
});
