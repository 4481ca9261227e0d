import type { Locator, Page } from 'playwright-core';
import { openApp, type AppSession } from './harness.ts';

/** Ways to drive the app in the e2e tests as a person would: buttons, fields and the runs the app shows. */

/** Opens the app in headless Chromium and waits until its debug handle (runs, charts, view) is there. */
export async function openDrivenApp(): Promise<AppSession> {
  const app = await openApp();
  await app.page.waitForFunction(() => window.sinewDebug !== undefined, undefined, { timeout: 60_000 });
  return app;
}

/** Live runs as the app sees them (oldest first): name, phase, env steps, records, points on the return curve. */
export function runs(page: Page): Promise<{ name: string; phase: string; envSteps: number; records: number; detail: string; points: number }[]> {
  return page.evaluate(() =>
    [...(window.sinewDebug?.manager.runs.values() ?? [])]
      .sort((a, b) => a.stored.config.createdAt.localeCompare(b.stored.config.createdAt))
      .map((run) => ({
        name: run.stored.name,
        phase: run.phase,
        envSteps: run.envSteps,
        records: run.records.length,
        detail: run.detail,
        points: window.sinewDebug?.charts.pointCount('return') ?? 0,
      })),
  );
}

export type RunView = Awaited<ReturnType<typeof runs>>[number];

/**
 * Clicks `target` once it holds still, and checks that the click reached it. Playwright's actionability wait for
 * "stable" needs two animation frames in a row, and under SwiftShader on two busy cores frames can be a second apart,
 * so the click is forced; a forced click lands where the element was when its point was computed. When the New run
 * panel collapses its Hyperparameters folder (a 0.2 s height transition), the panel's scroll clamps and Start moves
 * down by as much as the panel was scrolled (from y 88 to y 330 in the run-states test): a press computed before a
 * frame of that transition and dispatched after it hit the panel's background, and no run started (CI: `runs: []`
 * for 120 s). So the click waits until no transition or animation runs in the page and the element's box is the same
 * a frame apart, and a click that reaches something else fails at once, naming what it reached.
 */
export async function clickWhenStill(page: Page, target: Locator, what: string): Promise<void> {
  await target.waitFor({ state: 'visible' });
  const deadline = Date.now() + 30_000;
  while (!(await target.evaluate(isStill))) {
    if (Date.now() > deadline) throw new Error(`${what} kept moving (or the page kept animating) for 30 s`);
  }
  await target.evaluate((element) => {
    const heard = { inside: false, reached: 'nothing' };
    Reflect.set(window, 'e2eClickHeard', heard);
    window.addEventListener(
      'click',
      (event) => {
        const reached = event.target instanceof Element ? event.target : null;
        heard.inside = reached !== null && element.contains(reached);
        heard.reached = reached ? `<${reached.tagName.toLowerCase()} class="${reached.className}">` : 'no element';
      },
      { capture: true, once: true },
    );
  });
  await target.click({ force: true });
  const heard = await page.evaluate(() => Reflect.get(window, 'e2eClickHeard') as { inside: boolean; reached: string });
  if (!heard.inside) throw new Error(`the click meant for ${what} reached ${heard.reached}`);
}

/** Whether nothing animates in the page (endless animations aside) and `element`'s box is the same a frame apart. */
async function isStill(element: Element): Promise<boolean> {
  const animating = () =>
    document.getAnimations().some((animation) => animation.playState === 'running' && animation.effect?.getTiming().iterations !== Infinity);
  const box = () => JSON.stringify(element.getBoundingClientRect());
  const before = box();
  const wasAnimating = animating();
  await new Promise((frame) => requestAnimationFrame(frame));
  return !wasAnimating && !animating() && box() === before;
}

/** Clicks an enabled button by its name, once it holds still (clickWhenStill). */
export async function press(page: Page, name: string): Promise<void> {
  const button = page.getByRole('button', { name, exact: true });
  await button.waitFor({ state: 'visible' });
  const deadline = Date.now() + 30_000;
  while (!(await button.isEnabled())) {
    if (Date.now() > deadline) throw new Error(`button '${name}' stayed disabled`);
    await page.waitForTimeout(200);
  }
  await clickWhenStill(page, button, `button '${name}'`);
}

function fieldRow(page: Page, label: string) {
  return page
    .locator('#run-controls .tp-lblv')
    .filter({ has: page.locator('.tp-lblv_l', { hasText: new RegExp(`^${label}$`) }) })
    .first();
}

/** Types into the text field of the New run panel labelled `label`. */
export async function setField(page: Page, label: string, value: string): Promise<void> {
  const input = fieldRow(page, label).locator('input[type=text]').last();
  await input.fill(value);
  await input.press('Enter');
}

/** Chooses `value` in the New run panel's list labelled `label` (robot, algorithm, preset). */
export async function choose(page: Page, label: string, value: string): Promise<void> {
  await fieldRow(page, label).locator('select').first().selectOption(value, { force: true });
}

/** Polls the app's runs until `predicate` holds: from Node, since the page's CSP forbids eval. */
export async function waitForRuns(page: Page, what: string, predicate: (runs: RunView[]) => boolean, timeout = 120_000): Promise<RunView[]> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const current = await runs(page);
    if (predicate(current)) return current;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; runs: ${JSON.stringify(current)}`);
    await page.waitForTimeout(250);
  }
}
