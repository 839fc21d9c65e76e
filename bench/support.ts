/**
 * What the benchmarks share: throw-away databases (on the PostgreSQL server, or PGlite folders on disk), the
 * real server listening on a loopback port with a machine client's bearer token, and percentiles. Nothing here
 * is timed; each benchmark measures and prints its own figures.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildApp } from '../packages/server/src/app';
import { createClient } from '../packages/server/src/auth/clients';
import { loadConfig } from '../packages/server/src/config';
import {
  openDatabase,
  redactUrl,
  type Database,
  type DatabaseHandle,
} from '../packages/server/src/db/client';

/** The PostgreSQL server to use: TEST_DATABASE_URL, DATABASE_URL, or a local server with trust authentication. */
export function serverUrl(): string {
  return (
    process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'
  );
}

/** Databases made for one benchmark: `open` makes and opens another, `close` removes every one it made. */
export interface ScratchDatabases<H extends DatabaseHandle = DatabaseHandle> {
  open(): Promise<H>;
  close(): Promise<void>;
}

/** A database of its own on the PostgreSQL server, with its URL (for pg clients and pgbench). */
export type ServerDatabase = DatabaseHandle & { readonly url: URL };

/**
 * Throw-away databases on the PostgreSQL server, each under a random name, opened with a pool of `poolSize`
 * and dropped (WITH FORCE) by `close`. Where no server answers, the reason, ending in `skipped`.
 */
export async function scratchServer(poolSize: number): Promise<ScratchDatabases<ServerDatabase> | string> {
  const adminUrl = serverUrl();
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (e) {
    return `no PostgreSQL server reachable at ${redactUrl(adminUrl)} (${(e as Error).message}): skipped`;
  }
  const created: string[] = [];
  return {
    open: async () => {
      const name = `pathflow_bench_${randomBytes(5).toString('hex')}`;
      await admin.query(`CREATE DATABASE ${name}`);
      created.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const handle = await openDatabase({ databaseUrl: url.toString(), poolSize });
      return Object.assign(handle, { url });
    },
    close: async () => {
      for (const name of created)
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    },
  };
}

/** Throw-away PGlite databases, each in a new folder under the system's temporary folder, removed by `close`. */
export function scratchFolders(prefix: string): ScratchDatabases {
  const folders: string[] = [];
  return {
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      folders.push(dir);
      return openDatabase({ dataDir: dir });
    },
    close: async () => {
      for (const dir of folders) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens one database of `scratch` and runs `fn` on it (with `open` for any more it needs); afterwards closes that
 * database, then removes all that were made.
 */
export async function inScratch<H extends DatabaseHandle, T>(
  scratch: ScratchDatabases<H>,
  fn: (handle: H, open: () => Promise<H>) => Promise<T>,
): Promise<T> {
  try {
    const handle = await scratch.open();
    try {
      return await fn(handle, () => scratch.open());
    } finally {
      await handle.close();
    }
  } finally {
    await scratch.close();
  }
}

/**
 * The real app on a loopback port (no seed, tokens lasting an hour, its clock `now`), and a bearer
 * token for a new booking-clerk machine client of `orgId`. The caller closes the app.
 */
export async function listenWithToken(
  handle: DatabaseHandle,
  orgId: string,
  now: () => Date,
): Promise<{ app: Awaited<ReturnType<typeof buildApp>>; base: string; token: string }> {
  const config = loadConfig({ PATHFLOW_SEED: 'none', PATHFLOW_TOKEN_TTL_SECONDS: '3600' });
  const app = await buildApp({ handle, config, now });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    return { app, base, token: await machineToken(handle.db, orgId, base) };
  } catch (e) {
    await app.close();
    throw e;
  }
}

/** A bearer token from `POST /oauth2/token` (client credentials) for a new booking-clerk machine client. */
async function machineToken(db: Database, orgId: string, base: string): Promise<string> {
  const { clientId, clientSecret } = await createClient(db, { orgId, name: 'bench', role: 'booking-clerk' });
  const res = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    }),
  });
  const { access_token: token } = (await res.json()) as { access_token: string };
  return token;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** The nearest-rank percentiles of some timings (NaN where there are none). */
export function percentiles(ms: readonly number[]): Percentiles {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}
