/**
 * Opening the database: embedded PGlite (a folder on disk, or in memory for tests) or a PostgreSQL server.
 * Both give the same Drizzle `Database`, run the same SQL and the same migrations.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema';

export type Schema = typeof schema;
/** A database or a transaction handle: code inside a transaction uses the handle it was given. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Engine = 'pglite' | 'postgres';

export interface DatabaseHandle {
  readonly engine: Engine;
  readonly db: Database;
  /** Where the data lives: a folder for PGlite, the server URL without its password for PostgreSQL. */
  readonly location: string;
  migrate(): Promise<void>;
  /** Runs a query to prove the database answers (used by /health/ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/** Redacts the password from a connection string so it can be shown or logged. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

export interface OpenOptions {
  /** A PostgreSQL connection string; when absent, PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite's folder; `memory://` for an in-memory database. */
  dataDir?: string | undefined;
  /** Pool size for the PostgreSQL engine. */
  poolSize?: number;
}

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  return openPglite(options.dataDir ?? './.data');
}

async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const client = new PGlite(inMemory ? undefined : dataDir);
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    engine: 'pglite',
    db,
    location: inMemory ? 'memory' : dataDir,
    migrate: () => migratePglite(drizzlePglite(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER }),
    ping: async () => {
      await client.query('select 1');
    },
    close: () => client.close(),
  };
}

async function openPostgres(url: string, poolSize: number): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // A pool error (server restarted, connection dropped) must not crash the process; queries will report it.
  pool.on('error', () => undefined);
  const db = drizzlePg(pool, { schema });
  return {
    engine: 'postgres',
    db: db as unknown as Database,
    location: redactUrl(url),
    migrate: async () => {
      // Two servers starting together must not both migrate: hold an advisory lock for the duration.
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock(727272)');
        await migratePg(drizzlePg(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await client.query('select pg_advisory_unlock(727272)').catch(() => undefined);
        client.release();
      }
    },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => pool.end(),
  };
}

/** Runs raw SQL and returns its rows; both drivers answer with `{ rows }`. */
export async function queryRows<T>(db: Database, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (result as { rows: T[] }).rows;
}

/**
 * Runs SQL whose text never changes (parameters `$1`…) as a named prepared statement, and returns its rows:
 * PostgreSQL parses and plans it once per connection instead of on every call, which matters on hot paths (a
 * booking, the bearer-token lookup). PGlite ignores the name. Each name must always go with the same text.
 * Rows come back as the driver gives them (no Drizzle mapping): timestamps and dates as text.
 */
export async function queryPrepared<T>(
  db: Database,
  name: string,
  text: string,
  params: readonly unknown[],
): Promise<T[]> {
  const result: unknown = await db._.session
    .prepareQuery({ sql: text, params: [...params] }, undefined, name, false)
    .execute();
  return (result as { rows: T[] }).rows;
}
