import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { serveRenderer, type RunningServer } from '../../app/main/web-server.ts';

/** Debian's Chromium (Playwright's own browsers cannot be downloaded here). */
export const CHROMIUM_PATH = process.env.SINEW_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = resolve('test-results');

/**
 * Flags for headless Chromium on these machines: no sandbox as root, and no background networking (the closed
 * network refuses those connections). WebGL runs through SwiftShader.
 */
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface AppSession {
  readonly server: RunningServer;
  readonly browser: Browser;
  readonly page: Page;
  /** Console errors and uncaught page errors seen so far. */
  readonly errors: string[];
  close(): Promise<void>;
}

/** Serves the built renderer (dist/renderer) and opens it in headless Chromium. */
export async function openApp(viewport = { width: 1440, height: 900 }): Promise<AppSession> {
  const root = resolve('dist/renderer');
  if (!existsSync(join(root, 'index.html')))
    throw new Error('dist/renderer is missing: run `node scripts/build.mjs --renderer` first (npm run test:e2e does)');
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install chromium (the CI script does)`);
  await mkdir(ARTIFACTS, { recursive: true });
  const server = await serveRenderer(root, 0);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  await page.goto(server.url, { waitUntil: 'load' });
  return {
    server,
    browser,
    page,
    errors,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Standard deviation of the canvas's pixel values: 0 for a blank (single-colour) canvas. */
export async function canvasPixelSpread(page: Page, selector: string): Promise<number> {
  const png = await page.locator(selector).screenshot();
  return page.evaluate(
    async (bytes: number[]) => {
      const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d');
      if (!context) throw new Error('no 2d context');
      context.drawImage(bitmap, 0, 0);
      const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
      let sum = 0;
      let sumSquares = 0;
      const count = data.length / 4;
      for (let i = 0; i < data.length; i += 4) {
        const luminance = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
        sum += luminance;
        sumSquares += luminance * luminance;
      }
      const mean = sum / count;
      return Math.sqrt(Math.max(0, sumSquares / count - mean * mean));
    },
    [...png],
  );
}

/** Shares of a PNG's pixels that are fully opaque and that are dark (r + g + b < 200), decoded in the page. */
export function pngInkShares(page: Page, png: Uint8Array): Promise<{ opaque: number; dark: number }> {
  return page.evaluate(
    async (bytes: number[]) => {
      const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
      const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
      if (!context) throw new Error('no 2d context');
      context.drawImage(bitmap, 0, 0);
      const rgba = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
      let opaque = 0;
      let dark = 0;
      for (let i = 0; i < rgba.length; i += 4) {
        if (rgba[i + 3] === 255) opaque++;
        if (rgba[i] + rgba[i + 1] + rgba[i + 2] < 200) dark++;
      }
      return { opaque: opaque / (rgba.length / 4), dark: dark / (rgba.length / 4) };
    },
    [...png],
  );
}

/** A circle in the 3D view, in CSS px from its top left (a robot's ring: TrainView.screenPoint). */
export interface ViewCircle {
  readonly x: number;
  readonly y: number;
  readonly radius: number;
}

/**
 * Pixels of the 3D view that the robots change: the view is captured as shown, then with every robot hidden (the
 * robot grids are the scene's only groups), and the pixels that differ are counted, all of them or those inside
 * `within` (one robot's ring, where no other robot reaches). `total` is the view's pixel count.
 */
export async function robotPixels(page: Page, within?: ViewCircle): Promise<{ changed: number; total: number }> {
  const withRobots = await page.locator('#scene').screenshot();
  const setRobotsVisible = (visible: boolean) =>
    page.evaluate(async (show: boolean) => {
      const stage = window.sinewDebug?.stage;
      if (!stage) throw new Error('no stage');
      for (const child of stage.scene.children) if (child.type === 'Group') child.visible = show;
      const drawn = stage.framesDrawn;
      stage.invalidate();
      while (stage.framesDrawn === drawn) await new Promise((done) => setTimeout(done, 20));
    }, visible);
  await setRobotsVisible(false);
  const withoutRobots = await page.locator('#scene').screenshot();
  await setRobotsVisible(true);
  return page.evaluate(
    async ([a, b, circle]: [number[], number[], ViewCircle | null]) => {
      const pixels = async (bytes: number[]) => {
        const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext('2d');
        if (!context) throw new Error('no 2d context');
        context.drawImage(bitmap, 0, 0);
        return { data: context.getImageData(0, 0, bitmap.width, bitmap.height).data, width: bitmap.width };
      };
      const [first, second] = await Promise.all([pixels(a), pixels(b)]);
      const total = first.data.length / 4;
      let changed = 0;
      for (let pixel = 0; pixel < total; pixel++) {
        if (circle && Math.hypot((pixel % first.width) + 0.5 - circle.x, Math.floor(pixel / first.width) + 0.5 - circle.y) > circle.radius) continue;
        const i = pixel * 4;
        if (
          Math.abs(first.data[i] - second.data[i]) +
            Math.abs(first.data[i + 1] - second.data[i + 1]) +
            Math.abs(first.data[i + 2] - second.data[i + 2]) >
          30
        )
          changed++;
      }
      return { changed, total };
    },
    [[...withRobots], [...withoutRobots], within ?? null] as [number[], number[], ViewCircle | null],
  );
}

/** Share of the 3D view's pixels that the robots change (robotPixels over the whole view). */
export async function robotPixelShare(page: Page): Promise<number> {
  const { changed, total } = await robotPixels(page);
  return changed / total;
}

export function artifactPath(name: string): string {
  return join(ARTIFACTS, name);
}
