import { parseArgs, optionString, parseInteger, parseNumber, requireString } from '../app/cli/args.ts';
import type { OptionSpec } from '../app/cli/args.ts';
import { getRuntimeAlgorithm } from '../app/runtime/catalog.ts';
import { loadCatalog } from '../app/runtime/registry-catalog.ts';
import { resolveRunConfig } from '../app/runtime/run-config.ts';
import { tf } from '../agents/shared/tf.ts';

/**
 * `npm run bench -- soak --minutes M`: trains for M minutes and prints, as JSON lines, the process RSS and
 * tfjs's live tensor count over time. Both must stay flat: growth means a leak (undisposed tensors, buffers
 * that grow per iteration). A final line compares the second half's start and end.
 */

const options: readonly OptionSpec[] = [
  { name: 'minutes', description: 'how long to train', default: '2' },
  { name: 'robot', description: 'robot', default: 'reacher' },
  { name: 'algo', description: 'algorithm', default: 'ppo' },
  { name: 'interval', description: 'seconds between samples', default: '10' },
  { name: 'seed', description: 'seed', default: '1' },
];

interface Sample {
  readonly t: number;
  readonly envSteps: number;
  readonly rssMB: number;
  readonly heapMB: number;
  readonly numTensors: number;
  readonly tensorMB: number;
}

function sample(start: number, envSteps: number): Sample {
  const memory = process.memoryUsage();
  const tfMemory = tf.memory();
  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  return {
    t: Math.round((performance.now() - start) / 100) / 10,
    envSteps,
    rssMB: mb(memory.rss),
    heapMB: mb(memory.heapUsed),
    numTensors: tfMemory.numTensors,
    tensorMB: mb(tfMemory.numBytes),
  };
}

export async function soakBench(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, options);
  const minutes = parseNumber(requireString(args, 'minutes'), '--minutes');
  const interval = parseNumber(requireString(args, 'interval'), '--interval');
  const robot = requireString(args, 'robot');
  const algorithm = requireString(args, 'algo');
  const seed = parseInteger(optionString(args, 'seed') ?? '1', '--seed');
  const catalog = await loadCatalog();
  const config = resolveRunConfig(
    catalog,
    { robot, algorithm, seed, workers: 0, totalSteps: 1, checkpointEvery: 1, keepCheckpoints: 1, set: [] },
    {},
  );
  const trainer = await getRuntimeAlgorithm(catalog, algorithm).createTrainer({ robot, config: config.algorithmConfig, seed, workers: 0 });
  const start = performance.now();
  const samples: Sample[] = [sample(start, 0)];
  console.log(JSON.stringify({ suite: 'soak', robot, algorithm, backend: tf.getBackend(), ...samples[0] }));
  let nextSample = start + interval * 1000;
  try {
    while (performance.now() - start < minutes * 60_000) {
      await trainer.iterate();
      // Checkpoint-style state reads are part of a real run: include them so their leaks show too.
      if (performance.now() >= nextSample) {
        await trainer.getState();
        samples.push(sample(start, trainer.envSteps));
        console.log(JSON.stringify(samples[samples.length - 1]));
        nextSample += interval * 1000;
      }
    }
  } finally {
    await trainer.dispose();
  }
  // RSS saw-tooths with garbage collection, so compare the peaks of the two halves (after the first sample,
  // taken before any buffer was filled) rather than two arbitrary points.
  const warm = samples.slice(1);
  const half = Math.ceil(warm.length / 2);
  const peak = (part: Sample[]) => Math.max(...part.map((s) => s.rssMB));
  const last = samples[samples.length - 1];
  console.log(
    JSON.stringify({
      summary: 'soak',
      envSteps: last.envSteps,
      rssPeakFirstHalfMB: peak(warm.slice(0, half)),
      rssPeakSecondHalfMB: peak(warm.slice(half)),
      numTensorsFirst: warm[0]?.numTensors,
      numTensorsLast: last.numTensors,
    }),
  );
  return 0;
}
