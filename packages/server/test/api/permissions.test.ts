/**
 * The permission matrix, route by route: each role gets what its work needs and is refused the rest, whether it
 * signs in (cookie session) or calls as a machine client (bearer token). The expectations are written out by
 * hand here, not derived from the matrix in core, so a change to the matrix has to be made twice on purpose.
 */
import { ROLES, nhsNumberFromStem, type Role } from '@pathflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/db';
import { createHarness, type Harness } from '../support/app';

interface Case {
  method: 'GET' | 'POST';
  route: string;
  url: (h: Harness, n: number) => string;
  payload?: (n: number) => unknown;
  allowed: Role[] | 'all';
}

const CASES: Case[] = [
  { method: 'GET', route: '/api/v1/auth/session', url: () => '/api/v1/auth/session', allowed: 'all' },
  {
    method: 'GET',
    route: '/api/v1/specialties',
    url: () => '/api/v1/specialties',
    allowed: ['booking-clerk', 'team-leader', 'clinician', 'service-manager'],
  },
  {
    method: 'GET',
    route: '/api/v1/patients/:id',
    url: (h) => `/api/v1/patients/${h.fixture.patients.alice}`,
    allowed: ['booking-clerk', 'team-leader', 'clinician', 'service-manager', 'care-coordinator'],
  },
  {
    method: 'GET',
    route: '/api/v1/patients',
    url: () => '/api/v1/patients?nhsNumber=9990000018',
    allowed: ['booking-clerk', 'team-leader', 'clinician', 'service-manager', 'care-coordinator'],
  },
  {
    method: 'POST',
    route: '/api/v1/patients',
    url: () => '/api/v1/patients',
    payload: (n) => ({
      nhsNumber: freshNhsNumber(n),
      givenName: 'Test',
      familyName: 'Person',
      dateOfBirth: '1980-01-01',
      sex: 'unknown',
      address: { line1: '1 Road', town: 'Leeds', postcode: 'LS1 1AA' },
    }),
    allowed: ['booking-clerk', 'team-leader', 'care-coordinator'],
  },
  {
    method: 'GET',
    route: '/api/v1/users',
    url: () => '/api/v1/users',
    allowed: ['team-leader', 'service-manager', 'admin'],
  },
  {
    method: 'POST',
    route: '/api/v1/users',
    url: () => '/api/v1/users',
    payload: (n) => ({
      username: `new.user${n}`,
      displayName: 'New User',
      role: 'clinician',
      password: 'A-long-password-1',
    }),
    allowed: ['admin'],
  },
  {
    method: 'GET',
    route: '/api/v1/ptl',
    url: () => '/api/v1/ptl?limit=5',
    allowed: ['booking-clerk', 'team-leader', 'clinician', 'service-manager'],
  },
  {
    method: 'GET',
    route: '/api/v1/ptl/summary',
    url: () => '/api/v1/ptl/summary',
    allowed: ['booking-clerk', 'team-leader', 'clinician', 'service-manager'],
  },
  {
    method: 'GET',
    route: '/api/v1/ptl/export',
    url: () => '/api/v1/ptl/export?format=csv',
    allowed: ['booking-clerk', 'team-leader', 'clinician', 'service-manager'],
  },
  {
    method: 'GET',
    route: '/api/v1/pathways/:id',
    url: (h) => `/api/v1/pathways/${h.fixture.pathways.bobEnt}`,
    allowed: ['booking-clerk', 'team-leader', 'clinician', 'service-manager'],
  },
  {
    method: 'POST',
    route: '/api/v1/pathways/:id/rtt-events',
    url: (h) => `/api/v1/pathways/${h.fixture.pathways.bobEnt}/rtt-events`,
    payload: () => ({ date: '2026-11-02', code: '20' }),
    allowed: ['booking-clerk', 'team-leader', 'clinician'],
  },
  { method: 'GET', route: '/api/v1/audit', url: () => '/api/v1/audit', allowed: ['admin'] },
  {
    method: 'POST',
    route: '/api/v1/rtt/evaluate',
    url: () => '/api/v1/rtt/evaluate',
    payload: () => ({ priority: 'routine', referralReceived: '2025-01-06', events: [], asOf: '2025-03-31' }),
    allowed: ['booking-clerk', 'team-leader', 'clinician', 'service-manager'],
  },
];

/** Routes anyone may call: sign-in and its helpers, the token endpoint, health probes and the API description. */
const PUBLIC_ROUTES = [
  'GET /health/live',
  'GET /health/ready',
  'POST /oauth2/token',
  'GET /api/v1/auth/providers',
  'POST /api/v1/auth/sign-in',
  'GET /api/v1/auth/oidc/login',
  'GET /api/v1/auth/oidc/callback',
  'GET /api/v1/openapi.json',
];

/** A valid test-range NHS number, different for each n. */
function freshNhsNumber(n: number): string {
  for (let stem = 999_100_000 + n * 2; ; stem++) {
    const nhs = nhsNumberFromStem(String(stem));
    if (nhs) return nhs;
  }
}

describe.each(ENGINES)('permission matrix on %s', (engine) => {
  let h: Harness;
  let n = 0;
  beforeAll(async () => {
    h = await createHarness(engine);
  });
  afterAll(() => h.close());

  it('covers every data route the app serves, and nothing else is public', () => {
    const tested = new Set(CASES.map((c) => `${c.method} ${c.route}`));
    for (const r of h.app.routeCatalogue) {
      const key = `${r.method} ${r.url}`;
      if (r.auth === 'public') expect(PUBLIC_ROUTES, `${key} is public`).toContain(key);
      else if (key !== 'POST /api/v1/auth/sign-out')
        expect([...tested], `${key} has no permission test`).toContain(key);
    }
  });

  const nextPayload = (c: Case) => {
    n += 1;
    return c.payload?.(n);
  };

  for (const role of ROLES) {
    it(`${role}: allowed exactly its routes, signed in and as a machine client`, async () => {
      const session = await h.signIn(role);
      const token = await h.token(role);
      for (const c of CASES) {
        const allowed = c.allowed === 'all' || c.allowed.includes(role);
        for (const [how, headers] of [
          ['cookie', c.method === 'GET' ? session.read : session.write],
          ['token', { authorization: `Bearer ${token}` }],
        ] as const) {
          if (how === 'token' && c.route === '/api/v1/auth/session') continue;
          const res = await h.app.inject({
            method: c.method,
            url: c.url(h, n),
            headers,
            payload: nextPayload(c) as object,
          });
          const label = `${role} ${how} ${c.method} ${c.route} -> ${res.statusCode} ${res.body.slice(0, 200)}`;
          if (allowed) expect(res.statusCode, label).toBeLessThan(300);
          else {
            expect(res.statusCode, label).toBe(403);
            expect(res.json().code, label).toBe('forbidden');
          }
        }
      }
    });
  }

  it('refuses every data route without credentials', async () => {
    for (const c of CASES) {
      const res = await h.app.inject({
        method: c.method,
        url: c.url(h, 0),
        payload: c.payload?.(0) as object,
      });
      expect(res.statusCode, `${c.method} ${c.route}`).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('records each refusal in the audit log', async () => {
    const s = await h.signIn('flow-coordinator');
    await h.app.inject({
      method: 'GET',
      url: `/api/v1/patients/${h.fixture.patients.alice}`,
      headers: s.read,
    });
    const admin = await h.signIn('admin');
    const res = await h.app.inject({
      method: 'GET',
      url: '/api/v1/audit?action=access.denied',
      headers: admin.read,
    });
    const denied = res
      .json()
      .records.filter((r: { actorRole: string }) => r.actorRole === 'flow-coordinator');
    expect(denied.length).toBeGreaterThan(0);
    expect(denied[0]).toMatchObject({ outcome: 'denied', resourceType: 'Patient' });
  });
});
