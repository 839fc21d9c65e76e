/**
 * Reception: the day's clinic sessions by site (shape, site filter, date checks, audit, other organisations'
 * data kept out), and the desk's actions — check in, seen, did not attend one at a time or for the rest of an
 * ended session — with their refusals: twice (409), on the wrong day, and a DNA before the appointment or the
 * session is over (422 naming the rule). The DNA policy of the booking service runs for each DNA.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appointments,
  auditLog,
  clinicTemplates,
  communications,
  locations,
  patients,
  rttEvents,
  slots,
  supportRequests,
  tasks,
} from '../../src/db/schema';
import { PASSWORD, seedFixture } from '../support/fixtures';
import { ENGINES } from '../support/db';
import { cookieFrom, createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';

const DAY = '2026-11-30';
/** Midday on the clinic day: the morning session (09:00–10:00) has ended, the afternoon one (13:00) not begun. */
const NOON = '2026-11-30T12:00:00Z';

interface Listing {
  date: string;
  today: string;
  site: string | null;
  sites: { code: string; name: string }[];
  groups: {
    code: string;
    name: string;
    clinics: {
      id: string;
      name: string;
      clinician: string | null;
      location: string;
      sessions: {
        index: number;
        startsAt: string;
        endsAt: string;
        ended: boolean;
        cancelled: boolean;
        appointments: {
          id: string;
          startsAt: string;
          status: string;
          appointmentStatus: string;
          slotType: string;
          patient: { id: string; name: string; nhsNumber: string };
          needs: { interpreter: string | null; transport: boolean; communication: string[] };
          communicated: boolean;
        }[];
      }[];
    }[];
  }[];
}

describe.each(ENGINES)('reception on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinic: TestClinic;
  /** The morning session's patients (09:00, 09:20, 09:40), the afternoon's (13:00), and the next day's. */
  const morning: { appointmentId: string; patientId: string; pathwayId: string }[] = [];
  let afternoon: { appointmentId: string; patientId: string };
  let tomorrow: { appointmentId: string };
  let northClinicId = '';
  let otherOrg: { orgId: string; appointmentId: string };
  let admin: Session;
  let manager: Session;

  const get = (url: string, s: Session = clerk) =>
    h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: s.read });
  const post = (url: string, payload: object = {}, s: Session = clerk) =>
    h.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: s.write, payload });

  /** A booked appointment in a new slot of `templateId` (the test clinic's unless given). */
  const book = async (
    startsAt: string,
    options: { sessionIndex?: number; templateId?: string; locationId?: string; orgId?: string } = {},
  ) => {
    const orgId = options.orgId ?? h.fixture.orgId;
    const { pathwayId, patientId } = await clinic.addPathway();
    const start = new Date(startsAt);
    const slotId =
      options.templateId === undefined
        ? await clinic.addSlot(startsAt, { booked: 1, sessionIndex: options.sessionIndex ?? 0 })
        : randomUUID();
    if (options.templateId !== undefined) {
      await h.db.db.insert(slots).values({
        orgId,
        id: slotId,
        templateId: options.templateId,
        key: `${options.templateId}/v1/${startsAt}`,
        sessionDate: startsAt.slice(0, 10),
        sessionIndex: options.sessionIndex ?? 0,
        startsAt: start,
        endsAt: new Date(start.getTime() + 20 * 60_000),
        slotType: 'follow-up',
        capacity: 1,
        booked: 1,
        status: 'open',
        specialtyCode: '110',
        locationId: options.locationId!,
      });
    }
    const appointmentId = randomUUID();
    await h.db.db.insert(appointments).values({
      orgId,
      id: appointmentId,
      slotId,
      pathwayId,
      patientId,
      startsAt: start,
      endsAt: new Date(start.getTime() + 20 * 60_000),
      slotType: options.templateId === undefined ? 'new' : 'follow-up',
      status: 'booked',
      offeredOn: '2026-10-20',
      noticeDays: 41,
      reasonableOffer: true,
      bookedBy: 'test',
      bookedAt: new Date('2026-10-20T09:00:00Z'),
    });
    return { appointmentId, patientId, pathwayId };
  };

  const clinicTemplateAt = async (orgId: string, site: { code: string; name: string }, name: string) => {
    const locationId = randomUUID();
    await h.db.db.insert(locations).values({
      orgId,
      id: locationId,
      siteCode: site.code,
      name: 'Clinic 3',
      site: site.name,
      addressLine: '2 Moor Road',
      postcode: 'LS6 2AA',
    });
    const templateId = randomUUID();
    await h.db.db.insert(clinicTemplates).values({
      orgId,
      id: templateId,
      name,
      serviceName: 'Fracture clinic',
      locationId,
      specialtyCode: '110',
      createdBy: 'test',
    });
    return { locationId, templateId };
  };

  beforeAll(async () => {
    h = await createHarness(engine);
    h.clock.set(NOON);
    clerk = await h.signIn('booking-clerk');
    // Signed in before the second organisation exists (its staff have the same usernames).
    admin = await h.signIn('admin');
    manager = await h.signIn('service-manager');
    clinic = await createTestClinic(h, 999_610_613);
    for (const time of ['09:40', '09:00', '09:20']) morning.push(await book(`${DAY}T${time}:00Z`));
    morning.sort((a, b) => a.appointmentId.localeCompare(b.appointmentId));
    afternoon = await book(`${DAY}T13:00:00Z`, { sessionIndex: 1 });
    tomorrow = await book('2026-12-01T09:00:00Z');
    const north = await clinicTemplateAt(
      h.fixture.orgId,
      { code: 'XT202', name: 'North Clinic' },
      'Fracture',
    );
    northClinicId = north.templateId;
    await book(`${DAY}T10:00:00Z`, north);

    // Needs held: an interpreter on the record, transport requested, large print; a letter delivered.
    const [first, second] = [await orderedMorning(0), await orderedMorning(1)];
    await h.db.db
      .update(patients)
      .set({ interpreterLanguage: 'Polish', communicationNeeds: ['large-print'] })
      .where(eq(patients.id, first.patientId));
    await h.db.db.insert(supportRequests).values({
      orgId: h.fixture.orgId,
      id: randomUUID(),
      kind: 'transport',
      appointmentId: second.appointmentId,
      patientId: second.patientId,
      startsAt: new Date(`${DAY}T09:20:00Z`),
      status: 'booked',
      updatedAt: new Date(),
    });
    await h.db.db.insert(communications).values({
      orgId: h.fixture.orgId,
      id: randomUUID(),
      patientId: first.patientId,
      appointmentId: first.appointmentId,
      kind: 'appointment-booked',
      channel: 'letter',
      status: 'delivered',
      createdBy: 'test',
    });

    // Another organisation's clinic on the same day, at a site of its own.
    const other = await seedFixture(h.db.db, 'XT9');
    const otherClinic = await clinicTemplateAt(
      other.orgId,
      { code: 'XT901', name: 'Other Hospital' },
      'Other',
    );
    const slotId = randomUUID();
    await h.db.db.insert(slots).values({
      orgId: other.orgId,
      id: slotId,
      templateId: otherClinic.templateId,
      key: 'other/1',
      sessionDate: DAY,
      sessionIndex: 0,
      startsAt: new Date(`${DAY}T09:00:00Z`),
      endsAt: new Date(`${DAY}T09:20:00Z`),
      slotType: 'new',
      capacity: 1,
      booked: 1,
      status: 'open',
      specialtyCode: '110',
      locationId: otherClinic.locationId,
    });
    const appointmentId = randomUUID();
    await h.db.db.insert(appointments).values({
      orgId: other.orgId,
      id: appointmentId,
      slotId,
      pathwayId: other.pathways.aliceOrthopaedics,
      patientId: other.patients.alice,
      startsAt: new Date(`${DAY}T09:00:00Z`),
      endsAt: new Date(`${DAY}T09:20:00Z`),
      slotType: 'new',
      status: 'booked',
      offeredOn: '2026-10-20',
      noticeDays: 41,
      reasonableOffer: true,
      bookedBy: 'test',
      bookedAt: new Date('2026-10-20T09:00:00Z'),
    });
    otherOrg = { orgId: other.orgId, appointmentId };
  });
  afterAll(() => h.close());

  /** The morning's patients in appointment-time order. */
  async function orderedMorning(i: number) {
    const rows = await h.db.db
      .select({ id: appointments.id, startsAt: appointments.startsAt })
      .from(appointments)
      .where(eq(appointments.orgId, h.fixture.orgId));
    const ids = new Set(morning.map((m) => m.appointmentId));
    const inOrder = rows
      .filter((r) => ids.has(r.id))
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())
      .map((r) => morning.find((m) => m.appointmentId === r.id)!);
    return inOrder[i]!;
  }

  it('lists the day’s sessions by site, then clinic, then session, in time order, with the sites to choose from', async () => {
    const res = await get(`/reception?date=${DAY}`);
    expect(res.statusCode, res.body).toBe(200);
    const day = res.json<Listing>();
    expect(day).toMatchObject({ date: DAY, today: DAY, site: null });
    expect(day.sites).toEqual([
      { code: 'XT202', name: 'North Clinic' },
      { code: 'XT101', name: 'Test General' },
    ]);
    expect(day.groups.map((g) => g.name)).toEqual(['North Clinic', 'Test General']);
    const general = day.groups[1]!;
    expect(general.clinics).toHaveLength(1);
    expect(general.clinics[0]).toMatchObject({
      id: clinic.templateId,
      name: 'Ms Surgeon knee clinic',
      clinician: 'Ms Ada Surgeon',
      location: 'Outpatients A',
    });
    const [am, pm] = general.clinics[0]!.sessions;
    expect(am).toMatchObject({
      index: 0,
      startsAt: `${DAY}T09:00:00.000Z`,
      endsAt: `${DAY}T10:00:00.000Z`,
      ended: true,
      cancelled: false,
    });
    expect(pm).toMatchObject({ index: 1, startsAt: `${DAY}T13:00:00.000Z`, ended: false });
    expect(am!.appointments.map((a) => a.startsAt)).toEqual([
      `${DAY}T09:00:00.000Z`,
      `${DAY}T09:20:00.000Z`,
      `${DAY}T09:40:00.000Z`,
    ]);
    const first = await orderedMorning(0);
    const [a0, a1, a2] = am!.appointments;
    expect(a0).toMatchObject({
      id: first.appointmentId,
      slotType: 'new',
      status: 'booked',
      appointmentStatus: 'booked',
      patient: { id: first.patientId },
      needs: { interpreter: 'Polish', transport: false, communication: ['large-print'] },
      communicated: true,
    });
    expect(a0!.patient.name).toMatch(/^Patient\d+, Test$/);
    expect(a0!.patient.nhsNumber).toMatch(/^\d{10}$/);
    expect(a1!.needs).toEqual({ interpreter: null, transport: true, communication: [] });
    expect(a2!.communicated).toBe(false);
    // Tomorrow's appointment is not on today's list.
    const ids = day.groups.flatMap((g) =>
      g.clinics.flatMap((c) => c.sessions.flatMap((s) => s.appointments.map((x) => x.id))),
    );
    expect(ids).not.toContain(tomorrow.appointmentId);
    expect(ids).toHaveLength(5);
  });

  it('audits each appointment listed as a read of the patient’s record', async () => {
    const before = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, h.fixture.orgId), eq(auditLog.action, 'Reception.read')));
    const res = await get(`/reception?date=${DAY}&site=XT101`);
    expect(res.statusCode).toBe(200);
    const after = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, h.fixture.orgId), eq(auditLog.action, 'Reception.read')));
    const added = after.filter((a) => !before.some((b) => b.id === a.id));
    expect(added).toHaveLength(4);
    expect(new Set(added.map((a) => a.patientId))).toEqual(
      new Set([...morning.map((m) => m.patientId), afternoon.patientId]),
    );
    expect(added.every((a) => a.resourceType === 'Appointment' && a.actorRole === 'booking-clerk')).toBe(
      true,
    );
  });

  it('shows today by default, and one site when asked', async () => {
    const byDefault = await get('/reception');
    expect(byDefault.statusCode).toBe(200);
    expect(byDefault.json<Listing>().date).toBe(DAY);
    const north = await get('/reception?site=XT202');
    expect(north.statusCode).toBe(200);
    const day = north.json<Listing>();
    expect(day.site).toBe('XT202');
    expect(day.groups.map((g) => g.code)).toEqual(['XT202']);
    expect(day.groups[0]!.clinics.map((c) => c.id)).toEqual([northClinicId]);
    expect(day.groups[0]!.clinics[0]!.clinician).toBe('Fracture clinic');
    expect(day.sites).toHaveLength(2);
    const empty = await get('/reception?date=2026-12-25');
    expect(empty.statusCode).toBe(200);
    expect(empty.json<Listing>().groups).toEqual([]);
  });

  it('refuses a date that is not a real date, and a site that is not known, naming the parameter', async () => {
    for (const date of ['tomorrow', '2026-02-30', '30-11-2026']) {
      const res = await get(`/reception?date=${date}`);
      expect(res.statusCode, date).toBe(400);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain('/query/date');
    }
    const res = await get('/reception?site=XT901');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('/query/site');
  });

  it('keeps another organisation’s clinics and patients out of sight and out of reach', async () => {
    const res = await get(`/reception?date=${DAY}`);
    const text = res.body;
    expect(text).not.toContain(otherOrg.appointmentId);
    expect(text).not.toContain('Other Hospital');
    // Their own clerk sees their clinic only.
    const signIn = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { username: 'booking-clerk', password: PASSWORD, organisation: 'XT9' },
    });
    expect(signIn.statusCode, signIn.body).toBe(200);
    const theirs = await h.app.inject({
      method: 'GET',
      url: `/api/v1/reception?date=${DAY}`,
      headers: { cookie: cookieFrom(signIn) },
    });
    expect(theirs.statusCode).toBe(200);
    const their = theirs.json<Listing>();
    expect(their.sites).toEqual([{ code: 'XT901', name: 'Other Hospital' }]);
    expect(
      their.groups.flatMap((g) =>
        g.clinics.flatMap((c) => c.sessions.flatMap((x) => x.appointments.map((a) => a.id))),
      ),
    ).toEqual([otherOrg.appointmentId]);
    const checkIn = await post(`/reception/appointments/${otherOrg.appointmentId}/check-in`);
    expect(checkIn.statusCode).toBe(404);
    const [untouched] = await h.db.db
      .select({ status: appointments.status })
      .from(appointments)
      .where(eq(appointments.id, otherOrg.appointmentId));
    expect(untouched!.status).toBe('booked');
  });

  it('checks a patient in, then marks them seen, once each', async () => {
    const { appointmentId } = await orderedMorning(0);
    const arrived = await post(`/reception/appointments/${appointmentId}/check-in`);
    expect(arrived.statusCode, arrived.body).toBe(200);
    expect(arrived.json()).toMatchObject({
      id: appointmentId,
      status: 'arrived',
      appointmentStatus: 'arrived',
    });
    expect(arrived.json().needs.interpreter).toBe('Polish');
    const twice = await post(`/reception/appointments/${appointmentId}/check-in`);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().detail).toContain('already checked in');
    const seen = await post(`/reception/appointments/${appointmentId}/seen`);
    expect(seen.statusCode, seen.body).toBe(200);
    expect(seen.json()).toMatchObject({ status: 'seen', appointmentStatus: 'attended' });
    expect((await post(`/reception/appointments/${appointmentId}/seen`)).statusCode).toBe(409);
    expect((await post(`/reception/appointments/${appointmentId}/did-not-attend`)).statusCode).toBe(409);
    const audited = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.resourceId, appointmentId), eq(auditLog.action, 'Appointment.attendance')));
    expect(audited.map((a) => (a.detail as { status: string }).status).sort()).toEqual([
      'arrived',
      'attended',
    ]);
  });

  it('refuses a check-in on another day and seen before the day, naming the rule', async () => {
    const early = await post(`/reception/appointments/${tomorrow.appointmentId}/check-in`);
    expect(early.statusCode).toBe(422);
    expect(early.json()).toMatchObject({
      code: 'booking_rule_violation',
      rule: 'RECEPTION-check-in-on-the-day',
    });
    const seen = await post(`/reception/appointments/${tomorrow.appointmentId}/seen`);
    expect(seen.statusCode).toBe(422);
    expect(seen.json().rule).toBe('RECEPTION-seen-on-the-day');
  });

  it('refuses to mark a patient as did not attend before their appointment has started', async () => {
    const res = await post(`/reception/appointments/${afternoon.appointmentId}/did-not-attend`);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'booking_rule_violation', rule: 'RECEPTION-dna-before-start' });
    const tomorrowDna = await post(`/reception/appointments/${tomorrow.appointmentId}/did-not-attend`);
    expect(tomorrowDna.json().rule).toBe('RECEPTION-dna-before-start');
    const [row] = await h.db.db
      .select({ status: appointments.status })
      .from(appointments)
      .where(eq(appointments.id, afternoon.appointmentId));
    expect(row!.status).toBe('booked');
  });

  it('refuses to mark the rest of a session as did not attend before the session has ended', async () => {
    const res = await post('/reception/sessions/did-not-attend', {
      clinicId: clinic.templateId,
      date: DAY,
      sessionIndex: 1,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'booking_rule_violation',
      rule: 'RECEPTION-dna-before-session-end',
    });
    expect(res.json().detail).toContain('13:20');
    const missing = await post('/reception/sessions/did-not-attend', {
      clinicId: clinic.templateId,
      date: DAY,
      sessionIndex: 5,
    });
    expect(missing.statusCode).toBe(404);
    const badDate = await post('/reception/sessions/did-not-attend', {
      clinicId: clinic.templateId,
      date: '2026-11-31',
      sessionIndex: 0,
    });
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().errors[0].field).toBe('/body/date');
  });

  it('marks everyone still waiting in an ended session as did not attend, and the DNA policy runs for each', async () => {
    // 09:00 was seen (above); 09:20 has checked in and waits to be seen; 09:40 never came.
    const waitingToBeSeen = await orderedMorning(1);
    const neverCame = await orderedMorning(2);
    expect((await post(`/reception/appointments/${waitingToBeSeen.appointmentId}/check-in`)).statusCode).toBe(
      200,
    );
    const res = await post('/reception/sessions/did-not-attend', {
      clinicId: clinic.templateId,
      date: DAY,
      sessionIndex: 0,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().marked.map((m: { id: string; status: string }) => [m.id, m.status])).toEqual([
      [neverCame.appointmentId, 'dna'],
    ]);
    // A missed first appointment: status 33, without evidence it reached the patient (nothing was sent).
    const events = await h.db.db.select().from(rttEvents).where(eq(rttEvents.pathwayId, neverCame.pathwayId));
    expect(events).toMatchObject([{ code: '33', eventDate: DAY, appointmentCommunicated: false }]);
    const policyTasks = await h.db.db
      .select({ type: tasks.type, detail: tasks.detail })
      .from(tasks)
      .where(eq(tasks.appointmentId, neverCame.appointmentId));
    expect(policyTasks.length).toBeGreaterThan(0);
    expect(policyTasks.map((t) => (t.detail as { rule: string }).rule)).toContain(
      'ACC-2.2-first-dna-not-communicated',
    );
    const [waiting] = await h.db.db
      .select({ status: appointments.status })
      .from(appointments)
      .where(eq(appointments.id, waitingToBeSeen.appointmentId));
    expect(waiting!.status).toBe('arrived');

    const again = await post('/reception/sessions/did-not-attend', {
      clinicId: clinic.templateId,
      date: DAY,
      sessionIndex: 0,
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().marked).toEqual([]);
    const listing = (await get(`/reception?date=${DAY}&site=XT101`)).json<Listing>();
    expect(listing.groups[0]!.clinics[0]!.sessions[0]!.appointments.map((a) => a.status)).toEqual([
      'seen',
      'arrived',
      'dna',
    ]);
  });

  it('marks one patient as did not attend once their appointment has started, with the letter as evidence', async () => {
    const started = await book(`${DAY}T11:40:00Z`, { sessionIndex: 2 });
    await h.db.db.insert(communications).values({
      orgId: h.fixture.orgId,
      id: randomUUID(),
      patientId: started.patientId,
      appointmentId: started.appointmentId,
      kind: 'appointment-reminder',
      channel: 'sms',
      status: 'sent',
      createdBy: 'test',
    });
    const res = await post(`/reception/appointments/${started.appointmentId}/did-not-attend`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'dna', communicated: true });
    const events = await h.db.db.select().from(rttEvents).where(eq(rttEvents.pathwayId, started.pathwayId));
    expect(events).toMatchObject([{ code: '33', appointmentCommunicated: true }]);
    expect((await post(`/reception/appointments/${started.appointmentId}/did-not-attend`)).statusCode).toBe(
      409,
    );
  });

  it('is refused to those without the appointment permissions', async () => {
    expect((await get('/reception', admin)).statusCode).toBe(403);
    expect((await get('/reception', manager)).statusCode).toBe(200);
    const refused = await post(`/reception/appointments/${afternoon.appointmentId}/check-in`, {}, manager);
    expect(refused.statusCode).toBe(403);
  });
});
