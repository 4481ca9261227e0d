import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests (Node, run in parallel) and real-browser e2e tests (headless Chromium, serial).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          pool: 'forks',
          globalSetup: ['tests/temp-dir.global.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 120_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          globalSetup: ['tests/temp-dir.global.ts'],
        },
      },
    ],
  },
});
