import { defineConfig } from 'vitest/config';

// One runner for the whole repository. Each package keeps its tests beside its code (`*.test.ts`);
// server integration tests live in packages/server/test and the browser tests in packages/web/e2e.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'packages/web/e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
