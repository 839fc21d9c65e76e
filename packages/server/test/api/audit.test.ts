import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/db';
import { createHarness, type Harness } from '../support/app';

interface Rec {
  action: string;
  actorId: string;
  actorRole: string;
  actorType: string;
  resourceType: string;
  resourceId: string | null;
  patientId: string | null;
  outcome: string;
  clientAddress: string | null;
  requestId: string | null;
  at: string;
}

describe.each(ENGINES)('audit of patient data on %s', (engine) => {
  let h: Harness;
  let audit: (query: string) => Promise<Rec[]>;
  beforeAll(async () => {
    h = await createHarness(engine);
    const admin = await h.signIn('admin');
    audit = async (query) => {
      const res = await h.app.inject({ method: 'GET', url: `/api/v1/audit?${query}`, headers: admin.read });
      expect(res.statusCode).toBe(200);
      return res.json().records as Rec[];
    };
  });
  afterAll(() => h.close());

  it('writes one row for a read of a patient record: who, role, action, record, patient, when, address, request', async () => {
    const s = await h.signIn('clinician');
    const { alice } = h.fixture.patients;
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/patients/${alice}`, headers: s.read });
    expect(res.statusCode).toBe(200);
    const rows = await audit(`patientId=${alice}&action=Patient.read`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorType: 'user',
      actorId: h.fixture.users.clinician.id,
      actorRole: 'clinician',
      action: 'Patient.read',
      resourceType: 'Patient',
      resourceId: alice,
      patientId: alice,
      outcome: 'success',
      clientAddress: '127.0.0.1',
      requestId: res.headers['x-request-id'],
      at: h.clock.now().toISOString(),
    });
  });

  it('writes a row for every patient a search returns, and none for an empty search', async () => {
    const token = await h.token('booking-clerk');
    const auth = { authorization: `Bearer ${token}` };
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/patients?family=Sam', headers: auth });
    expect(res.json().patients).toHaveLength(1);
    const rows = await audit(`patientId=${h.fixture.patients.bob}&action=Patient.search`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorType: 'client', actorRole: 'booking-clerk' });
    const before = (await audit('action=Patient.search')).length;
    await h.app.inject({ method: 'GET', url: '/api/v1/patients?family=Nobody', headers: auth });
    expect((await audit('action=Patient.search')).length).toBe(before);
  });

  it('writes a row for a new patient, and nothing when the write is refused', async () => {
    const s = await h.signIn('booking-clerk');
    const body = {
      nhsNumber: '999 000 0050',
      givenName: 'Dev',
      familyName: 'Patel',
      dateOfBirth: '2001-09-09',
      sex: 'male',
      address: { line1: '3 Test Lane', town: 'Bradford', postcode: 'bd1 1aa' },
      communicationNeeds: ['large-print'],
      interpreterLanguage: 'Gujarati',
    };
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/patients',
      headers: s.write,
      payload: body,
    });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ nhsNumber: '9990000050', address: { postcode: 'BD1 1AA' } });
    expect(res.headers.location).toBe(`/api/v1/patients/${created.id}`);
    expect(await audit(`patientId=${created.id}&action=Patient.create`)).toHaveLength(1);

    const again = await h.app.inject({
      method: 'POST',
      url: '/api/v1/patients',
      headers: s.write,
      payload: body,
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'conflict', errors: [{ field: '/body/nhsNumber' }] });
    expect(await audit(`patientId=${created.id}`)).toHaveLength(1);
  });

  it('records sign-in successes and failures', async () => {
    await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { username: 'care-coordinator', password: 'wrong-password' },
    });
    const rows = await audit(`actorId=${h.fixture.users['care-coordinator'].id}&action=auth.sign-in`);
    expect(rows[0]).toMatchObject({ outcome: 'failure', actorRole: 'care-coordinator' });
  });

  it('pages through the log with before=', async () => {
    const first = await audit('limit=2');
    expect(first).toHaveLength(2);
    const older = await audit(`limit=2&before=${(first[1] as unknown as { id: number }).id}`);
    expect((older[0] as unknown as { id: number }).id).toBeLessThan(
      (first[1] as unknown as { id: number }).id,
    );
  });
});
