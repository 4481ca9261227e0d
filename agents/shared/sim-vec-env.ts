import type { VecEnvFactory } from '../contract.ts';
import { createVecEnv } from '../../sim/vec-env.ts';

/**
 * The robots of sim/: where every trainer, on- or off-policy, gets its environments unless
 * CreateTrainerOptions.makeVecEnv hands in others (tests' fixtures).
 */
export const simVecEnv: VecEnvFactory = (options) => createVecEnv(options);
