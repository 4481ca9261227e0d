import { rapierWorldModes, type RapierWorldMode } from '../sim/env-slice.ts';
import { checkPhysics, resolvePhysics, robotInfo, robotNames, runsOn } from '../sim/registry.ts';
import { Rng } from '../sim/rng.ts';
import { createVecEnv, type SimVecEnv } from '../sim/vec-env.ts';
import { testspeedBench } from './sim-testspeed.ts';

/**
 * `npm run bench -- sim [--robot hopper,reacher] [--robots 1,16,64] [--workers 1,2] [--seconds 3] [--warmup 3]
 * [--physics rapier|mujoco] [--rapier-worlds shared,per-robot] [--work-sharing on,off]`: stepping throughput
 * of the vector environments, one JSON line per (robot, robots, workers[, rapier_worlds][, work_sharing]):
 * {"bench":"sim","robot","physics","robots","workers","physics_steps_per_s","env_steps_per_s"}, counting every robot's steps,
 * plus physics_steps_per_cpu_s (per second of CPU time of this process, all its threads): on a machine shared
 * with other work, wall-clock figures fall while that one holds.
 * workers 1 steps in the calling thread; K >= 2 spreads the robots over it and K - 1 worker threads. The worker
 * counts are measured in turns of WINDOW_S seconds (--seconds in all per count); lines give medians over the
 * turns and, for every count after the first, speedup_vs_<first>: the median ratio of turns taken side by side.
 * With Rapier physics each worker count is measured once per world mode (--rapier-worlds: all the robots of a
 * thread in one world, or a world per robot), all in the same turns; speedup_vs_<first> then compares with the
 * first worker count in the first mode (speedup_vs_<mode>_<workers>). MuJoCo robots on 2 or more threads
 * share the envs out step by step (work-sharing.ts); --work-sharing on,off measures fixed slices beside it.
 * Random actions in [-1, 1]
 * (the Hopper falls and resets often, so contacts and resets are in the figure). Run it alone:
 * `flock /tmp/sinew-bench.lock npm run bench -- sim`.
 *
 * With `--physics mujoco`, each robot's rows are followed by MuJoCo's own benchmark setting, our engine beside a
 * bare mj_step loop and Debian's native mujoco-testspeed in alternating rounds (sim-testspeed.ts;
 * --testspeed-steps, default 50000).

 */

const WINDOW_S = 0.5;

function list(argv: readonly string[], name: string, fallback: string): string[] {
  const i = argv.indexOf(`--${name}`);
  const value = i >= 0 ? argv[i + 1] : undefined;
  if (i >= 0 && value === undefined) throw new Error(`--${name} needs a value`);
  return (value ?? fallback).split(',').filter(Boolean);
}

function positiveInts(values: string[], name: string): number[] {
  return values.map((value) => {
    const n = Number(value);
    if (!(Number.isInteger(n) && n > 0)) throw new Error(`--${name}: '${value}' is not a positive integer`);
    return n;
  });
}

/** Median of a non-empty list. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Steps `vec` with random actions for `ms`; its env steps per second of wall and of CPU time. */
async function window(vec: SimVecEnv, rng: Rng, ms: number): Promise<{ perWall: number; perCpu: number }> {
  let steps = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const actions = new Float32Array(vec.numEnvs * vec.actionSize);
  while (performance.now() - start < ms) {
    for (let i = 0; i < actions.length; i++) actions[i] = rng.uniformRange(-1, 1);
    await vec.step(actions);
    steps++;
  }
  const cpu = process.cpuUsage(cpuStart);
  const envSteps = steps * vec.numEnvs;
  return { perWall: envSteps / ((performance.now() - start) / 1000), perCpu: envSteps / ((cpu.user + cpu.system) / 1e6) };
}

export async function simBench(argv: readonly string[]): Promise<number> {
  const [physicsOption] = list(argv, 'physics', '');
  checkPhysics(physicsOption);
  // Without --robot: every robot that runs on the chosen physics (each on its own default without --physics).
  const runs = (robot: string) => runsOn(robot, resolvePhysics(robot, physicsOption));
  const robots = list(argv, 'robot', robotNames.filter(runs).join(','));
  const counts = positiveInts(list(argv, 'robots', '1,16,64'), 'robots');
  const workerCounts = positiveInts(list(argv, 'workers', '1,2'), 'workers');
  const [seconds] = positiveInts(list(argv, 'seconds', '3'), 'seconds');
  // Rapier's wasm runs at about half speed for the first 1-2 s of a thread: warm up every configuration first.
  const [warmup] = positiveInts(list(argv, 'warmup', '3'), 'warmup');
  const sharings = list(argv, 'work-sharing', 'on').map((value) => {
    if (value !== 'on' && value !== 'off') throw new Error(`--work-sharing: '${value}' is not on or off`);
    return value === 'on';
  });
  const rounds = Math.max(3, Math.round(seconds / WINDOW_S));
  const rng = new Rng(1);
  for (const robot of robots) {
    const info = robotInfo(robot);
    const physics = resolvePhysics(info.name, physicsOption);
    const modes = list(argv, 'rapier-worlds', physics === 'rapier' ? rapierWorldModes.join(',') : 'shared').map((mode) => {
      if (!(rapierWorldModes as readonly string[]).includes(mode))
        throw new Error(`--rapier-worlds: '${mode}' is not one of ${rapierWorldModes.join(', ')}`);
      return mode as RapierWorldMode;
    });
    // Every (world mode, worker count, work sharing) is one configuration measured in the same turns; work sharing
    // applies to MuJoCo robots on 2 or more threads.
    const shares = (workers: number) => workers >= 2 && physics !== 'rapier';
    const configs = modes.flatMap((rapierWorlds) =>
      workerCounts.flatMap((workers) =>
        (shares(workers) ? sharings : sharings.slice(0, 1)).map((workSharing) => ({ rapierWorlds, workers, workSharing })),
      ),
    );
    for (const numEnvs of counts) {
      // Every worker count is measured in short windows taken in turn, so a slow spell of the machine falls on
      // all of them alike; the figures are medians over the windows and speedup the median of paired ratios.
      const vecs: SimVecEnv[] = [];
      for (const { rapierWorlds, workers, workSharing } of configs) {
        vecs.push(await createVecEnv({ robot, numEnvs, workers: workers === 1 ? 0 : workers, seed: 1, physics, rapierWorlds, workSharing }));
      }
      for (const vec of vecs) await window(vec, rng, warmup * 1000); // warm up the JIT and Rapier (and the workers')
      const samples = vecs.map(() => [] as { perWall: number; perCpu: number }[]);
      for (let round = 0; round < rounds; round++) {
        for (let k = 0; k < vecs.length; k++) samples[k].push(await window(vecs[k], rng, WINDOW_S * 1000));
      }
      for (const vec of vecs) await vec.close();
      configs.forEach(({ rapierWorlds, workers, workSharing }, k) => {
        const envSteps = median(samples[k].map((sample) => sample.perWall));
        const line: Record<string, string | number> = {
          bench: 'sim',
          robot: info.name,
          physics,
          ...(physics === 'rapier' ? { rapier_worlds: rapierWorlds } : {}),
          robots: numEnvs,
          workers,
          ...(shares(workers) ? { work_sharing: workSharing ? 'on' : 'off' } : {}),
          physics_steps_per_s: Math.round(envSteps * info.frameSkip),
          env_steps_per_s: Math.round(envSteps),
          physics_steps_per_cpu_s: Math.round(median(samples[k].map((sample) => sample.perCpu)) * info.frameSkip),
        };
        const reference = physics === 'rapier' ? `${modes[0]}_${workerCounts[0]}` : `${workerCounts[0]}`;
        if (k > 0) line[`speedup_vs_${reference}`] = Number(median(samples[k].map((sample, r) => sample.perWall / samples[0][r].perWall)).toFixed(2));
        console.log(JSON.stringify(line));
      });
    }
    if (physics === 'mujoco') await testspeedBench(info.name, positiveInts(list(argv, 'testspeed-steps', '50000'), 'testspeed-steps')[0], 3);
  }
  return 0;
}
