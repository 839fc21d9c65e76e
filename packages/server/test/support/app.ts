/** Builds the app on a test database with a controllable clock, and signs staff in through the real API. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import type { Role } from '@pathflow/core';
import { buildApp } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { createClient } from '../../src/auth/clients';
import { SESSION_COOKIE } from '../../src/auth/sessions';
import { createTestDatabase, type TestDatabase } from './db';
import { PASSWORD, seedFixture, type Fixture } from './fixtures';
import type { Engine } from '../../src/db/client';

export interface TestClock {
  now: () => Date;
  set(iso: string): void;
  advance(ms: number): void;
}

export function testClock(start = '2026-11-23T09:00:00Z'): TestClock {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (iso) => {
      t = new Date(iso).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof buildApp>>;

export interface Harness {
  app: TestApp;
  db: TestDatabase;
  fixture: Fixture;
  clock: TestClock;
  config: Config;
  signIn(role: Role): Promise<Session>;
  token(role: Role, scope?: string): Promise<string>;
  close(): Promise<void>;
}

export interface Session {
  cookie: string;
  csrf: string;
  /** Headers for a read, and for a write (with the CSRF header). */
  read: Record<string, string>;
  write: Record<string, string>;
}

export function cookieFrom(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
  if (!c) throw new Error(`no session cookie in response ${res.statusCode} ${res.body}`);
  return `${SESSION_COOKIE}=${c.value}`;
}

export async function createHarness(
  engine: Engine,
  overrides: Record<string, string> = {},
): Promise<Harness> {
  const db = await createTestDatabase(engine);
  const fixture = await seedFixture(db.db);
  const clock = testClock();
  // Letters and print batches go to a folder of this harness's own, removed when it closes: never the checkout's.
  const letters = mkdtempSync(join(tmpdir(), 'pathflow-test-letters-'));
  const config = loadConfig({ PATHFLOW_SEED: 'none', PATHFLOW_LETTERS_DIR: letters, ...overrides });
  const app = await buildApp({ handle: db, config, now: clock.now });
  await app.ready();
  const signIn = async (role: Role): Promise<Session> => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { username: fixture.users[role].username, password: PASSWORD },
    });
    if (res.statusCode !== 200) throw new Error(`sign-in as ${role} failed: ${res.statusCode} ${res.body}`);
    const cookie = cookieFrom(res);
    const csrf = res.json<{ csrfToken: string }>().csrfToken;
    return { cookie, csrf, read: { cookie }, write: { cookie, 'x-csrf-token': csrf } };
  };
  const token = async (role: Role, scope?: string): Promise<string> => {
    const { clientId, clientSecret } = await createClient(db.db, {
      orgId: fixture.orgId,
      name: `client ${role}`,
      role,
    });
    const res = await app.inject({
      method: 'POST',
      url: '/oauth2/token',
      payload: {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        ...(scope ? { scope } : {}),
      },
    });
    if (res.statusCode !== 200) throw new Error(`token for ${role} failed: ${res.statusCode} ${res.body}`);
    return res.json<{ access_token: string }>().access_token;
  };
  return {
    app,
    db,
    fixture,
    clock,
    config,
    signIn,
    token,
    close: async () => {
      await app.close();
      await db.dispose();
      rmSync(letters, { recursive: true, force: true });
    },
  };
}
