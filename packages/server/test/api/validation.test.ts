/** Bad input on every route: a clear problem naming the field, never a 500, never database or stack text. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';

const validPatient = {
  nhsNumber: '9990000018',
  givenName: 'Eve',
  familyName: 'Example',
  dateOfBirth: '1999-12-31',
  sex: 'female',
  address: { line1: '9 Test Row', town: 'York', postcode: 'YO1 7HH' },
};

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
  field?: string,
) {
  expect(res.statusCode, res.body).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const body = JSON.parse(res.body);
  expect(body).toMatchObject({
    status,
    type: expect.stringContaining('/problems/'),
    title: expect.any(String),
    detail: expect.any(String),
  });
  expect(res.body).not.toMatch(/select |insert |relation |syntax error|at .*\.ts:\d+|node_modules/i);
  if (field) expect(body.errors.map((e: { field: string }) => e.field)).toContain(field);
  return body;
}

describe.each(ENGINES)('bad input on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let admin: Session;
  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = await h.signIn('booking-clerk');
    admin = await h.signIn('admin');
  });
  afterAll(() => h.close());

  const post = (url: string, payload: unknown, s: Session = clerk) =>
    h.app.inject({ method: 'POST', url, headers: s.write, payload: payload as object });
  const get = (url: string, s: Session = clerk) => h.app.inject({ method: 'GET', url, headers: s.read });

  it.each([
    ['an invalid NHS number', { ...validPatient, nhsNumber: '9434765918' }, '/body/nhsNumber', /check digit/],
    [
      'an NHS number of the wrong length',
      { ...validPatient, nhsNumber: '12345678901' },
      '/body/nhsNumber',
      /10 digits/,
    ],
    ['a missing family name', { ...validPatient, familyName: undefined }, '/body/familyName', /required/],
    [
      'an impossible date of birth',
      { ...validPatient, dateOfBirth: '1999-02-30' },
      '/body/dateOfBirth',
      /format/,
    ],
    [
      'a date of birth in the future',
      { ...validPatient, dateOfBirth: '2030-01-01' },
      '/body/dateOfBirth',
      /past/,
    ],
    ['an unknown sex', { ...validPatient, sex: 'x' }, '/body/sex', /./],
    [
      'a bad postcode',
      { ...validPatient, address: { ...validPatient.address, postcode: 'NOT A PC' } },
      '/body/address/postcode',
      /postcode/,
    ],
    [
      'an unknown field',
      { ...validPatient, favouriteColour: 'blue' },
      '/body/favouriteColour',
      /not an allowed field/,
    ],
    [
      'an unknown communication need',
      { ...validPatient, communicationNeeds: ['telepathy'] },
      '/body/communicationNeeds/0',
      /./,
    ],
  ])('POST /patients with %s', async (_name, payload, field, message) => {
    const [before] = await queryRows<{ n: number }>(h.db.db, sql`select count(*)::int as n from patients`);
    const body = expectProblem(await post('/api/v1/patients', payload), 400, field);
    expect(body.code).toBe('validation_failed');
    expect(JSON.stringify(body.errors)).toMatch(message);
    const [after] = await queryRows<{ n: number }>(h.db.db, sql`select count(*)::int as n from patients`);
    expect(after).toEqual(before);
  });

  it.each([
    ['/api/v1/patients/not-a-uuid', '/params/id'],
    ['/api/v1/patients?nhsNumber=12', '/query/nhsNumber'],
    ['/api/v1/patients?birthDate=31-12-1999', '/query/birthDate'],
    ['/api/v1/patients?limit=0', '/query/limit'],
    ['/api/v1/patients?limit=abc', '/query/limit'],
    ['/api/v1/patients', '/query'],
  ])('GET %s', async (url, field) => {
    expectProblem(await get(url), 400, field);
  });

  it('GET a patient that does not exist is 404', async () => {
    expectProblem(await get('/api/v1/patients/00000000-0000-4000-8000-000000000000'), 404);
  });

  it.each([
    ['/api/v1/audit?limit=100000', '/query/limit'],
    ['/api/v1/audit?patientId=123', '/query/patientId'],
    ['/api/v1/audit?from=yesterday', '/query/from'],
    ['/api/v1/audit?from=2026-11-23T10:00:00Z&to=2026-11-22T10:00:00Z', '/query/to'],
  ])('GET %s (admin)', async (url, field) => {
    expectProblem(await get(url, admin), 400, field);
  });

  it.each([
    [{ username: 'x', displayName: 'X', role: 'clinician', password: 'A-long-password-1' }, '/body/username'],
    [
      { username: 'new.person', displayName: 'X', role: 'wizard', password: 'A-long-password-1' },
      '/body/role',
    ],
    [{ username: 'new.person', displayName: 'X', role: 'clinician', password: 'short' }, '/body/password'],
    [
      { username: 'new person!', displayName: 'X', role: 'clinician', password: 'A-long-password-1' },
      '/body/username',
    ],
  ])('POST /users with %j', async (payload, field) => {
    expectProblem(await post('/api/v1/users', payload, admin), 400, field);
  });

  it('POST /users with an existing username is 409', async () => {
    const payload = {
      username: 'clinician',
      displayName: 'X',
      role: 'clinician',
      password: 'A-long-password-1',
    };
    expectProblem(await post('/api/v1/users', payload, admin), 409);
  });

  it.each([
    [{}, '/body/username'],
    [{ username: 'a' }, '/body/password'],
    [{ username: 'a', password: 'b', extra: 1 }, '/body/extra'],
    [{ username: 'a', password: 'b', organisation: 'x y' }, '/body/organisation'],
  ])('POST /auth/sign-in with %j', async (payload, field) => {
    expectProblem(await h.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload }), 400, field);
  });

  it('malformed JSON, a wrong content type and an oversized body are 4xx problems', async () => {
    const bad = await h.app.inject({
      method: 'POST',
      url: '/api/v1/patients',
      headers: { ...clerk.write, 'content-type': 'application/json' },
      payload: '{"nhsNumber": ',
    });
    expectProblem(bad, 400);
    const xml = await h.app.inject({
      method: 'POST',
      url: '/api/v1/patients',
      headers: { ...clerk.write, 'content-type': 'application/xml' },
      payload: '<patient/>',
    });
    expectProblem(xml, 415);
    const big = await h.app.inject({
      method: 'POST',
      url: '/api/v1/patients',
      headers: { ...clerk.write, 'content-type': 'application/json' },
      payload: JSON.stringify({ ...validPatient, givenName: 'x'.repeat(2_000_000) }),
    });
    expectProblem(big, 413);
  });

  it('an unknown API route is a 404 problem', async () => {
    expectProblem(await get('/api/v1/nothing-here'), 404);
    expectProblem(
      await h.app.inject({ method: 'DELETE', url: '/api/v1/specialties', headers: clerk.write }),
      404,
    );
  });
});

describe('an unexpected database failure', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('pglite');
  });
  afterAll(() => h.close());

  it('is a 500 problem with a reference and no database text', async () => {
    const s = await h.signIn('booking-clerk');
    await h.db.db.execute(sql`alter table patients rename to patients_gone`);
    const res = await h.app.inject({
      method: 'GET',
      url: `/api/v1/patients/${h.fixture.patients.alice}`,
      headers: s.read,
    });
    const body = expectProblem(res, 500);
    expect(body.code).toBe('internal_error');
    expect(body.detail).toContain(res.headers['x-request-id']);
    expect(body.detail).not.toMatch(/patients|9990000018|drizzle|postgres/i);
    expect(res.body).not.toMatch(/patients_gone|relation|9990000018|drizzle|postgres/i);
  });
});
