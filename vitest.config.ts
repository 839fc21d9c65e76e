import { defineConfig } from 'vitest/config';

// One runner for the whole repository. Each package keeps its tests beside its code (`*.test.ts`);
// server integration tests live in packages/server/test and the browser tests in packages/web/e2e.
//
// The core and server tests share their worker processes between files (`isolate: false`): each file still
// builds its own app and its own database (a fresh PGlite in memory, a fresh PostgreSQL database), but the
// modules, PGlite's WebAssembly among them, are loaded once per worker rather than once per file, which takes
// about a third off the run. The browser tests keep a process per file.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'core-and-server',
          include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: 'browser', include: ['packages/web/e2e/**/*.test.ts'] },
      },
    ],
  },
});
