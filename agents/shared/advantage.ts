/**
 * Advantage estimation for on-policy rollouts (the seed's n-step returns and GAE(lambda)).
 *
 * Every array is time-major: entry t * numEnvs + e is step t of environment e. The flags of step t say
 * how the transition s_t -> s_{t+1} ended:
 *  - terminated: s_{t+1} is terminal, its value is 0 and nothing flows back across it;
 *  - truncated: the time limit cut the episode, so we bootstrap from V(final observation), given in
 *    truncationValues[t * numEnvs + e], and nothing flows back from the next (reset) step either;
 *  - neither: the episode continues into step t + 1 (or, at the rollout's cut, into lastValues[e]).
 */

export interface RolloutSignals {
  readonly numSteps: number;
  readonly numEnvs: number;
  /** r_{t+1}: the reward received for the action at step t. */
  readonly rewards: ArrayLike<number>;
  /** V(s_t) under the networks that collected the rollout. */
  readonly values: ArrayLike<number>;
  readonly terminated: ArrayLike<number>;
  readonly truncated: ArrayLike<number>;
  /** V(final observation) where truncated; ignored elsewhere. */
  readonly truncationValues: ArrayLike<number>;
  /** V(s_T) per environment: the bootstrap at the rollout's cut. */
  readonly lastValues: ArrayLike<number>;
}

function checkSignals(signals: RolloutSignals, out: ArrayLike<number>[]): void {
  const { numSteps, numEnvs } = signals;
  if (!Number.isInteger(numSteps) || numSteps < 1) throw new Error(`numSteps must be a positive integer, got ${numSteps}`);
  if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new Error(`numEnvs must be a positive integer, got ${numEnvs}`);
  const size = numSteps * numEnvs;
  const named: [string, ArrayLike<number>][] = [
    ['rewards', signals.rewards],
    ['values', signals.values],
    ['terminated', signals.terminated],
    ['truncated', signals.truncated],
    ['truncationValues', signals.truncationValues],
  ];
  for (const [name, array] of named) {
    if (array.length < size) throw new Error(`${name} holds ${array.length} entries, need numSteps * numEnvs = ${size}`);
  }
  if (signals.lastValues.length < numEnvs) throw new Error(`lastValues holds ${signals.lastValues.length} entries, need ${numEnvs}`);
  for (const array of out) if (array.length < size) throw new Error(`output holds ${array.length} entries, need ${size}`);
}

function checkDiscount(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new Error(`${name} must be in [0, 1], got ${value}`);
}

/**
 * The seed's n-step returns G_t = r_{t+1} + gamma G_{t+1}, computed backwards from the cut: each step's
 * return looks ahead to the end of the rollout (so step t uses an (T - t)-step return, as in A3C).
 * G at the cut is V(s_T); after a terminal it is 0; after a truncation it is V(final observation).
 */
export function nStepReturns(signals: RolloutSignals, gamma: number, outReturns: Float32Array): Float32Array {
  checkSignals(signals, [outReturns]);
  checkDiscount('gamma', gamma);
  const { numSteps, numEnvs, rewards, terminated, truncated, truncationValues, lastValues } = signals;
  for (let e = 0; e < numEnvs; e++) {
    let next = lastValues[e];
    for (let t = numSteps - 1; t >= 0; t--) {
      const i = t * numEnvs + e;
      if (terminated[i]) next = 0;
      else if (truncated[i]) next = truncationValues[i];
      next = rewards[i] + gamma * next;
      outReturns[i] = next;
    }
  }
  return outReturns;
}

/**
 * GAE(lambda): A_t = delta_t + gamma lambda A_{t+1}, delta_t = r_{t+1} + gamma V(s_{t+1}) - V(s_t), with the
 * episode-boundary rules above. Returns (the critic's targets) are A_t + V(s_t). lambda = 1 gives exactly
 * the n-step advantages G_t - V(s_t); lambda = 0 the one-step TD errors.
 */
export function generalisedAdvantages(
  signals: RolloutSignals,
  gamma: number,
  lambda: number,
  outAdvantages: Float32Array,
  outReturns: Float32Array,
): void {
  checkSignals(signals, [outAdvantages, outReturns]);
  checkDiscount('gamma', gamma);
  checkDiscount('lambda', lambda);
  const { numSteps, numEnvs, rewards, values, terminated, truncated, truncationValues, lastValues } = signals;
  for (let e = 0; e < numEnvs; e++) {
    let nextValue = lastValues[e];
    let nextAdvantage = 0;
    for (let t = numSteps - 1; t >= 0; t--) {
      const i = t * numEnvs + e;
      let continues = 1;
      if (terminated[i]) {
        nextValue = 0;
        continues = 0;
      } else if (truncated[i]) {
        nextValue = truncationValues[i];
        continues = 0;
      }
      const delta = rewards[i] + gamma * nextValue - values[i];
      // Float64 accumulation; rounding to Float32 happens only on the way out.
      nextAdvantage = delta + gamma * lambda * continues * nextAdvantage;
      outAdvantages[i] = nextAdvantage;
      outReturns[i] = nextAdvantage + values[i];
      nextValue = values[i];
    }
  }
}

/**
 * (A - mean) / (std + epsilon) in place over `advantages[start .. start + count)`: the usual variance
 * reduction, done per minibatch (CleanRL) or per rollout. std is the population standard deviation.
 */
export function normaliseAdvantages(advantages: Float32Array, epsilon = 1e-8, start = 0, count = advantages.length - start): void {
  if (count < 1 || start < 0 || start + count > advantages.length) {
    throw new Error(`normaliseAdvantages: range [${start}, ${start + count}) is outside an array of ${advantages.length}`);
  }
  let sum = 0;
  for (let i = start; i < start + count; i++) sum += advantages[i];
  const mean = sum / count;
  let squares = 0;
  for (let i = start; i < start + count; i++) squares += (advantages[i] - mean) ** 2;
  const std = Math.sqrt(squares / count);
  for (let i = start; i < start + count; i++) advantages[i] = (advantages[i] - mean) / (std + epsilon);
}
