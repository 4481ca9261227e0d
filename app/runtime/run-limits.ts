import type { AlgorithmConfig } from './catalog.ts';

/**
 * Limits on what one run may ask for, checked before anything is built: a value past them would end in an
 * out-of-memory crash deep inside training (with a native stack trace and a half-made run folder) or, for
 * seeds, silently alias another seed. Every limit is in the message, so the user knows what does fit.
 */

/** Seeds are 32-bit signed integers inside the random generators: 0 .. 2^31 - 1 (larger ones would alias). */
export const MAX_SEED = 2 ** 31 - 1;

/** Parallel robots in one run: each has its own physics state, observation rows and pose slots. */
export const MAX_ENVS = 4096;

/** Transitions an on-policy rollout holds at once (numEnvs x numSteps): about 1 GiB of float32 columns. */
export const MAX_ROLLOUT = 2 ** 22;

/** Transitions a replay buffer holds (bufferSize). */
export const MAX_REPLAY = 10_000_000;

/** Units in one hidden layer. */
export const MAX_HIDDEN_UNITS = 4096;

/** Environment worker threads of one run. */
export const MAX_WORKERS = 64;

/** Environment steps of one run: far beyond any experiment, and still exact in a float64 and a checkpoint. */
export const MAX_TOTAL_STEPS = 1e12;

export function checkSeed(seed: number, what = 'seed'): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED)
    throw new Error(`${what} ${seed} is out of range: seeds are whole numbers from 0 to ${MAX_SEED}`);
}

/** Throws when the algorithm config asks for more memory than a run can have; names the field and its limit. */
export function checkResources(algorithm: string, config: AlgorithmConfig): void {
  const numEnvs = typeof config.numEnvs === 'number' ? config.numEnvs : 1;
  if (numEnvs > MAX_ENVS)
    throw new Error(`${algorithm}: numEnvs (--envs) ${numEnvs} is more than a run can hold: at most ${MAX_ENVS} parallel robots`);
  if (typeof config.numSteps === 'number' && numEnvs * config.numSteps > MAX_ROLLOUT) {
    throw new Error(
      `${algorithm}: a rollout of numEnvs x numSteps = ${numEnvs} x ${config.numSteps} transitions is more than a run can hold: at most ${MAX_ROLLOUT}`,
    );
  }
  if (typeof config.bufferSize === 'number' && config.bufferSize > MAX_REPLAY) {
    throw new Error(`${algorithm}: bufferSize ${config.bufferSize} is more than a run can hold: at most ${MAX_REPLAY} transitions`);
  }
  for (const [field, value] of Object.entries(config)) {
    if (/hiddenSizes$/i.test(field) && Array.isArray(value) && value.some((units) => units > MAX_HIDDEN_UNITS)) {
      throw new Error(`${algorithm}: ${field} [${value.join(', ')}] has a layer wider than a run can hold: at most ${MAX_HIDDEN_UNITS} units`);
    }
  }
}
