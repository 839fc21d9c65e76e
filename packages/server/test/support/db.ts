/**
 * Test databases on both engines. PGlite always; a PostgreSQL server too when TEST_DATABASE_URL is set. Each
 * PostgreSQL test database is created fresh under a random name and dropped afterwards, so runs never see
 * each other's data.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type DatabaseHandle, type Engine } from '../../src/db/client';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

/** The engines this run tests against. */
export const ENGINES: Engine[] = TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase extends DatabaseHandle {
  /** Closes and (on PostgreSQL) drops the database. */
  dispose(): Promise<void>;
  /** For PostgreSQL: the test database's own URL. */
  url?: string;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty PostgreSQL database and returns its URL; `drop` removes it. */
export async function createServerDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `pathflow_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export async function createTestDatabase(
  engine: Engine,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const handle = await openDatabase({ dataDir: 'memory://' });
    if (options.migrate !== false) await handle.migrate();
    return Object.assign(handle, { dispose: () => handle.close() });
  }
  const created = await createServerDatabase();
  const handle = await openDatabase({ databaseUrl: created.url, poolSize: 5 });
  if (options.migrate !== false) await handle.migrate();
  return Object.assign(handle, {
    url: created.url,
    dispose: async () => {
      await handle.close();
      await created.drop();
    },
  });
}
