/**
 * A macrotask turn: an in-thread VecEnv resolves step() in microtasks only, so without this a training loop
 * would starve timers, signals (Ctrl-C in the CLI), worker messages (pause/stop in the app) and test-runner
 * heartbeats until the run ends. Declared here because agents/ compiles without DOM or Node types.
 */
export const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => (globalThis as unknown as { setTimeout(callback: () => void, ms: number): unknown }).setTimeout(resolve, 0));
