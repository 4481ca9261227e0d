import { backendName } from '../agents/shared/tf.ts';

/** What the learner suites (learner.ts, learner-on-policy.ts) share: their options and the timing of one step. */

export function option(argv: readonly string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
}

/**
 * Runs `step` `warmup` times, then `steps` times timed, and prints the suite's JSON line: wall and CPU
 * milliseconds per step, with `record`'s fields (algo, sizes) first and `extra`'s last.
 */
export function printStepTiming(
  record: { algo: string; hidden: string; batch: number },
  step: () => void,
  warmup: number,
  steps: number,
  extra: Record<string, string | number> = {},
): void {
  for (let i = 0; i < warmup; i++) step();
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < steps; i++) step();
  const ms = (performance.now() - start) / steps;
  const cpu = process.cpuUsage(cpuStart);
  // CPU time of this process per step: what the wall time would be on an idle machine (the CPU is shared).
  const cpuMs = (cpu.user + cpu.system) / 1000 / steps;
  const line = {
    bench: 'learner',
    ...record,
    ms_per_update: Number(ms.toFixed(3)),
    updates_per_s: Number((1000 / ms).toFixed(1)),
    cpu_ms_per_update: Number(cpuMs.toFixed(3)),
    backend: backendName(),
    ...extra,
  };
  console.log(JSON.stringify(line));
}
