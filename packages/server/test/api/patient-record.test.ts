/**
 * The patient record's reads: a patient's pathways with their clocks today and booked appointments, and their
 * appointments with clinic, clinician, place and support requested. Both audited as reads of the patient's
 * record, scoped to the caller's organisation, and 404 for a patient not found.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, patients } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { cookieFrom, createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';
import { PASSWORD, seedFixture, type Fixture } from '../support/fixtures';

describe.each(ENGINES)('the patient record on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinic: TestClinic;
  let other: Fixture;

  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = await h.signIn('booking-clerk');
    clinic = await createTestClinic(h, 999_810_000);
    other = await seedFixture(h.db.db, 'XT2');
  });
  afterAll(() => h.close());

  const get = (url: string, s: Session = clerk) =>
    h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: s.read });
  const post = (url: string, payload: object) =>
    h.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: clerk.write, payload });
  const auditOf = (patientId: string) =>
    h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.patientId, patientId), eq(auditLog.action, 'Patient.read')));

  it("lists a patient's pathways, open first, with the wait today and the 18-week breach date, and audits the read", async () => {
    const alice = h.fixture.patients.alice;
    const res = await get(`/patients/${alice}/pathways`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.asOf).toBe('2026-11-23');
    expect(body.pathways).toHaveLength(2);
    const [open, closed] = body.pathways;
    expect(open).toEqual({
      id: h.fixture.pathways.aliceOrthopaedics,
      ppid: 'XT1PPID000001',
      specialty: { code: '110', name: 'Trauma and orthopaedics' },
      clinician: { id: expect.any(String), name: 'Ms Ada Surgeon' },
      priority: 'routine',
      clockStart: '2026-09-01',
      status: 'open',
      clockRunning: true,
      // 1 September to 23 November: 83 days, 11 whole weeks; over 18 weeks from 6 January 2027.
      waiting: {
        since: '2026-09-01',
        daysWaited: 83,
        weeksWaited: 11,
        weekBand: 12,
        breachDate: '2027-01-06',
        over18Weeks: false,
      },
      bookedAppointment: null,
    });
    expect(closed).toMatchObject({
      ppid: 'XT1PPID000004',
      specialty: { code: '120', name: 'Ear, nose and throat' },
      clinician: null,
      status: 'closed',
      waiting: null,
      bookedAppointment: null,
    });
    const audited = await auditOf(alice);
    expect(audited.map((a) => [a.resourceType, a.resourceId, a.detail])).toContainEqual([
      'Patient',
      alice,
      { part: 'pathways', count: 2 },
    ]);
    expect(audited.find((a) => a.actorId === h.fixture.users['booking-clerk'].id)).toBeDefined();
  });

  it('reads the clock from the events: a stopped clock has no wait', async () => {
    const { pathwayId, patientId } = await clinic.addPathway();
    const stop = await post(`/pathways/${pathwayId}/rtt-events`, { date: '2026-11-20', code: '30' });
    expect(stop.statusCode, stop.body).toBe(201);
    const res = await get(`/patients/${patientId}/pathways`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().pathways).toEqual([
      expect.objectContaining({ id: pathwayId, status: 'open', clockRunning: false, waiting: null }),
    ]);
  });

  it('lists appointments newest first with clinic, clinician, place, status and the interpreter and transport requested', async () => {
    const { pathwayId, patientId } = await clinic.addPathway();
    await h.db.db
      .update(patients)
      .set({ communicationNeeds: ['bsl'], transportEligible: true })
      .where(eq(patients.id, patientId));
    const earlier = await clinic.addSlot('2026-12-14T10:00:00Z', { capacity: 3 });
    const later = await clinic.addSlot('2026-12-21T10:00:00Z', { capacity: 3 });
    const first = await post('/appointments', { slotId: earlier, pathwayId, outOfTurnReason: 'Test' });
    expect(first.statusCode, first.body).toBe(201);
    const cancelled = await post(`/appointments/${first.json().id}/cancel`, {
      by: 'patient',
      reason: 'On holiday',
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const second = await post('/appointments', { slotId: later, pathwayId, outOfTurnReason: 'Test' });
    expect(second.statusCode, second.body).toBe(201);

    const res = await get(`/patients/${patientId}/appointments`);
    expect(res.statusCode, res.body).toBe(200);
    const list = res.json().appointments;
    expect(list.map((a: { id: string; status: string }) => [a.id, a.status])).toEqual([
      [second.json().id, 'booked'],
      [first.json().id, 'cancelled'],
    ]);
    expect(list[0]).toMatchObject({
      pathwayId,
      specialty: { code: '110', name: 'Trauma and orthopaedics' },
      startsAt: '2026-12-21T10:00:00.000Z',
      clinic: { id: clinic.templateId, name: 'Ms Surgeon knee clinic' },
      clinician: { id: clinic.consultant, name: 'Ms Ada Surgeon' },
      location: { id: clinic.locationId, name: 'Outpatients A', site: 'Test General' },
      slotType: 'new',
      outcome: null,
      cancelledBy: null,
    });
    expect(
      list[0].support.map((s: { kind: string; language: string | null; status: string }) => [
        s.kind,
        s.language,
        s.status,
      ]),
    ).toEqual([
      ['interpreter', 'British Sign Language', 'needed'],
      ['transport', null, 'needed'],
    ]);
    expect(list[1]).toMatchObject({ cancelledBy: 'patient', cancelReason: 'On holiday' });
    expect(list[1].support.every((s: { status: string }) => s.status === 'cancelled')).toBe(true);

    // The pathway shows its booked appointment.
    const pathwaysRes = await get(`/patients/${patientId}/pathways`);
    expect(pathwaysRes.json().pathways[0].bookedAppointment).toEqual({
      id: second.json().id,
      startsAt: '2026-12-21T10:00:00.000Z',
      clinic: 'Ms Surgeon knee clinic',
    });
    const audited = await auditOf(patientId);
    expect(audited.map((a) => a.detail)).toContainEqual({ part: 'appointments', count: 2 });
  });

  it('answers an empty list for a patient with no appointments', async () => {
    const res = await get(`/patients/${h.fixture.patients.bob}/appointments`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ appointments: [] });
  });

  it.each(['pathways', 'appointments'])(
    '%s: 404 for an unknown patient or another organisation’s, 400 naming the id when it is not a UUID',
    async (part) => {
      const unknown = await get(`/patients/00000000-0000-4000-8000-000000000000/${part}`);
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().code).toBe('not_found');
      // Another organisation's patient is not found, and nothing of theirs is audited as read.
      const theirs = await get(`/patients/${other.patients.alice}/${part}`);
      expect(theirs.statusCode).toBe(404);
      expect(await auditOf(other.patients.alice)).toEqual([]);
      const bad = await get(`/patients/not-a-uuid/${part}`);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].field).toBe('/params/id');
    },
  );

  it("another organisation's staff see only their own patients", async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { username: 'booking-clerk', password: PASSWORD, organisation: 'XT2' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const cookie = cookieFrom(res);
    const theirClerk: Session = { cookie, csrf: '', read: { cookie }, write: { cookie } };
    const mine = await get(`/patients/${h.fixture.patients.alice}/pathways`, theirClerk);
    expect(mine.statusCode).toBe(404);
    const own = await get(`/patients/${other.patients.bob}/pathways`, theirClerk);
    expect(own.statusCode, own.body).toBe(200);
    expect(
      own
        .json()
        .pathways.map((p: { specialty: { code: string } }) => p.specialty.code)
        .sort(),
    ).toEqual(['110', '120']);
  });
});
