import RAPIER from '@dimforge/rapier3d-compat';

/** The Rapier module (compat build: its wasm is inlined, so it loads the same in Node, workers and browsers). */
export type Rapier = typeof RAPIER;

let ready: Promise<Rapier> | null = null;

/** Initialises Rapier once per thread (JS realm) and returns the module. */
export function loadRapier(): Promise<Rapier> {
  ready ??= RAPIER.init().then(() => RAPIER);
  return ready;
}
