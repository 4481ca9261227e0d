/**
 * Benchmark suites by name. Each takes its own argv (after the suite name), prints JSON lines to stdout
 * and returns an exit code.
 */
export type BenchSuite = (argv: readonly string[]) => Promise<number>;

export const benchSuites: Record<string, BenchSuite> = {
  learner: (argv) => import('./learner.ts').then((m) => m.learnerBench(argv)),
  learn: (argv) => import('./learn.ts').then((m) => m.learnBench(argv)),
  transfer: (argv) => import('./transfer.ts').then((m) => m.transferBench(argv)),
  'learner-ppo': (argv) => import('./learner-on-policy.ts').then((m) => m.learnerOnPolicyBench(argv)),
  soak: (argv) => import('./soak.ts').then((m) => m.soakBench(argv)),
  sim: (argv) => import('./sim.ts').then((m) => m.simBench(argv)),
  app: (argv) => import('./app.ts').then((m) => m.appBench(argv)),
};
