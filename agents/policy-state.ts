import type { TrainerState } from './contract.ts';

/**
 * The part of a checkpoint's trainer state that its policy needs: all of it but the environments' own state (the
 * json's `env` and the `env.*` arrays, the names every trainer saves it under; a trainer given none starts fresh
 * episodes). Play and export load this, so a checkpoint whose environments this sinew cannot restore (the worlds of
 * another Rapier build, a retired physics) still gives up its policy; resuming needs the whole state.
 */
export function policyState(state: TrainerState): TrainerState {
  const { json } = state;
  const withoutEnv = json !== null && typeof json === 'object' && 'env' in json ? { ...json, env: null } : json;
  const arrays = Object.fromEntries(Object.entries(state.arrays).filter(([name]) => !name.startsWith('env.')));
  return { json: withoutEnv, arrays };
}
