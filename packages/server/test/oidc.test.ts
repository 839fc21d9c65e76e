/**
 * Single sign-on against a fake OpenID Connect provider on 127.0.0.1: discovery, JWKS, an authorisation endpoint
 * that signs the configured person in at once, and a token endpoint that checks PKCE and issues an RS256 ID token.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, staffUsers } from '../src/db/schema';
import { OIDC_TRANSACTION_COOKIE } from '../src/auth/oidc';
import { SESSION_COOKIE } from '../src/auth/sessions';
import { ENGINES } from './support/db';
import { createHarness, type Harness } from './support/app';

const CLIENT_ID = 'pathflow-test';
const CLIENT_SECRET = 'fake-idp-client-secret-0123456789';
const REDIRECT_URI = 'http://localhost:3000/api/v1/auth/oidc/callback';

interface IdpPerson {
  sub: string;
  email?: string;
  email_verified?: boolean;
}

interface FakeIdp {
  issuer: string;
  /** Who signs in at the provider next. */
  person: IdpPerson;
  /** Answer discovery with 500 this many more times. */
  failDiscovery: number;
  /** The token endpoint authentication methods the provider advertises (and accepts). */
  authMethods: string[];
  /** Put this nonce in the next ID token instead of the right one. */
  wrongNonce: boolean;
  discoveryRequests: number;
  close(): Promise<void>;
}

async function startFakeIdp(): Promise<FakeIdp> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const codes = new Map<
    string,
    { nonce: string; challenge: string; redirectUri: string; person: IdpPerson }
  >();
  const server: FastifyInstance = Fastify();
  await server.register(formbody);
  const idp: FakeIdp = {
    issuer: '',
    person: { sub: 'nobody' },
    failDiscovery: 0,
    authMethods: ['client_secret_basic', 'client_secret_post'],
    wrongNonce: false,
    discoveryRequests: 0,
    close: () => server.close(),
  };

  server.get('/.well-known/openid-configuration', async (_request, reply) => {
    idp.discoveryRequests += 1;
    if (idp.failDiscovery > 0) {
      idp.failDiscovery -= 1;
      return reply.code(500).send({ error: 'down' });
    }
    return {
      issuer: idp.issuer,
      authorization_endpoint: `${idp.issuer}/authorize`,
      token_endpoint: `${idp.issuer}/token`,
      jwks_uri: `${idp.issuer}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: idp.authMethods,
      scopes_supported: ['openid', 'profile', 'email'],
    };
  });
  server.get('/jwks', async () => ({ keys: [jwk] }));
  server.get('/authorize', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const ok =
      q.client_id === CLIENT_ID &&
      q.response_type === 'code' &&
      q.redirect_uri === REDIRECT_URI &&
      q.code_challenge_method === 'S256' &&
      typeof q.code_challenge === 'string' &&
      typeof q.nonce === 'string' &&
      typeof q.state === 'string' &&
      (q.scope ?? '').split(' ').includes('openid');
    if (!ok) return reply.code(400).send({ error: 'invalid_request' });
    const code = randomBytes(16).toString('hex');
    codes.set(code, {
      nonce: q.nonce!,
      challenge: q.code_challenge!,
      redirectUri: q.redirect_uri!,
      person: idp.person,
    });
    const back = new URL(q.redirect_uri!);
    back.searchParams.set('code', code);
    back.searchParams.set('state', q.state!);
    return reply.redirect(back.href, 302);
  });
  server.post('/token', async (request, reply) => {
    const body = request.body as Record<string, string | undefined>;
    // RFC 6749 §2.3.1: the id and secret are form-encoded before base64.
    const basic = request.headers.authorization?.startsWith('Basic ')
      ? Buffer.from(request.headers.authorization.slice(6), 'base64')
          .toString('utf8')
          .split(':')
          .map((part) => decodeURIComponent(part.replaceAll('+', ' ')))
      : undefined;
    const clientOk = basic
      ? idp.authMethods.includes('client_secret_basic') &&
        basic[0] === CLIENT_ID &&
        basic[1] === CLIENT_SECRET
      : idp.authMethods.includes('client_secret_post') &&
        body.client_id === CLIENT_ID &&
        body.client_secret === CLIENT_SECRET;
    if (!clientOk) return reply.code(401).send({ error: 'invalid_client' });
    const grant = body.code ? codes.get(body.code) : undefined;
    if (body.code) codes.delete(body.code);
    const challenge = createHash('sha256')
      .update(body.code_verifier ?? '')
      .digest('base64url');
    if (
      body.grant_type !== 'authorization_code' ||
      !grant ||
      grant.redirectUri !== body.redirect_uri ||
      grant.challenge !== challenge
    ) {
      return reply.code(400).send({ error: 'invalid_grant', error_description: 'secret provider detail' });
    }
    const idToken = await new SignJWT({
      ...grant.person,
      nonce: idp.wrongNonce ? 'not-the-nonce' : grant.nonce,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuer(idp.issuer)
      .setAudience(CLIENT_ID)
      .setSubject(grant.person.sub)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    return {
      access_token: randomBytes(16).toString('hex'),
      token_type: 'Bearer',
      expires_in: 300,
      id_token: idToken,
    };
  });

  const address = await server.listen({ host: '127.0.0.1', port: 0 });
  idp.issuer = address.replace('localhost', '127.0.0.1');
  return idp;
}

const oidcEnv = (issuer: string): Record<string, string> => ({
  PATHFLOW_OIDC_ISSUER: issuer,
  PATHFLOW_OIDC_CLIENT_ID: CLIENT_ID,
  PATHFLOW_OIDC_CLIENT_SECRET: CLIENT_SECRET,
  PATHFLOW_OIDC_REDIRECT_URI: REDIRECT_URI,
  PATHFLOW_OIDC_ALLOW_HTTP: 'true',
  // These tests sign in more often than a person would.
  PATHFLOW_SIGN_IN_RATE_LIMIT: '1000',
});

interface Started {
  transactionCookie: string;
  /** The query string the provider sent the browser back with. */
  callbackQuery: string;
}

describe.each(ENGINES)('OpenID Connect sign-in on %s', (engine) => {
  let idp: FakeIdp;
  let h: Harness;

  beforeAll(async () => {
    idp = await startFakeIdp();
    h = await createHarness(engine, oidcEnv(idp.issuer));
  });
  afterAll(async () => {
    await h?.close();
    await idp?.close();
  });
  beforeEach(() => {
    idp.wrongNonce = false;
    idp.failDiscovery = 0;
  });

  /** GET login, then follow the provider's redirect as a browser would, stopping before the callback. */
  async function startLogin(harness = h, provider = idp): Promise<Started> {
    const login = await harness.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/login' });
    expect(login.statusCode).toBe(302);
    const cookie = login.cookies.find((c) => c.name === OIDC_TRANSACTION_COOKIE);
    expect(cookie).toBeDefined();
    const location = String(login.headers.location);
    expect(location.startsWith(`${provider.issuer}/authorize?`)).toBe(true);
    const atIdp = await fetch(location, { redirect: 'manual' });
    expect(atIdp.status).toBe(302);
    const back = new URL(atIdp.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
    return { transactionCookie: cookie!.value, callbackQuery: back.search.slice(1) };
  }

  async function callback(
    started: Started,
    overrides: { query?: string; cookie?: string | null } = {},
    harness = h,
  ) {
    const cookie = overrides.cookie === undefined ? started.transactionCookie : overrides.cookie;
    return harness.app.inject({
      method: 'GET',
      url: `/api/v1/auth/oidc/callback?${overrides.query ?? started.callbackQuery}`,
      headers: cookie === null ? {} : { cookie: `${OIDC_TRANSACTION_COOKIE}=${cookie}` },
    });
  }

  async function setUser(username: string, values: Partial<typeof staffUsers.$inferInsert>) {
    await h.db.db
      .update(staffUsers)
      .set(values)
      .where(and(eq(staffUsers.orgId, h.fixture.orgId), eq(staffUsers.username, username)));
  }

  async function userRow(username: string) {
    const [row] = await h.db.db
      .select()
      .from(staffUsers)
      .where(and(eq(staffUsers.orgId, h.fixture.orgId), eq(staffUsers.username, username)));
    return row!;
  }

  function expectRefused(res: Awaited<ReturnType<typeof callback>>, detail?: string) {
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json<{ code: string; detail: string }>();
    expect(body.code).toBe('oidc_failed');
    if (detail) expect(body.detail).toBe(detail);
    expect(res.body).not.toContain('secret provider detail');
    expect(res.cookies.find((c) => c.name === SESSION_COOKIE)).toBeUndefined();
    return body;
  }

  it('reports the provider and its login URL', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/auth/providers' });
    expect(res.json()).toMatchObject({ password: true, oidc: { loginUrl: '/api/v1/auth/oidc/login' } });
  });

  it('redirects to the provider with PKCE, state and nonce, and keeps them in a short-lived Lax cookie', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/login' });
    expect(res.statusCode).toBe(302);
    const url = new URL(String(res.headers.location));
    expect(url.searchParams.get('scope')).toBe('openid profile email');
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    for (const p of ['state', 'nonce', 'code_challenge'])
      expect(url.searchParams.get(p)?.length).toBeGreaterThan(20);
    const cookie = res.cookies.find((c) => c.name === OIDC_TRANSACTION_COOKIE)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/v1/auth/oidc', maxAge: 600 });
    // Sealed: the state, nonce and verifier are not readable from the cookie.
    expect(cookie.value).not.toContain(url.searchParams.get('state')!);
    expect(Buffer.from(cookie.value, 'base64url').toString('latin1')).not.toContain(
      url.searchParams.get('state')!,
    );
  });

  it('signs a linked member of staff in with a session, records it and redirects to the app', async () => {
    await setUser('booking-clerk', { oidcSubject: 'sub-clerk' });
    idp.person = { sub: 'sub-clerk', email: 'someone-else@example.nhs.uk' };
    const res = await callback(await startLogin());
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/');
    const session = res.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(session).toBeDefined();
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    // The transaction cookie is spent.
    const spent = res.cookies.find((c) => c.name === OIDC_TRANSACTION_COOKIE);
    expect(spent?.value).toBe('');

    const info = await h.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: { cookie: `${SESSION_COOKIE}=${session!.value}` },
    });
    expect(info.statusCode).toBe(200);
    expect(info.json()).toMatchObject({
      user: { id: h.fixture.users['booking-clerk'].id, username: 'booking-clerk', role: 'booking-clerk' },
    });
    const rows = await h.db.db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.orgId, h.fixture.orgId), eq(auditLog.actorId, h.fixture.users['booking-clerk'].id)),
      );
    const signIn = rows.find((r) => r.action === 'auth.sign-in');
    expect(signIn).toMatchObject({
      outcome: 'success',
      resourceType: 'StaffUser',
      detail: { method: 'oidc' },
    });
  });

  it('links the subject to the one active user with that email (case-insensitive), then finds them by subject', async () => {
    await setUser('flow-coordinator', { email: 'Flow.Coordinator@Trust.NHS.uk', oidcSubject: null });
    idp.person = { sub: 'sub-flow', email: 'flow.coordinator@trust.nhs.uk' };
    const first = await callback(await startLogin());
    expect(first.statusCode).toBe(302);
    expect((await userRow('flow-coordinator')).oidcSubject).toBe('sub-flow');
    const [linked] = await h.db.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.actorId, h.fixture.users['flow-coordinator'].id),
          eq(auditLog.action, 'auth.sign-in'),
        ),
      );
    expect(linked?.detail).toEqual({ method: 'oidc', linked: true });

    // Next time the subject alone is enough, even if the email changed at the provider.
    idp.person = { sub: 'sub-flow', email: 'new.address@trust.nhs.uk' };
    const again = await callback(await startLogin());
    expect(again.statusCode).toBe(302);
    expect(again.cookies.find((c) => c.name === SESSION_COOKIE)).toBeDefined();
  });

  it('refuses someone who is not set up, in plain words', async () => {
    idp.person = { sub: 'sub-stranger', email: 'stranger@example.com' };
    const res = await callback(await startLogin());
    expectRefused(res, 'Your account is not set up in Pathflow. Ask an administrator.');
  });

  it('does not link by email when two active users share it, when the email is unverified, or is linked elsewhere', async () => {
    await setUser('clinician', { email: 'shared@trust.nhs.uk', oidcSubject: null });
    await setUser('team-leader', { email: 'shared@trust.nhs.uk', oidcSubject: null });
    idp.person = { sub: 'sub-shared', email: 'shared@trust.nhs.uk' };
    expectRefused(
      await callback(await startLogin()),
      'Your account is not set up in Pathflow. Ask an administrator.',
    );
    expect((await userRow('clinician')).oidcSubject).toBeNull();

    await setUser('team-leader', { email: null });
    idp.person = { sub: 'sub-shared', email: 'shared@trust.nhs.uk', email_verified: false };
    expectRefused(await callback(await startLogin()));
    expect((await userRow('clinician')).oidcSubject).toBeNull();

    await setUser('clinician', { oidcSubject: 'sub-someone-else' });
    idp.person = { sub: 'sub-shared', email: 'shared@trust.nhs.uk', email_verified: true };
    expectRefused(await callback(await startLogin()));
    expect((await userRow('clinician')).oidcSubject).toBe('sub-someone-else');
  });

  it('refuses a disabled user and records the refusal', async () => {
    await setUser('service-manager', { oidcSubject: 'sub-service-manager', active: false });
    idp.person = { sub: 'sub-service-manager' };
    expectRefused(await callback(await startLogin()));
    const rows = await h.db.db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.actorId, h.fixture.users['service-manager'].id), eq(auditLog.action, 'auth.sign-in')),
      );
    expect(rows.at(-1)).toMatchObject({ outcome: 'denied', detail: { method: 'oidc', reason: 'inactive' } });
    await setUser('service-manager', { active: true });
  });

  it('refuses a callback whose state does not match the transaction', async () => {
    await setUser('admin', { oidcSubject: 'sub-admin' });
    idp.person = { sub: 'sub-admin' };
    const started = await startLogin();
    const query = new URLSearchParams(started.callbackQuery);
    query.set('state', 'forged-state');
    expectRefused(await callback(started, { query: query.toString() }));
  });

  it('sends a person in a browser back to the sign-in page when refused, with no session', async () => {
    idp.person = { sub: 'sub-nobody-knows' };
    const started = await startLogin();
    const res = await h.app.inject({
      method: 'GET',
      url: `/api/v1/auth/oidc/callback?${started.callbackQuery}`,
      headers: { cookie: `${OIDC_TRANSACTION_COOKIE}=${started.transactionCookie}`, accept: 'text/html,*/*' },
    });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/sign-in?sso=failed');
    expect(res.cookies.find((c) => c.name === 'pathflow_session')).toBeUndefined();
  });

  it("refuses a callback carrying another sign-in's cookie, no cookie, or a tampered cookie", async () => {
    idp.person = { sub: 'sub-admin' };
    const mine = await startLogin();
    const theirs = await startLogin();
    expectRefused(await callback(mine, { cookie: theirs.transactionCookie }));
    expectRefused(await callback(mine, { cookie: null }));
    const raw = Buffer.from(mine.transactionCookie, 'base64url');
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
    expectRefused(await callback(mine, { cookie: raw.toString('base64url') }));
  });

  it('refuses a sign-in that took longer than ten minutes', async () => {
    idp.person = { sub: 'sub-admin' };
    const started = await startLogin();
    h.clock.advance(10 * 60_000 + 1000);
    expectRefused(await callback(started));
  });

  it('refuses an ID token with the wrong nonce and a provider error, without leaking provider detail', async () => {
    idp.person = { sub: 'sub-admin' };
    idp.wrongNonce = true;
    expectRefused(await callback(await startLogin()));
    idp.wrongNonce = false;

    const started = await startLogin();
    const state = new URLSearchParams(started.callbackQuery).get('state')!;
    const denied = new URLSearchParams({
      error: 'access_denied',
      error_description: 'secret provider detail',
      state,
    });
    expectRefused(await callback(started, { query: denied.toString() }));

    // A code used twice is refused by the provider.
    const once = await startLogin();
    expect((await callback(once)).statusCode).toBe(302);
    expectRefused(await callback(once));
  });

  it('answers 503 while the provider cannot be reached, then discovers it and signs in with client_secret_post', async () => {
    const other = await startFakeIdp();
    other.authMethods = ['client_secret_post'];
    const h2 = await createHarness(engine, oidcEnv(other.issuer));
    try {
      other.failDiscovery = 1;
      const down = await h2.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/login' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ code: 'unavailable' });
      const up = await h2.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/login' });
      expect(up.statusCode).toBe(302);
      const again = await h2.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/login' });
      expect(again.statusCode).toBe(302);
      // Discovered once, then cached.
      expect(other.discoveryRequests).toBe(2);

      await h2.db.db
        .update(staffUsers)
        .set({ oidcSubject: 'sub-post' })
        .where(and(eq(staffUsers.orgId, h2.fixture.orgId), eq(staffUsers.username, 'clinician')));
      other.person = { sub: 'sub-post' };
      const res = await callback(await startLogin(h2, other), {}, h2);
      expect(res.statusCode).toBe(302);
      expect(res.cookies.find((c) => c.name === SESSION_COOKIE)).toBeDefined();
    } finally {
      await h2.close();
      await other.close();
    }
  });
});

describe('OpenID Connect when not configured', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('pglite');
  });
  afterAll(() => h?.close());

  it('answers 404 oidc_not_configured on both routes, and the provider list says so', async () => {
    for (const url of ['/api/v1/auth/oidc/login', '/api/v1/auth/oidc/callback?code=x&state=y']) {
      const res = await h.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'oidc_not_configured' });
    }
    const providers = await h.app.inject({ method: 'GET', url: '/api/v1/auth/providers' });
    expect(providers.json()).toMatchObject({ oidc: null });
  });
});
