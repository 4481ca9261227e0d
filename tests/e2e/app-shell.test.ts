import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, canvasPixelSpread, openApp, type AppSession } from './harness.ts';

describe('the app shell in headless Chromium', () => {
  let app: AppSession;

  beforeAll(async () => {
    app = await openApp();
    // The stage draws only when something changed, so an empty scene draws its first frames and then rests.
    await app.page.waitForFunction(() => (window.sinewDebug?.stage.framesDrawn ?? 0) > 0, undefined, { timeout: 60_000 });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('is cross-origin isolated, so SharedArrayBuffer is available', async () => {
    expect(await app.page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    expect(await app.page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
  });

  it('draws a WebGL scene that is not blank', async () => {
    const isWebGl = await app.page.evaluate(() => window.sinewDebug?.stage.renderer.getContext() instanceof WebGL2RenderingContext);
    expect(isWebGl).toBe(true);
    expect(await canvasPixelSpread(app.page, '#scene')).toBeGreaterThan(2);
    await app.page.screenshot({ path: artifactPath('app-shell.png') });
  });

  it('lays out the training, comparison and policy views and the chart strip', async () => {
    for (const name of ['Train', 'Compare', 'Policies']) await expect(app.page.getByRole('tab', { name }).count()).resolves.toBe(1);
    // One holder per chart; each draws its uPlot once a run is selected.
    expect(await app.page.locator('#charts [data-chart]').count()).toBe(5);
    await app.page.getByRole('tab', { name: 'Compare' }).click();
    expect(await app.page.locator('#view-compare').isVisible()).toBe(true);
    expect(await app.page.locator('#view-train').isVisible()).toBe(false);
    await app.page.getByRole('tab', { name: 'Train' }).click();
    expect(await app.page.locator('#view-train').isVisible()).toBe(true);
  });

  it('logs no console errors', () => {
    expect(app.errors).toEqual([]);
  });
});
