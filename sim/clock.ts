/**
 * Milliseconds from a monotonic clock with sub-millisecond resolution. `performance` is in Node, workers and
 * browsers alike, but not in the core's type library (no DOM, no Node types), hence the typed lookup.
 */
const clock = (globalThis as unknown as { performance?: { now(): number } }).performance;

export const nowMs: () => number = clock ? () => clock.now() : () => Date.now();
