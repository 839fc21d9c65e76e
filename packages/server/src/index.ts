/** The server package's public surface, for the `pathflow` command, benchmarks and end-to-end tests. */
export { buildApp, type AppDeps } from './app';
export { loadConfig, type Config } from './config';
export { openDatabase, type DatabaseHandle, type Engine } from './db/client';
