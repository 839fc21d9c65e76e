import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/db';
import { cookieFrom, createHarness, type Harness } from '../support/app';
import { PASSWORD } from '../support/fixtures';

describe.each(ENGINES)('staff sign-in on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(engine, { PATHFLOW_SIGN_IN_RATE_LIMIT: '1000' });
  });
  afterAll(() => h.close());

  const signIn = (username: string, password: string, extra: Record<string, string> = {}) =>
    h.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { username, password, ...extra } });

  it('signs in with a secure, HTTP-only, same-site session cookie and returns who you are', async () => {
    const res = await signIn('booking-clerk', PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'pathflow_session');
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    const body = res.json();
    expect(body.user).toMatchObject({
      username: 'booking-clerk',
      role: 'booking-clerk',
      roleLabel: 'Booking clerk',
      organisation: { odsCode: 'XT1' },
    });
    expect(body.user.permissions).toContain('Patient.read');
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(body.idleTimeoutSeconds).toBe(1800);
    const session = await h.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: { cookie: cookieFrom(res) },
    });
    expect(session.statusCode).toBe(200);
    expect(session.json().user.username).toBe('booking-clerk');
    expect(session.json().idleTimeoutSeconds).toBe(1800);
  });

  it('accepts the username in any case and with the organisation code', async () => {
    expect((await signIn('Booking-Clerk', PASSWORD)).statusCode).toBe(200);
    expect((await signIn('booking-clerk', PASSWORD, { organisation: 'xt1' })).statusCode).toBe(200);
    expect((await signIn('booking-clerk', PASSWORD, { organisation: 'XX9' })).statusCode).toBe(401);
  });

  it('refuses a wrong password and an unknown user with the same message', async () => {
    const wrong = await signIn('clinician', 'not-the-password');
    const unknown = await signIn('nobody-here', 'not-the-password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().detail).toBe(unknown.json().detail);
    expect(wrong.json()).toMatchObject({ code: 'sign_in_failed', status: 401 });
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('locks the account after 5 failures, even with the right password, until the lock expires', async () => {
    for (let i = 0; i < 5; i++)
      expect((await signIn('service-manager', 'wrong-password')).statusCode).toBe(401);
    const locked = await signIn('service-manager', PASSWORD);
    expect(locked.statusCode).toBe(423);
    expect(locked.json()).toMatchObject({ code: 'account_locked' });
    expect(locked.json().detail).toMatch(/Try again in 15 minutes/);
    h.clock.advance(15 * 60_000 + 1000);
    expect((await signIn('service-manager', PASSWORD)).statusCode).toBe(200);
  });

  it('resets the failure count after a successful sign-in', async () => {
    for (let i = 0; i < 4; i++) await signIn('team-leader', 'wrong-password');
    expect((await signIn('team-leader', PASSWORD)).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) await signIn('team-leader', 'wrong-password');
    expect((await signIn('team-leader', PASSWORD)).statusCode).toBe(200);
  });

  it('ends a session after 30 idle minutes and on sign-out', async () => {
    const s = await h.signIn('clinician');
    h.clock.advance(29 * 60_000);
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: s.read })).statusCode,
    ).toBe(200);
    h.clock.advance(29 * 60_000);
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: s.read })).statusCode,
    ).toBe(200);
    h.clock.advance(31 * 60_000);
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: s.read })).statusCode,
    ).toBe(401);

    const t = await h.signIn('clinician');
    const out = await h.app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: t.write });
    expect(out.statusCode).toBe(204);
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: t.read })).statusCode,
    ).toBe(401);
  });

  it('rejects a forged or malformed session cookie', async () => {
    for (const cookie of [
      'pathflow_session=nonsense',
      `pathflow_session=${h.fixture.orgId}.${'a'.repeat(43)}`,
    ]) {
      const res = await h.app.inject({ method: 'GET', url: '/api/v1/specialties', headers: { cookie } });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'unauthenticated' });
    }
  });
});

describe('CSRF protection for cookie sessions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('pglite');
  });
  afterAll(() => h.close());

  const patient = {
    nhsNumber: '9994445553',
    givenName: 'Carys',
    familyName: 'Jones',
    dateOfBirth: '1990-02-03',
    sex: 'female',
    address: { line1: '2 Test Road', town: 'Leeds', postcode: 'LS2 7UE' },
  };

  it('refuses a write without the x-csrf-token header, or with the wrong one, and changes nothing', async () => {
    const s = await h.signIn('booking-clerk');
    const none = await h.app.inject({
      method: 'POST',
      url: '/api/v1/patients',
      headers: s.read,
      payload: patient,
    });
    expect(none.statusCode).toBe(403);
    expect(none.json()).toMatchObject({ code: 'csrf_failed' });
    const other = await h.signIn('booking-clerk');
    const wrong = await h.app.inject({
      method: 'POST',
      url: '/api/v1/patients',
      headers: { ...s.read, 'x-csrf-token': other.csrf },
      payload: patient,
    });
    expect(wrong.statusCode).toBe(403);
    const search = await h.app.inject({
      method: 'GET',
      url: '/api/v1/patients?nhsNumber=9994445553',
      headers: s.read,
    });
    expect(search.json().patients).toEqual([]);
    const ok = await h.app.inject({
      method: 'POST',
      url: '/api/v1/patients',
      headers: s.write,
      payload: patient,
    });
    expect(ok.statusCode).toBe(201);
  });

  it('also protects sign-out', async () => {
    const s = await h.signIn('clinician');
    expect(
      (await h.app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: s.read })).statusCode,
    ).toBe(403);
  });

  it('does not apply to bearer tokens, which browsers never send by themselves', async () => {
    const token = await h.token('booking-clerk');
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/patients',
      headers: { authorization: `Bearer ${token}` },
      payload: { ...patient, nhsNumber: '9998887771' },
    });
    expect(res.statusCode).toBe(201);
  });
});

describe('sign-in rate limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('pglite', { PATHFLOW_SIGN_IN_RATE_LIMIT: '3' });
  });
  afterAll(() => h.close());

  it('answers 429 with Retry-After once a client address has tried too often', async () => {
    const attempt = () =>
      h.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { username: 'admin', password: 'wrong-password' },
      });
    for (let i = 0; i < 3; i++) expect((await attempt()).statusCode).toBe(401);
    const limited = await attempt();
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'rate_limited' });
    expect(limited.headers['retry-after']).toBeDefined();
  });
});
