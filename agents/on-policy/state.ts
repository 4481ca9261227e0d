import type { RunningNormaliser } from '../shared/normaliser.ts';
import type { TrainerState } from '../contract.ts';

/** Named normalisers (absent ones skipped) saved into / restored from a TrainerState's arrays. */
export type NamedNormalisers = readonly (readonly [string, RunningNormaliser | null])[];

type Arrays = Record<string, TrainerState['arrays'][string]>;

export function saveNormalisers(normalisers: NamedNormalisers, arrays: Arrays): void {
  for (const [name, normaliser] of normalisers) {
    if (!normaliser) continue;
    const state = normaliser.getState();
    arrays[`${name}.mean`] = state.mean;
    arrays[`${name}.variance`] = state.variance;
    arrays[`${name}.count`] = Float64Array.of(state.count);
  }
}

export function loadNormalisers(normalisers: NamedNormalisers, arrays: TrainerState['arrays']): void {
  for (const [name, normaliser] of normalisers) {
    if (!normaliser) continue;
    const mean = arrays[`${name}.mean`];
    const variance = arrays[`${name}.variance`];
    const count = arrays[`${name}.count`];
    if (!mean || !variance || !count) throw new Error(`the trainer state lacks the ${name} statistics`);
    normaliser.setState({ mean: Float64Array.from(mean), variance: Float64Array.from(variance), count: count[0] });
  }
}
