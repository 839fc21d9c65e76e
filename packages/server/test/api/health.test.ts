import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createTestDatabase, ENGINES } from '../support/db';
import { createHarness, type Harness } from '../support/app';

describe.each(ENGINES)('health on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(engine);
  });
  afterAll(() => h.close());

  it('answers /health/live and /health/ready without signing in', async () => {
    const live = await h.app.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    const ready = await h.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', database: engine });
  });

  it('sends security headers and a request id', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/health/live' });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-frame-options']).toBeDefined();
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('readiness when the database is down', () => {
  it('reports 503 with a plain problem', async () => {
    const db = await createTestDatabase('pglite');
    const app = await buildApp({ handle: db, config: loadConfig({ PATHFLOW_SEED: 'none' }) });
    await db.close();
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'unavailable', status: 503 });
    await app.close();
  });
});
