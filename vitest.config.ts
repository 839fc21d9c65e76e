import { defineConfig } from 'vitest/config';

// One runner for the whole repository. Each package keeps its tests beside its code (`*.test.ts`);
// server integration tests live in packages/server/test and the browser tests in packages/web/e2e.
//
// The core and server tests share their worker processes between files (`isolate: false`): each file still
// builds its own app and its own database (a fresh PGlite in memory, a fresh PostgreSQL database), but the
// modules, PGlite's WebAssembly among them, are loaded once per worker rather than once per file, which takes
// about a third off the run. The browser tests keep a process per file.
//
// Two files at a time: Vitest's default is one fewer than the CPUs, so one on a 2-core machine, but most of a
// test's time is spent waiting on PostgreSQL, Chromium or a spawned command, not on its own CPU.
export default defineConfig({
  test: {
    maxWorkers: 2,
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
