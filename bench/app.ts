import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { parseArgs, optionString, parseInteger } from '../app/cli/args.ts';
import { openApp } from '../tests/e2e/harness.ts';

/** The fields of /proc/<pid>/stat after the command name (state is [0], ppid [1], utime [11], stime [12]). */
function statFields(path: string): { name: string; fields: string[] } {
  const stat = readFileSync(path, 'utf8');
  return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), fields: stat.slice(stat.lastIndexOf(')') + 2).split(' ') };
}

/**
 * CPU seconds used so far by each thread of this process's descendants (the Chromium it launched), from Linux's
 * /proc, by thread id: the trainer's threads are Web Workers ("DedicatedWorker"); the rest (the page, the GPU
 * process with SwiftShader, the display compositor) is what drawing costs. Null where /proc is missing.
 */
function chromiumThreads(): Map<string, { worker: boolean; seconds: number }> | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const parent = new Map<string, string>();
  for (const pid of pids) {
    try {
      parent.set(pid, statFields(`/proc/${pid}/stat`).fields[1]);
    } catch {
      // The process ended while it was read.
    }
  }
  const ours = (pid: string): boolean => {
    for (let up = parent.get(pid); up !== undefined && up !== '0'; up = parent.get(up)) if (up === String(process.pid)) return true;
    return false;
  };
  const threads = new Map<string, { worker: boolean; seconds: number }>();
  for (const pid of pids.filter(ours)) {
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const { name, fields } = statFields(`/proc/${pid}/task/${tid}/stat`);
        threads.set(tid, { worker: name.startsWith('DedicatedWorker'), seconds: (Number(fields[11]) + Number(fields[12])) / 100 });
      }
    } catch {
      // The process ended while it was read.
    }
  }
  return threads;
}

/** CPU seconds between two samples, of worker threads and of the rest (threads that ended in between are lost). */
function cpuBetween(before: ReturnType<typeof chromiumThreads>, after: ReturnType<typeof chromiumThreads>): { workers: number; rest: number } {
  if (!before || !after) return { workers: NaN, rest: NaN };
  let workers = 0;
  let rest = 0;
  for (const [tid, thread] of after) {
    const delta = thread.seconds - (before.get(tid)?.seconds ?? 0);
    if (thread.worker) workers += delta;
    else rest += delta;
  }
  return { workers, rest };
}

/**
 * `npm run bench -- app [--robot reacher] [--envs 64] [--seconds 20] [--warmup 20] [--still]`: the app in headless Chromium
 * (SwiftShader) training one run while its robots are drawn. Prints the frame rate and training env steps/s with
 * the 3D view drawing and with drawing stopped (measured drawing, stopped, drawing again, so drift averages out),
 * and the CPU time drawing took per frame.
 *
 * The stage draws only when something changed, and PPO moves the robots in bursts (a rollout, then a pause
 * while it learns), so by default the camera orbits slowly while drawing: every frame slot has something to
 * draw, the worst case (a user turning the view all the time). `--still` keeps the camera still.
 */
export async function appBench(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, [
    { name: 'robot', description: 'robot', default: 'reacher' },
    { name: 'algo', description: 'algorithm', default: 'ppo' },
    { name: 'envs', description: 'parallel robots', default: '64' },
    { name: 'seconds', description: 'seconds per measurement window', default: '20' },
    { name: 'warmup', description: 'seconds of training before the first window', default: '20' },
    { name: 'still', description: 'keep the camera still (draw only when the robots move)', flag: true },
  ]);
  const warmup = parseInteger(optionString(args, 'warmup') ?? '20', '--warmup', 0);
  const orbit = optionString(args, 'still') === undefined;
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
      await row
        .first()
        .locator('select, button.tp-lstv_s')
        .first()
        .evaluate((element, wanted) => {
          if (element instanceof HTMLSelectElement) {
            element.value = wanted;
            element.dispatchEvent(new Event('change', { bubbles: true }));
          }
        }, value);
    };
    await select('robot', robot);
    await select('algorithm', algorithm);
    const envsInput = page
      .locator('#run-controls .tp-lblv')
      .filter({ has: page.locator('.tp-lblv_l', { hasText: /^envs$/ }) })
      .first()
      .locator('input[type=text]')
      .last();
    await envsInput.fill(String(envs));
    await envsInput.press('Enter');
    // A budget the run cannot finish during the windows: the form's default (200,000 steps) ended it inside the
    // last window at 2,800 steps/s, which read as a slowdown.
    const stepsInput = page
      .locator('#run-controls .tp-lblv')
      .filter({ has: page.locator('.tp-lblv_l', { hasText: /^steps$/ }) })
      .first()
      .locator('input[type=text]')
      .last();
    await stepsInput.fill('100000000');
    await stepsInput.press('Enter');
    await page.getByRole('button', { name: 'Start', exact: true }).click({ force: true });
    const state = () =>
      page.evaluate(() => {
        const run = [...(window.sinewDebug?.manager.runs.values() ?? [])][0];
        return {
          envSteps: run?.envSteps ?? 0,
          phase: run?.phase ?? 'none',
          robots: window.sinewDebug?.trainView.robotCount ?? 0,
          fps: window.sinewDebug?.stage.fps ?? 0,
        };
      });
    const deadline = Date.now() + 180_000;
    while ((await state()).envSteps === 0) {
      if (Date.now() > deadline) throw new Error(`the run did not start: ${JSON.stringify(await state())}`);
      await page.waitForTimeout(500);
    }
    // The trainer's speed still climbs over its first seconds (compilation, warm caches), a drift that is not
    // linear, so the windows' drawing-hidden-drawing order does not cancel it.
    await page.waitForTimeout(warmup * 1000);
    const frames = () => page.evaluate(() => window.sinewDebug?.stage.framesDrawn ?? 0);
    const measure = async (drawing: boolean) => {
      await page.evaluate(
        ([on, rotate]) => {
          const stage = window.sinewDebug?.stage;
          if (!stage) return;
          stage.controls.autoRotate = rotate;
          if (on) stage.start();
          else stage.stop();
        },
        [drawing, orbit] as const,
      );
      await page.waitForTimeout(2000);
      const start = await state();
      const framesBefore = await frames();
      const cpuBefore = chromiumThreads();
      const started = Date.now();
      const fps: number[] = [];
      while (Date.now() - started < seconds * 1000) {
        await page.waitForTimeout(1000);
        fps.push((await state()).fps);
      }
      const end = await state();
      const elapsed = (Date.now() - started) / 1000;
      const cpu = cpuBetween(cpuBefore, chromiumThreads());
      const drawn = (await frames()) - framesBefore;
      const drawCpu = cpu.rest;
      const trainCpu = cpu.workers;
      return {
        stepsPerSecond: (end.envSteps - start.envSteps) / elapsed,
        fps: fps.reduce((a, b) => a + b, 0) / fps.length,
        robots: end.robots,
        /** Cores busy outside the trainer (drawing, compositing, the page), and their CPU time per drawn frame. */
        drawCores: drawCpu / elapsed,
        drawMsPerFrame: drawn > 0 ? (drawCpu * 1000) / drawn : NaN,
        trainerCores: trainCpu / elapsed,
      };
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
        camera: orbit ? 'orbiting' : 'still',
        quality: await page.evaluate(() => window.sinewDebug?.stage.quality),
        fps: Number(((drawing1.fps + drawing2.fps) / 2).toFixed(1)),
        draw_cpu_ms_per_frame: Number(((drawing1.drawMsPerFrame + drawing2.drawMsPerFrame) / 2).toFixed(1)),
        cores_outside_trainer_drawing: Number(((drawing1.drawCores + drawing2.drawCores) / 2).toFixed(2)),
        cores_outside_trainer_hidden: Number(hidden.drawCores.toFixed(2)),
        trainer_cores_drawing: Number(((drawing1.trainerCores + drawing2.trainerCores) / 2).toFixed(2)),
        trainer_cores_hidden: Number(hidden.trainerCores.toFixed(2)),
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
