// The entry point of a forecast worker thread (workers.ts). A worker thread does not share the loader of the
// thread that started it: under `pathflow start` (tsx registered by bin/pathflow.mjs, ADR 0002) and under vitest
// (vite-node transforms modules in its own thread only) a worker given a .ts file cannot load it. So the entry is
// plain JavaScript: it registers tsx in this thread, then imports the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./forecast-worker.ts');
