import RAPIER from '@dimforge/rapier3d-simd-compat';

/**
 * The Rapier module: the compat build (its wasm is inlined, so it loads the same in Node, workers and browsers) with
 * wasm SIMD, 1.1-1.25x the plain build's physics steps per second on our robots with the same errors against MuJoCo
 * (docs/FINDINGS.md).
 */
export type Rapier = typeof RAPIER;

let ready: Promise<Rapier> | null = null;

/** Initialises Rapier once per thread (JS realm) and returns the module. */
export function loadRapier(): Promise<Rapier> {
  ready ??= RAPIER.init().then(() => RAPIER);
  return ready;
}
