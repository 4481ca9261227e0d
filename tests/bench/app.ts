import { execFileSync } from 'node:child_process';
import { parseArgs, optionString, parseInteger } from '../../app/cli/args.ts';
import { openApp } from '../e2e/harness.ts';

/**
 * `npm run bench -- app [--robot reacher] [--envs 64] [--seconds 20]`: the app in headless Chromium (SwiftShader)
 * training one run while its robots are drawn. Prints the frame rate and training env steps/s with the 3D view
 * drawing and with drawing stopped (measured drawing, stopped, drawing again, so drift averages out).
 */
export async function appBench(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, [
    { name: 'robot', description: 'robot', default: 'reacher' },
    { name: 'algo', description: 'algorithm', default: 'ppo' },
    { name: 'envs', description: 'parallel robots', default: '64' },
    { name: 'seconds', description: 'seconds per measurement window', default: '20' },
  ]);
  const robot = optionString(args, 'robot') ?? 'reacher';
  const algorithm = optionString(args, 'algo') ?? 'ppo';
  const envs = parseInteger(optionString(args, 'envs') ?? '64', '--envs', 1);
  const seconds = parseInteger(optionString(args, 'seconds') ?? '20', '--seconds', 5);
  execFileSync(process.execPath, ['scripts/build.mjs', '--renderer'], { stdio: 'ignore' });
  const app = await openApp();
  const page = app.page;
  try {
    await page.waitForFunction(() => window.sinewDebug !== undefined, undefined, { timeout: 60_000 });
    const select = async (label: string, value: string) => {
      const row = page.locator('#run-controls .tp-lblv').filter({ has: page.locator('.tp-lblv_l', { hasText: new RegExp(`^${label}$`) }) });
      await row.first().locator('select, button.tp-lstv_s').first().evaluate((element, wanted) => {
        if (element instanceof HTMLSelectElement) {
          element.value = wanted;
          element.dispatchEvent(new Event('change', { bubbles: true }));
        }
      }, value);
    };
    await select('robot', robot);
    await select('algorithm', algorithm);
    const envsInput = page.locator('#run-controls .tp-lblv').filter({ has: page.locator('.tp-lblv_l', { hasText: /^envs$/ }) }).first().locator('input[type=text]').last();
    await envsInput.fill(String(envs));
    await envsInput.press('Enter');
    await page.getByRole('button', { name: 'Start', exact: true }).click({ force: true });
    const state = () =>
      page.evaluate(() => {
        const run = [...(window.sinewDebug?.manager.runs.values() ?? [])][0];
        return { envSteps: run?.envSteps ?? 0, phase: run?.phase ?? 'none', robots: window.sinewDebug?.trainView.robotCount ?? 0, fps: window.sinewDebug?.stage.fps ?? 0 };
      });
    const deadline = Date.now() + 180_000;
    while ((await state()).envSteps === 0) {
      if (Date.now() > deadline) throw new Error(`the run did not start: ${JSON.stringify(await state())}`);
      await page.waitForTimeout(500);
    }
    await page.waitForTimeout(5000);
    const measure = async (drawing: boolean) => {
      await page.evaluate((on) => (on ? window.sinewDebug?.stage.start() : window.sinewDebug?.stage.stop()), drawing);
      await page.waitForTimeout(2000);
      const start = await state();
      const started = Date.now();
      const fps: number[] = [];
      while (Date.now() - started < seconds * 1000) {
        await page.waitForTimeout(1000);
        fps.push((await state()).fps);
      }
      const end = await state();
      return { stepsPerSecond: ((end.envSteps - start.envSteps) * 1000) / (Date.now() - started), fps: fps.reduce((a, b) => a + b, 0) / fps.length, robots: end.robots };
    };
    const drawing1 = await measure(true);
    const hidden = await measure(false);
    const drawing2 = await measure(true);
    const drawingSteps = (drawing1.stepsPerSecond + drawing2.stepsPerSecond) / 2;
    console.log(
      JSON.stringify({
        bench: 'app',
        robot,
        algo: algorithm,
        robots: drawing1.robots,
        fps: Number(((drawing1.fps + drawing2.fps) / 2).toFixed(1)),
        steps_per_s_drawing: Math.round(drawingSteps),
        steps_per_s_hidden: Math.round(hidden.stepsPerSecond),
        slowdown: Number((1 - drawingSteps / hidden.stepsPerSecond).toFixed(3)),
      }),
    );
    return 0;
  } finally {
    await app.close();
  }
}
