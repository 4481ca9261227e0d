import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath, type AppSession } from './harness.ts';
import { clickWhenStill, openDrivenApp, press, setField, waitForRuns } from './app-driver.ts';

interface LowContrast {
  text: string;
  ratio: number;
  colour: string;
  background: string;
}

/**
 * Every visible piece of text in the page whose contrast with what is behind it is under WCAG AA's 4.5:1,
 * computed from the CSS colours: the text colour over its background, the backgrounds of its ancestors
 * composited (a translucent one over the 3D view counts as over white and over black, the worse of the two).
 * Disabled controls are exempt in WCAG and skipped.
 */
function lowContrastText(page: Page): Promise<LowContrast[]> {
  return page.evaluate(() => {
    type Rgba = [number, number, number, number];
    const parse = (text: string): Rgba => {
      const srgb = /^color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.e-]+))?\)$/.exec(text);
      if (srgb) return [Number(srgb[1]) * 255, Number(srgb[2]) * 255, Number(srgb[3]) * 255, srgb[4] === undefined ? 1 : Number(srgb[4])];
      const rgb = /^rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:,? \/? ?([\d.]+))?\)$/.exec(text);
      if (!rgb) throw new Error(`unparsed colour ${text}`);
      return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3]), rgb[4] === undefined ? 1 : Number(rgb[4])];
    };
    const over = (top: Rgba, bottom: Rgba): Rgba => {
      const alpha = top[3] + bottom[3] * (1 - top[3]);
      if (alpha === 0) return [0, 0, 0, 0];
      const mix = (i: number) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / alpha;
      return [mix(0), mix(1), mix(2), alpha];
    };
    const luminance = ([r, g, b]: Rgba) => {
      const channel = (value: number) => {
        const c = value / 255;
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const ratio = (a: Rgba, b: Rgba) => {
      const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
      return (x + 0.05) / (y + 0.05);
    };
    const found: LowContrast[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set<Element>();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!element || seen.has(element) || !(node.textContent ?? '').trim()) continue;
      seen.add(element);
      if (element.closest('[hidden], button:disabled, .tp-v-disabled, script, style, option') || element.getClientRects().length === 0) continue;
      const style = getComputedStyle(element);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      // Translucent on purpose (disabled Tweakpane rows): skipped like disabled controls.
      let faded = false;
      const layers: Rgba[] = [];
      for (let at: Element | null = element; at; at = at.parentElement) {
        const own = getComputedStyle(at);
        if (Number(own.opacity) < 1) faded = true;
        const background = parse(own.backgroundColor);
        if (background[3] > 0) layers.push(background);
        if (background[3] >= 1) break;
      }
      if (faded) continue;
      const composite = (base: Rgba) => layers.reduceRight((acc, layer) => over(layer, acc), base);
      const text = parse(style.color);
      const opaque = layers.length > 0 && layers[layers.length - 1][3] >= 1;
      const backgrounds = opaque ? [composite([0, 0, 0, 0])] : [composite([255, 255, 255, 1]), composite([0, 0, 0, 1])];
      const worst = Math.min(...backgrounds.map((background) => ratio(over(text, background), background)));
      if (worst < 4.5)
        found.push({
          text: (node.textContent ?? '').trim().slice(0, 40),
          ratio: Number(worst.toFixed(2)),
          colour: style.color,
          background: backgrounds.map((b) => b.map(Math.round).join(' ')).join(' | '),
        });
    }
    return found;
  });
}

describe('the app is readable: contrast, the New-run pane (headless Chromium)', () => {
  let app: AppSession;

  beforeAll(async () => {
    app = await openDrivenApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('shows whole numbers as whole numbers and every label uncut, with Start in view while Hyperparameters is open', async () => {
    const page = app.page;
    await clickWhenStill(page, page.locator('#run-controls .tp-fldv_b', { hasText: 'Hyperparameters' }), 'the Hyperparameters folder');
    await page.waitForTimeout(500);
    const values = await page
      .locator('#run-controls .tp-lblv')
      .evaluateAll((rows) =>
        rows.map((row) => [
          row.querySelector('.tp-lblv_l')?.textContent ?? '',
          (row.querySelector('input[type=text]') as HTMLInputElement | null)?.value ?? '',
        ]),
      );
    const byLabel = Object.fromEntries(values);
    expect([byLabel.envs, byLabel.seed, byLabel.steps, byLabel.numSteps, byLabel.minibatchSize, byLabel.updateEpochs]).toEqual([
      '8',
      '1',
      '1000000',
      '64',
      '32',
      '10',
    ]);
    expect(byLabel.learningRate).toBe('0.0003');
    expect(values.filter(([, value]) => /^-?\d+\.0+$/.test(value))).toEqual([]);
    const cut = await page
      .locator('#run-controls .tp-lblv_l')
      .evaluateAll((labels) => labels.filter((label) => label.scrollWidth > label.clientWidth + 1).map((label) => label.textContent));
    expect(cut).toEqual([]);
    const [start, pane] = [
      await page.getByRole('button', { name: 'Start', exact: true }).boundingBox(),
      await page.locator('aside.controls').boundingBox(),
    ];
    expect(start && pane && start.y >= pane.y && start.y + start.height <= pane.y + pane.height).toBe(true);
    await page.screenshot({ path: artifactPath('new-run-pane.png') });
    await clickWhenStill(page, page.locator('#run-controls .tp-fldv_b', { hasText: 'Hyperparameters' }), 'the Hyperparameters folder');
  });

  it('has text at WCAG AA contrast (4.5:1) in the light and the dark theme, with a run in the list', async () => {
    const page = app.page;
    await setField(page, 'steps', '2000');
    await press(page, 'Start');
    await waitForRuns(page, 'a run with metrics', (all) => all.length === 1 && all[0].records >= 1);
    await clickWhenStill(page, page.getByRole('tab', { name: 'Policies' }), 'the Policies tab');
    await clickWhenStill(page, page.getByRole('tab', { name: 'Train' }), 'the Train tab');
    expect(await lowContrastText(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(300);
    expect(await lowContrastText(page)).toEqual([]);
    await page.screenshot({ path: artifactPath('dark-theme.png') });
    await waitForRuns(page, 'the run to finish', (all) => all[0].phase === 'finished', 120_000);
    expect(await lowContrastText(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForTimeout(300);
    expect(await lowContrastText(page)).toEqual([]);
  });

  it('logged no console errors', () => {
    expect(app.errors, app.errors.join('\n')).toEqual([]);
  });
});
