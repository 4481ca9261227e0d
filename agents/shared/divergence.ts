/**
 * Training that diverges (a learning rate far too large, a bad reward scale) shows as a loss, gradient or
 * parameter that is no longer a finite number. Every algorithm stops at the first one with a DivergenceError
 * rather than training on, and logging and checkpointing, garbage.
 */

/** Starts every divergence message: it survives a thread boundary (a learner thread's error), where the class does not. */
export const DIVERGED = 'training diverged: ';

export class DivergenceError extends Error {
  constructor(what: string) {
    super(`${DIVERGED}${what}; lower the learning rate`);
    this.name = 'DivergenceError';
  }
}

/** Throws a DivergenceError unless `value` (a loss) is finite. */
export function checkFiniteLoss(what: string, value: number): void {
  if (!Number.isFinite(value)) throw new DivergenceError(`${what} became ${value}`);
}
