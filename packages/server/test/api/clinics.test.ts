/**
 * Clinic templates over the API: creating a clinic generates its slots over the 26-week horizon at exact
 * Europe/London instants; template errors name their /body paths and write nothing; a new version with six
 * weeks' notice is applied at once (free slots removed and created, booked slots kept or displaced, never
 * changed otherwise); with less notice it waits for a service manager, who approves or rejects it.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client';
import {
  appointments,
  auditLog,
  clinicChangeRequests,
  clinicTemplateVersions,
  slots,
} from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { addTestLocation, fixtureConsultant, newSlots } from '../support/clinic';
import { createHarness, type Harness, type Session } from '../support/app';

const NOW = '2026-11-23T09:00:00Z';

/** Monday 09:00–10:00 London, three 20-minute new-patient slots. */
const mondayMorning = (over: Record<string, unknown> = {}) => ({
  effectiveFrom: '2026-11-23',
  recurrence: { kind: 'weekly' },
  sessions: [
    {
      weekday: 1,
      start: '09:00',
      end: '10:00',
      slots: newSlots([0, 20, 40]),
    },
  ],
  ...over,
});

/** The same Monday with its 09:40 slot gone and a 10:00 slot added (the session runs to 10:20). */
const changedMonday = (effectiveFrom: string) => ({
  effectiveFrom,
  recurrence: { kind: 'weekly' },
  sessions: [
    {
      weekday: 1,
      start: '09:00',
      end: '10:20',
      slots: newSlots([0, 20, 60]),
    },
  ],
  reason: 'Consultant job plan change',
});

interface SlotJson {
  id: string;
  key: string;
  sessionDate: string;
  startsAt: string;
  endsAt: string;
  slotType: string;
  capacity: number;
  booked: number;
  held: number;
  status: string;
  attended: number;
  dna: number;
}

describe.each(ENGINES)('clinics on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let manager: Session;
  let consultant: string;
  let locationId: string;
  let seq = 0;

  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = await h.signIn('booking-clerk');
    manager = await h.signIn('service-manager');
    consultant = await fixtureConsultant(h);
    locationId = await addTestLocation(h);
  });
  afterAll(() => h.close());

  const post = (url: string, payload: object, as: Session = clerk) =>
    h.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: as.write, payload });
  const get = (url: string, as: Session = clerk) =>
    h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: as.read });

  const createClinic = async (over: Record<string, unknown> = {}) => {
    seq += 1;
    const res = await post('/clinics', {
      name: `Knee clinic ${seq}`,
      clinicianId: consultant,
      locationId,
      specialtyCode: '110',
      ...mondayMorning(),
      ...over,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string; name: string; version: number; slotsCreated: number }>();
  };
  const slotsOf = async (id: string, from: string, to: string) => {
    const res = await get(`/clinics/${id}/slots?from=${from}&to=${to}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ slots: SlotJson[] }>().slots;
  };
  const count = async (table: string) =>
    (
      await queryRows<{ n: number }>(
        h.db.db,
        sql`select count(*)::int as n from ${sql.identifier(table)} where org_id = ${h.fixture.orgId}`,
      )
    )[0]!.n;

  /** Books the fixture's pathway into a slot directly: an appointment, and `booked` raised. */
  const bookDirectly = async (slot: SlotJson, status = 'booked'): Promise<string> => {
    const id = randomUUID();
    await h.db.db.insert(appointments).values({
      orgId: h.fixture.orgId,
      id,
      slotId: slot.id,
      pathwayId: h.fixture.pathways.aliceOrthopaedics,
      patientId: h.fixture.patients.alice,
      startsAt: new Date(slot.startsAt),
      endsAt: new Date(slot.endsAt),
      slotType: slot.slotType,
      status,
      offeredOn: '2026-11-23',
      noticeDays: 49,
      reasonableOffer: true,
      bookedBy: 'test',
      bookedAt: new Date(NOW),
    });
    await h.db.db
      .update(slots)
      .set({ booked: sql`${slots.booked} + 1` })
      .where(eq(slots.id, slot.id));
    return id;
  };
  const appointmentStatus = async (id: string) =>
    (await h.db.db.select().from(appointments).where(eq(appointments.id, id)))[0]!.status;
  const auditRows = (action: string, resourceId: string) =>
    h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, action), eq(auditLog.resourceId, resourceId)));

  it('generates 26 weeks of slots at exact London instants across the spring clock change', async () => {
    h.clock.set('2026-03-01T09:00:00Z');
    const clinic = await createClinic({ effectiveFrom: '2026-02-02' });
    // Horizon 2026-03-01 to 2026-08-29: 26 Mondays (2 March to 24 August), three slots each.
    expect(clinic).toMatchObject({ version: 1, slotsCreated: 78 });
    const stored = await h.db.db.select().from(slots).where(eq(slots.templateId, clinic.id));
    expect(stored).toHaveLength(78);
    expect(stored.every((s) => s.status === 'open' && s.clinicianId === consultant)).toBe(true);
    expect(stored.every((s) => s.locationId === locationId && s.specialtyCode === '110')).toBe(true);
    expect(stored.map((s) => s.sessionDate).sort()[0]).toBe('2026-03-02');
    expect(
      stored
        .map((s) => s.sessionDate)
        .sort()
        .at(-1),
    ).toBe('2026-08-24');

    const around = await slotsOf(clinic.id, '2026-03-23', '2026-03-30');
    expect(around.map((s) => [s.startsAt, s.endsAt])).toEqual([
      ['2026-03-23T09:00:00.000Z', '2026-03-23T09:20:00.000Z'],
      ['2026-03-23T09:20:00.000Z', '2026-03-23T09:40:00.000Z'],
      ['2026-03-23T09:40:00.000Z', '2026-03-23T10:00:00.000Z'],
      ['2026-03-30T08:00:00.000Z', '2026-03-30T08:20:00.000Z'],
      ['2026-03-30T08:20:00.000Z', '2026-03-30T08:40:00.000Z'],
      ['2026-03-30T08:40:00.000Z', '2026-03-30T09:00:00.000Z'],
    ]);
    expect(around[0]).toMatchObject({
      slotType: 'new',
      capacity: 1,
      booked: 0,
      held: 0,
      status: 'open',
      key: `${clinic.id}/v1/2026-03-23/0/0`,
    });
    expect(Object.keys(around[0]!)).not.toContain('patientId');

    const created = await auditRows('Clinic.create', clinic.id);
    expect(created[0]!.detail).toMatchObject({ version: 1, slotsCreated: 78 });
    h.clock.set(NOW);
  });

  it('follows the autumn clock change, and defaults the slot list to six weeks from today', async () => {
    h.clock.set('2026-10-01T09:00:00Z');
    const clinic = await createClinic({ effectiveFrom: '2026-10-01' });
    expect(clinic.slotsCreated).toBe(78);
    const around = await slotsOf(clinic.id, '2026-10-19', '2026-10-26');
    expect(around.map((s) => s.startsAt)).toEqual([
      '2026-10-19T08:00:00.000Z',
      '2026-10-19T08:20:00.000Z',
      '2026-10-19T08:40:00.000Z',
      '2026-10-26T09:00:00.000Z',
      '2026-10-26T09:20:00.000Z',
      '2026-10-26T09:40:00.000Z',
    ]);
    // Today (1 October) and 41 days on: Mondays 5 October to 9 November.
    const res = await get(`/clinics/${clinic.id}/slots`);
    expect(res.json()).toMatchObject({ from: '2026-10-01', to: '2026-11-11' });
    expect(res.json().slots).toHaveLength(6 * 3);
    const tooLong = await get(`/clinics/${clinic.id}/slots?from=2026-10-01&to=2027-04-01`);
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().errors[0].field).toBe('/query/to');
    h.clock.set(NOW);
  });

  it('counts each slot’s appointments attended and not attended (DNA), without patient details', async () => {
    const clinic = await createClinic();
    const day = await slotsOf(clinic.id, '2026-11-30', '2026-11-30');
    expect(day.map((s) => [s.attended, s.dna])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    await bookDirectly(day[0]!, 'attended');
    await bookDirectly(day[1]!, 'dna');
    await bookDirectly(day[2]!, 'booked');
    const held = await slotsOf(clinic.id, '2026-11-30', '2026-11-30');
    expect(held.map((s) => [s.booked, s.attended, s.dna])).toEqual([
      [1, 1, 0],
      [1, 0, 1],
      [1, 0, 0],
    ]);
    expect(JSON.stringify(held)).not.toContain(h.fixture.patients.alice);
  });

  it('refuses an invalid template with /body paths, and unknown records, writing nothing', async () => {
    h.clock.set(NOW);
    const before = [
      await count('clinic_templates'),
      await count('clinic_template_versions'),
      await count('slots'),
    ];
    const bad = await post('/clinics', {
      name: 'Bad clinic',
      clinicianId: consultant,
      locationId,
      specialtyCode: '110',
      ...mondayMorning({
        effectiveTo: '2026-11-01',
        sessions: [
          {
            weekday: 1,
            start: '10:00',
            end: '09:00',
            slots: [{ offsetMinutes: 0, durationMinutes: 2, slotType: 'new', capacity: 1 }],
          },
        ],
      }),
    });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.json().code).toBe('validation_failed');
    const fields = bad.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        '/body/effectiveTo',
        '/body/sessions/0/end',
        '/body/sessions/0/slots/0/durationMinutes',
      ]),
    );
    const unknown = await post('/clinics', {
      name: 'Nowhere clinic',
      clinicianId: randomUUID(),
      locationId: randomUUID(),
      specialtyCode: '999',
      ...mondayMorning(),
    });
    expect(unknown.statusCode, unknown.body).toBe(400);
    expect(unknown.json().errors.map((e: { field: string }) => e.field)).toEqual([
      '/body/clinicianId',
      '/body/locationId',
      '/body/specialtyCode',
    ]);
    const location = await post('/clinics', {
      name: 'Nowhere clinic',
      serviceName: 'Physiotherapy',
      locationId: randomUUID(),
      specialtyCode: '110',
      ...mondayMorning(),
    });
    expect(location.statusCode).toBe(400);
    expect(location.json().errors).toEqual([
      { field: '/body/locationId', message: 'There is no location with this identifier' },
    ]);
    expect([
      await count('clinic_templates'),
      await count('clinic_template_versions'),
      await count('slots'),
    ]).toEqual(before);
    const clinician = await h.signIn('clinician');
    expect((await post('/clinics', { name: 'x' }, clinician)).statusCode).toBe(403);
  });

  it('applies a version with six weeks’ notice at once: free slots replaced, a booked slot displaced', async () => {
    h.clock.set(NOW);
    const clinic = await createClinic();
    // Today (Monday 23 November) to 23 May 2027: 26 Mondays.
    expect(clinic.slotsCreated).toBe(78);
    const jan11 = await slotsOf(clinic.id, '2027-01-11', '2027-01-11');
    const stays = await bookDirectly(jan11[0]!);
    const goes = await bookDirectly(jan11[2]!);
    const earlier = await slotsOf(clinic.id, '2027-01-04', '2027-01-04');

    // 49 days' notice: no approval needed.
    const res = await post(`/clinics/${clinic.id}/versions`, changedMonday('2027-01-11'));
    expect(res.statusCode, res.body).toBe(201);
    // 19 Mondays from 11 January to 17 May: two slots kept each, the 09:40 removed, a 10:00 created.
    expect(res.json()).toMatchObject({
      status: 'active',
      version: 2,
      created: 19,
      removed: 18,
      kept: 38,
      displacedAppointments: 1,
    });
    expect(res.json().displaced).toEqual([
      expect.objectContaining({ slotId: jan11[2]!.id, reason: 'time-changed', appointments: 1 }),
    ]);

    const after = await slotsOf(clinic.id, '2027-01-11', '2027-01-11');
    expect(after.map((s) => [s.startsAt, s.status, s.booked])).toEqual([
      ['2027-01-11T09:00:00.000Z', 'open', 1],
      ['2027-01-11T09:20:00.000Z', 'open', 0],
      ['2027-01-11T09:40:00.000Z', 'removed', 1],
      ['2027-01-11T10:00:00.000Z', 'open', 0],
    ]);
    // The booked slot kept is the same slot, times and booking untouched, under the new version's key.
    expect(after[0]).toMatchObject({
      id: jan11[0]!.id,
      endsAt: jan11[0]!.endsAt,
      key: `${clinic.id}/v2/2027-01-11/0/0`,
    });
    expect(await appointmentStatus(stays)).toBe('booked');
    expect(await appointmentStatus(goes)).toBe('displaced');
    // Before the new version starts nothing changed.
    expect(await slotsOf(clinic.id, '2027-01-04', '2027-01-04')).toEqual(earlier);

    const detail = await get(`/clinics/${clinic.id}`);
    expect(
      detail
        .json()
        .versions.map((v: { version: number; status: string; effectiveTo: string | null }) => [
          v.version,
          v.status,
          v.effectiveTo,
        ]),
    ).toEqual([
      [1, 'active', '2027-01-10'],
      [2, 'active', null],
    ]);
    const applied = await auditRows('ClinicVersion.apply', clinic.id);
    expect(applied[0]!.detail).toMatchObject({
      version: 2,
      created: 19,
      removed: 18,
      kept: 38,
      displacedSlots: 1,
      displacedAppointments: 1,
    });
    const list = await get('/clinics');
    const listed = list.json().clinics.find((c: { id: string }) => c.id === clinic.id);
    // Today's 09:00 slot has started; one slot displaced, 18 removed, 19 created.
    expect(listed).toMatchObject({ currentVersion: { version: 2 }, openSlots: 78 - 1 - 1 - 18 + 19 });
  });

  it('sends a version with less than six weeks’ notice for approval, which a service manager gives', async () => {
    h.clock.set(NOW);
    const clinic = await createClinic();
    const before = await slotsOf(clinic.id, '2026-11-23', '2027-05-23');
    const res = await post(`/clinics/${clinic.id}/versions`, changedMonday('2026-12-07'));
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({
      status: 'pending-approval',
      version: 2,
      firstAffectedDate: '2026-12-07',
    });
    const { requestId } = res.json<{ requestId: string }>();
    expect(await slotsOf(clinic.id, '2026-11-23', '2027-05-23')).toEqual(before);
    const detail = await get(`/clinics/${clinic.id}`);
    expect(detail.json().versions.map((v: { status: string }) => v.status)).toEqual([
      'active',
      'pending-approval',
    ]);
    expect(detail.json().pendingRequests).toEqual([
      expect.objectContaining({ id: requestId, reason: 'Consultant job plan change', status: 'requested' }),
    ]);
    const worklist = await get('/clinic-change-requests?status=requested', manager);
    expect(worklist.statusCode, worklist.body).toBe(200);
    expect(worklist.json().requests.map((r: { id: string }) => r.id)).toContain(requestId);

    const byClerk = await post(`/clinic-change-requests/${requestId}/decision`, {
      approve: true,
      reason: 'Agreed',
    });
    expect(byClerk.statusCode).toBe(403);
    expect(byClerk.json().code).toBe('forbidden');

    // Decided the next day (signed in again: the sessions have timed out by then).
    h.clock.set('2026-11-24T10:00:00Z');
    clerk = await h.signIn('booking-clerk');
    manager = await h.signIn('service-manager');
    const approved = await post(
      `/clinic-change-requests/${requestId}/decision`,
      { approve: true, reason: 'Agreed with the clinical lead' },
      manager,
    );
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().request).toMatchObject({
      status: 'approved',
      decidedBy: h.fixture.users['service-manager'].id,
      decisionReason: 'Agreed with the clinical lead',
    });
    // 24 stored Mondays from 7 December to 17 May: two slots kept, one removed and one created each; the
    // horizon now ends on 24 May 2027, so that Monday's three slots are created too.
    expect(approved.json().applied).toMatchObject({ version: 2, created: 24 + 3, removed: 24, kept: 48 });
    expect((await slotsOf(clinic.id, '2027-05-24', '2027-05-24')).map((s) => s.key)).toEqual(
      [0, 1, 2].map((i) => `${clinic.id}/v2/2027-05-24/0/${i}`),
    );
    const dec7 = await slotsOf(clinic.id, '2026-12-07', '2026-12-07');
    expect(dec7.filter((s) => s.status === 'open').map((s) => s.startsAt)).toEqual([
      '2026-12-07T09:00:00.000Z',
      '2026-12-07T09:20:00.000Z',
      '2026-12-07T10:00:00.000Z',
    ]);
    const again = await post(
      `/clinic-change-requests/${requestId}/decision`,
      { approve: false, reason: 'Changed my mind' },
      manager,
    );
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('conflict');
    const audited = await auditRows('ClinicChange.approve', requestId);
    expect(audited[0]!.detail).toMatchObject({
      decidedBy: h.fixture.users['service-manager'].id,
      decisionReason: 'Agreed with the clinical lead',
      requestReason: 'Consultant job plan change',
    });
    expect(await auditRows('ClinicVersion.apply', clinic.id)).toHaveLength(1);
    h.clock.set(NOW);
    clerk = await h.signIn('booking-clerk');
    manager = await h.signIn('service-manager');
  });

  it('leaves the clinic as it was when a service manager rejects the change', async () => {
    h.clock.set(NOW);
    const clinic = await createClinic();
    const before = await slotsOf(clinic.id, '2026-11-23', '2027-05-23');
    const res = await post(`/clinics/${clinic.id}/versions`, changedMonday('2026-11-30'));
    expect(res.statusCode, res.body).toBe(202);
    const { requestId } = res.json<{ requestId: string }>();
    const rejected = await post(
      `/clinic-change-requests/${requestId}/decision`,
      { approve: false, reason: 'Not enough notice for the patients booked' },
      manager,
    );
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({ request: { status: 'rejected' }, applied: null });
    expect(await slotsOf(clinic.id, '2026-11-23', '2027-05-23')).toEqual(before);
    const versions = await h.db.db
      .select()
      .from(clinicTemplateVersions)
      .where(eq(clinicTemplateVersions.templateId, clinic.id));
    expect(versions.map((v) => [v.version, v.status, v.effectiveTo]).sort()).toEqual([
      [1, 'active', null],
      [2, 'rejected', null],
    ]);
    const [request] = await h.db.db
      .select()
      .from(clinicChangeRequests)
      .where(eq(clinicChangeRequests.id, requestId));
    expect(request).toMatchObject({ status: 'rejected', decidedBy: h.fixture.users['service-manager'].id });
    const audited = await auditRows('ClinicChange.reject', requestId);
    expect(audited[0]!.detail).toMatchObject({
      decisionReason: 'Not enough notice for the patients booked',
    });
    const again = await post(
      `/clinic-change-requests/${requestId}/decision`,
      { approve: true, reason: 'x' },
      manager,
    );
    expect(again.statusCode).toBe(409);
    const worklist = await get('/clinic-change-requests?status=requested');
    expect(worklist.json().requests.map((r: { id: string }) => r.id)).not.toContain(requestId);
  });

  it('refuses a version that starts in the past, and one for an unknown clinic', async () => {
    h.clock.set(NOW);
    const clinic = await createClinic();
    const past = await post(`/clinics/${clinic.id}/versions`, changedMonday('2026-11-01'));
    expect(past.statusCode).toBe(400);
    expect(past.json().errors[0].field).toBe('/body/effectiveFrom');
    const bad = await post(`/clinics/${clinic.id}/versions`, {
      ...changedMonday('2027-02-01'),
      recurrence: { kind: 'every-n-weeks', n: 0 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['/body/recurrence/n', '/body/recurrence/anchorDate']),
    );
    const missing = await post(`/clinics/${randomUUID()}/versions`, changedMonday('2027-02-01'));
    expect(missing.statusCode).toBe(404);
    expect((await get(`/clinics/${randomUUID()}`)).statusCode).toBe(404);
  });
});
