import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { openApp, robotPixelShare, type AppSession } from './harness.ts';
import { choose } from './app-driver.ts';

/** README's "first five minutes" shows this picture; the test keeps it current. */
const README_SCREENSHOT = resolve('docs/images/first-screen.png');

describe('the first screen, before any run exists', () => {
  let app: AppSession;

  beforeAll(async () => {
    app = await openApp();
    await app.page.waitForFunction(() => (window.sinewDebug?.stage.framesDrawn ?? 0) > 0, undefined, { timeout: 60_000 });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('shows the selected robot at its starting pose, with a line saying what to press', async () => {
    expect(await app.page.locator('#scene-caption').textContent()).toMatch(
      /^Reacher at its starting pose\. Press Start in New run \(right\) to train \d+ of them with PPO\.$/,
    );
    expect(await app.page.evaluate(() => window.sinewDebug?.trainView.robotCount)).toBe(1);
    // The robot covers a readable part of the view, not a few pixels.
    expect(await robotPixelShare(app.page)).toBeGreaterThan(0.01);
    await app.page.waitForFunction(() => document.getElementById('app-status')?.textContent?.includes('view idle'), undefined, { timeout: 30_000 });
    await app.page.screenshot({ path: README_SCREENSHOT });
  });

  it('follows the robot chosen in New run', async () => {
    await choose(app.page, 'robot', 'hopper');
    await app.page.waitForFunction(() => document.getElementById('scene-caption')?.textContent?.startsWith('Hopper at its starting pose.'));
    await app.page.waitForTimeout(500); // a frame or two for the new robot
    expect(await robotPixelShare(app.page)).toBeGreaterThan(0.01);
  });

  it('logs no console errors', () => {
    expect(app.errors).toEqual([]);
  });
});
