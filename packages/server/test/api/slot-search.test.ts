/**
 * The free-slot search: open slots with a place free in a specialty, starting after now, within the window,
 * soonest first, with clinic and clinician; its filters, limit and window rules, bad input, the counts-only
 * audit row, and that PostgreSQL answers it from the partial index slots_free_idx. Each slot's notice and whether
 * it is a reasonable offer (London dates, at the 21-day boundary). The search for one pathway
 * (`/pathways/:id/slot-offers`: its slot types, the patient's unavailability, its header, audited) and the
 * availability re-check a screen polls.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client';
import { appointments, auditLog, clinicTemplates, patientUnavailability } from '../../src/db/schema';
import { freeSlotsQuery, searchWindow } from '../../src/features/slots/service';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';

const NOW = '2026-11-23T09:00:00Z';

describe.each(ENGINES)('free-slot search on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinic: TestClinic;
  /** A service-led ENT clinic (no clinician), for slots of another specialty. */
  let entTemplate: string;
  let seq = 0;

  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = await h.signIn('booking-clerk');
    clinic = await createTestClinic(h, 999_700_000);
    entTemplate = randomUUID();
    await h.db.db.insert(clinicTemplates).values({
      orgId: h.fixture.orgId,
      id: entTemplate,
      name: 'ENT nurse-led clinic',
      serviceName: 'ENT nurses',
      locationId: clinic.locationId,
      specialtyCode: '120',
      createdBy: 'test',
    });
  });
  afterAll(() => h.close());

  const search = (query: string, headers = clerk.read) =>
    h.app.inject({ method: 'GET', url: `/api/v1/slots?${query}`, headers });
  const ids = (res: { json: () => { slots: { id: string }[] } }) => res.json().slots.map((s) => s.id);
  const entSlot = (startsAt: string) =>
    clinic.addSlot(startsAt, {
      templateId: entTemplate,
      key: `${entTemplate}/v1/${startsAt}/${(seq += 1)}`,
      specialtyCode: '120',
      clinicianId: null,
    });

  it('finds open slots with a free place after now, soonest first, with clinic and clinician', async () => {
    h.clock.set(NOW);
    const at = (iso: string, over = {}) => clinic.addSlot(iso, over);
    const later = await at('2026-12-02T10:00:00Z');
    const soonest = await at('2026-11-23T09:20:00Z');
    const group = await at('2026-11-30T09:00:00Z', { capacity: 3, booked: 1, held: 1 });
    await at('2026-11-23T08:40:00Z'); // started before now
    await at('2026-11-24T09:00:00Z', { booked: 1 }); // full
    await at('2026-11-24T09:20:00Z', { held: 1 }); // held
    await at('2026-11-24T09:40:00Z', { capacity: 2, booked: 1, held: 1 }); // full between the two
    await at('2026-11-25T09:00:00Z', { status: 'cancelled' });
    await at('2026-11-25T09:20:00Z', { status: 'removed' });
    await at('2027-01-05T10:00:00Z'); // 43 days ahead: after the default window
    await entSlot('2026-11-24T10:00:00Z');

    const res = await search('specialty=110');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      specialty: '110',
      from: '2026-11-23',
      to: '2027-01-04',
      limit: 50,
      more: false,
    });
    expect(ids(res)).toEqual([soonest, group, later]);
    expect(body.slots[1]).toMatchObject({
      id: group,
      startsAt: '2026-11-30T09:00:00.000Z',
      endsAt: '2026-11-30T09:20:00.000Z',
      sessionDate: '2026-11-30',
      slotType: 'new',
      capacity: 3,
      free: 1,
      clinic: { id: clinic.templateId, name: 'Ms Surgeon knee clinic', serviceName: null },
      clinician: { id: clinic.consultant, name: 'Ms Ada Surgeon' },
      location: { id: clinic.locationId, name: 'Outpatients A', site: 'Test General' },
    });

    const ent = await search('specialty=120');
    expect(ent.json().slots).toHaveLength(1);
    expect(ent.json().slots[0]).toMatchObject({
      clinic: { name: 'ENT nurse-led clinic', serviceName: 'ENT nurses' },
      clinician: null,
    });

    // A minute after it starts, the first slot drops out.
    h.clock.set('2026-11-23T09:21:00Z');
    expect(ids(await search('specialty=110'))).toEqual([group, later]);
    h.clock.set(NOW);
  });

  it('keeps to the window, with London dates, and filters by slot type and clinician', async () => {
    h.clock.set(NOW);
    // 23:30 UTC on 31 May is 00:30 on 1 June in London (BST): a 1 June slot.
    const firstJune = await clinic.addSlot('2027-05-31T23:30:00Z');
    const lastMay = await clinic.addSlot('2027-05-31T22:30:00Z');
    const followUp = await clinic.addSlot('2027-06-02T09:00:00Z', { slotType: 'follow-up' });
    const noClinician = await clinic.addSlot('2027-06-03T09:00:00Z', { clinicianId: null });
    const june = await search('specialty=110&from=2027-06-01&to=2027-06-30');
    expect(ids(june)).toEqual([firstJune, followUp, noClinician]);
    const may = await search('specialty=110&from=2027-05-31&to=2027-05-31');
    expect(ids(may)).toEqual([lastMay]);
    expect(ids(await search('specialty=110&from=2027-06-01&to=2027-06-30&slotType=follow-up'))).toEqual([
      followUp,
    ]);
    expect(
      ids(await search(`specialty=110&from=2027-06-01&to=2027-06-30&clinicianId=${clinic.consultant}`)),
    ).toEqual([firstJune, followUp]);
    expect(ids(await search('specialty=110&from=2027-06-01&to=2027-06-30&slotType=procedure'))).toEqual([]);
    // 26 weeks is the longest window.
    expect((await search('specialty=110&from=2027-01-01&to=2027-07-02')).statusCode).toBe(200);
  });

  it('returns at most limit slots and says when there are more', async () => {
    h.clock.set(NOW);
    for (let i = 0; i < 5; i++) await clinic.addSlot(`2027-03-0${i + 1}T09:00:00Z`);
    const q = 'specialty=110&from=2027-03-01&to=2027-03-05';
    const three = await search(`${q}&limit=3`);
    expect(three.json()).toMatchObject({ limit: 3, more: true });
    expect(three.json().slots.map((s: { sessionDate: string }) => s.sessionDate)).toEqual([
      '2027-03-01',
      '2027-03-02',
      '2027-03-03',
    ]);
    const five = await search(`${q}&limit=5`);
    expect(five.json()).toMatchObject({ more: false });
    expect(five.json().slots).toHaveLength(5);
  });

  it('refuses bad queries with a 400 naming the parameter', async () => {
    h.clock.set(NOW);
    const cases: [string, string, RegExp?][] = [
      ['', '/query/specialty'],
      ['specialty=999', '/query/specialty', /no specialty with code 999/],
      ['specialty=110&from=2026-12-10&to=2026-12-09', '/query/to', /same as or after from/],
      ['specialty=110&from=2027-01-01&to=2027-07-03', '/query/to', /at most 26 weeks/],
      ['specialty=110&from=2026-10-01&to=2026-11-22', '/query/to', /all in the past/],
      ['specialty=110&from=2026-13-01', '/query/from'],
      ['specialty=110&to=tomorrow', '/query/to'],
      ['specialty=110&limit=0', '/query/limit'],
      ['specialty=110&limit=201', '/query/limit'],
      ['specialty=110&limit=ten', '/query/limit'],
      ['specialty=110&slotType=walk-in', '/query/slotType', /must be one of: new, follow-up/],
      ['specialty=110&clinicianId=ada', '/query/clinicianId'],
      ['specialty=110&nhsNumber=9990000018', '/query/nhsNumber'],
    ];
    for (const [query, field, detail] of cases) {
      const res = await search(query);
      expect(res.statusCode, `${query} ${res.body}`).toBe(400);
      expect(res.json().code).toBe('validation_failed');
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
      if (detail) expect(JSON.stringify(res.json())).toMatch(detail);
    }
  });

  it('is for the roles that book or read clinics, and audits counts only', async () => {
    h.clock.set(NOW);
    const before = await h.db.db.select().from(auditLog).where(eq(auditLog.action, 'Slot.search'));
    const res = await search('specialty=110&from=2027-03-01&to=2027-03-05&limit=2');
    expect(res.statusCode).toBe(200);
    const rows = await h.db.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.action, 'Slot.search'),
          eq(auditLog.requestId, res.headers['x-request-id'] as string),
        ),
      );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      patientId: null,
      resourceType: 'Slot',
      actorId: h.fixture.users['booking-clerk'].id,
      detail: { specialty: '110', from: '2027-03-01', to: '2027-03-05', returned: 2 },
    });
    expect(before.length).toBeGreaterThan(0);
    for (const role of ['team-leader', 'clinician', 'service-manager'] as const) {
      const s = await h.signIn(role);
      expect((await search('specialty=110', s.read)).statusCode, role).toBe(200);
    }
    for (const role of ['flow-coordinator', 'care-coordinator', 'admin'] as const) {
      const s = await h.signIn(role);
      expect((await search('specialty=110', s.read)).statusCode, role).toBe(403);
    }
    const token = await h.token('booking-clerk', 'system/Clinic.read');
    expect((await search('specialty=110', { authorization: `Bearer ${token}` })).statusCode).toBe(200);
  });

  it('filters by clinic', async () => {
    h.clock.set(NOW);
    const other = randomUUID();
    await h.db.db.insert(clinicTemplates).values({
      orgId: h.fixture.orgId,
      id: other,
      name: 'Hip clinic',
      clinicianId: clinic.consultant,
      locationId: clinic.locationId,
      specialtyCode: '110',
      createdBy: 'test',
    });
    const knee = await clinic.addSlot('2027-04-05T09:00:00Z');
    const hip = await clinic.addSlot('2027-04-05T10:00:00Z', {
      templateId: other,
      key: `${other}/v1/2027-04-05/0/1`,
    });
    const q = 'specialty=110&from=2027-04-05&to=2027-04-05';
    expect(ids(await search(q))).toEqual([knee, hip]);
    expect(ids(await search(`${q}&clinicId=${other}`))).toEqual([hip]);
    expect(ids(await search(`${q}&clinicId=${clinic.templateId}`))).toEqual([knee]);
    expect(ids(await search(`${q}&clinicId=${randomUUID()}`))).toEqual([]);
    const bad = await search(`${q}&clinicId=knee`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toContain('/query/clinicId');
  });

  it('gives each slot its notice from today in London, reasonable from 21 days', async () => {
    // Offered on Monday 23 November (GMT): 13 December is 20 days on, 14 December 21.
    h.clock.set(NOW);
    const twenty = await clinic.addSlot('2026-12-13T23:30:00Z'); // 23:30 GMT on the 13th
    const twentyOne = await clinic.addSlot('2026-12-14T00:10:00Z');
    const res = await search('specialty=110&from=2026-12-13&to=2026-12-14');
    const byId = new Map(
      res.json().slots.map((x: { id: string; noticeDays: number; reasonable: boolean }) => [x.id, x]),
    );
    expect(byId.get(twenty)).toMatchObject({ noticeDays: 20, reasonable: false });
    expect(byId.get(twentyOne)).toMatchObject({ noticeDays: 21, reasonable: true });

    // In summer time the London date leads UTC by an hour: at 23:30 UTC on 31 May it is already 1 June.
    // (A session of its own: the shared one is idle for months by then.)
    h.clock.set('2027-05-31T23:30:00Z');
    const summerClerk = await h.signIn('booking-clerk');
    const shortOfIt = await clinic.addSlot('2027-06-21T22:30:00Z'); // 23:30 BST on 21 June: 20 days
    const onTheDay = await clinic.addSlot('2027-06-21T23:10:00Z'); // 00:10 BST on 22 June: 21 days
    const summer = await search('specialty=110&from=2027-06-21&to=2027-06-22', summerClerk.read);
    expect(summer.statusCode, summer.body).toBe(200);
    const s2 = new Map(
      summer.json().slots.map((x: { id: string; noticeDays: number; reasonable: boolean }) => [x.id, x]),
    );
    expect(s2.get(shortOfIt)).toMatchObject({ noticeDays: 20, reasonable: false, sessionDate: '2027-06-21' });
    expect(s2.get(onTheDay)).toMatchObject({ noticeDays: 21, reasonable: true });
    h.clock.set(NOW);
    // Signing in then cleared the sessions idle by that time, the shared one too: sign in again.
    clerk = await h.signIn('booking-clerk');
  });

  describe('for a pathway', () => {
    const offers = (pathwayId: string, query = '', headers = clerk.read) =>
      h.app.inject({
        method: 'GET',
        url: `/api/v1/pathways/${pathwayId}/slot-offers${query ? `?${query}` : ''}`,
        headers,
      });

    it('lists the slots its appointment accepts, without the patient’s unavailable dates, with its header', async () => {
      h.clock.set(NOW);
      const { pathwayId, patientId } = await clinic.addPathway();
      const d = (day: string, over = {}) => clinic.addSlot(`2027-08-${day}T09:00:00Z`, over);
      const first = await d('02');
      const followUp = await d('03', { slotType: 'follow-up' });
      const urgent = await d('04', { slotType: 'urgent-new' });
      const away = await d('05');
      const later = await d('09', { clinicianId: null });
      await h.db.db.insert(patientUnavailability).values({
        orgId: h.fixture.orgId,
        id: randomUUID(),
        patientId,
        fromDate: '2027-08-05',
        toDate: '2027-08-06',
        reason: 'Holiday',
        recordedBy: 'test',
        recordedAt: new Date(NOW),
      });
      const window = 'from=2027-08-01&to=2027-08-10';
      expect(ids(await search(`specialty=110&${window}`))).toEqual([first, followUp, urgent, away, later]);

      const res = await offers(pathwayId, window);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      // A routine first appointment goes in a new-patient slot; 5 August is a day the patient cannot come.
      expect(ids(res)).toEqual([first, later]);
      expect(body.pathway).toMatchObject({
        id: pathwayId,
        patientId,
        priority: 'routine',
        status: 'open',
        specialty: { code: '110', name: 'Trauma and orthopaedics' },
        clockStart: '2026-10-01',
        breachDate: '2027-02-05',
        stage: 'first',
        acceptedSlotTypes: ['new'],
        bookedAppointment: null,
      });
      expect(body.pathway.patientName).toMatch(/^Patient\d+, Test$/);
      expect(body.pathway.nhsNumber).toMatch(/^\d{10}$/);
      expect(body.unavailability).toEqual([{ from: '2027-08-05', to: '2027-08-06' }]);
      expect(body).toMatchObject({ from: '2027-08-01', to: '2027-08-10', today: '2026-11-23', more: false });
      expect(body.slots[0]).toMatchObject({
        noticeDays: 252,
        reasonable: true,
        clinic: { id: clinic.templateId },
      });
      expect(body.clinics.map((c: { name: string }) => c.name)).toContain('Ms Surgeon knee clinic');
      expect(body.clinicians).toContainEqual({ id: clinic.consultant, name: 'Ms Ada Surgeon' });

      // Filters: clinician, clinic, and a slot type it does not accept is refused by name.
      expect(ids(await offers(pathwayId, `${window}&clinicianId=${clinic.consultant}`))).toEqual([first]);
      expect(ids(await offers(pathwayId, `${window}&clinicId=${randomUUID()}`))).toEqual([]);
      expect(ids(await offers(pathwayId, `${window}&slotType=new`))).toEqual([first, later]);
      const wrong = await offers(pathwayId, `${window}&slotType=follow-up`);
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().errors[0]).toMatchObject({ field: '/query/slotType' });
      expect(wrong.json().detail).toMatch(
        /does not suit this pathway's routine first appointment: choose new/,
      );

      // Audited as a read of the patient's record.
      const rows = await h.db.db
        .select()
        .from(auditLog)
        .where(
          and(
            eq(auditLog.action, 'Booking.slotOffers'),
            eq(auditLog.requestId, res.headers['x-request-id'] as string),
          ),
        );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ patientId, resourceType: 'Pathway', resourceId: pathwayId });

      // An urgent pathway also takes urgent new-patient slots; a patient seen once goes into follow-ups.
      const urgentPathway = await clinic.addPathway({ priority: 'urgent' });
      expect(ids(await offers(urgentPathway.pathwayId, window))).toEqual([first, urgent, away, later]);
      const seen = await clinic.addPathway();
      const seenSlot = await clinic.addSlot('2026-11-20T09:00:00Z');
      await h.db.db.insert(appointments).values({
        orgId: h.fixture.orgId,
        id: randomUUID(),
        slotId: seenSlot,
        pathwayId: seen.pathwayId,
        patientId: seen.patientId,
        startsAt: new Date('2026-11-20T09:00:00Z'),
        endsAt: new Date('2026-11-20T09:20:00Z'),
        slotType: 'new',
        status: 'attended',
        offeredOn: '2026-10-20',
        noticeDays: 31,
        reasonableOffer: true,
        bookedBy: 'test',
        bookedAt: new Date('2026-10-20T09:00:00Z'),
      });
      const fu = await offers(seen.pathwayId, window);
      expect(fu.json().pathway).toMatchObject({
        stage: 'follow-up',
        acceptedSlotTypes: ['follow-up', 'procedure'],
      });
      expect(ids(fu)).toEqual([followUp]);
    });

    it('says when the pathway already has an appointment booked, and refuses an unknown pathway', async () => {
      h.clock.set(NOW);
      const { pathwayId } = await clinic.addPathway();
      const slot = await clinic.addSlot('2027-09-01T09:00:00Z');
      const booked = await h.app.inject({
        method: 'POST',
        url: '/api/v1/appointments',
        headers: clerk.write,
        payload: { slotId: slot, pathwayId, outOfTurnReason: 'Test booking' },
      });
      expect(booked.statusCode, booked.body).toBe(201);
      const res = await offers(pathwayId, 'from=2027-09-01&to=2027-09-01');
      expect(res.json().pathway.bookedAppointment).toEqual({
        id: booked.json().id,
        startsAt: '2027-09-01T09:00:00.000Z',
      });
      expect(ids(res)).toEqual([]);
      expect((await offers(randomUUID())).statusCode).toBe(404);
      expect((await offers('not-a-uuid')).statusCode).toBe(400);
      const service = await h.signIn('care-coordinator');
      expect((await offers(pathwayId, '', service.read)).statusCode).toBe(403);
    });
  });

  describe('availability', () => {
    const check = (q: string) =>
      h.app.inject({ method: 'GET', url: `/api/v1/slots/availability?ids=${q}`, headers: clerk.read });

    it('says how many places each slot has left and whether it can be booked now', async () => {
      h.clock.set(NOW);
      const free = await clinic.addSlot('2027-10-01T09:00:00Z', { capacity: 3, booked: 1 });
      const full = await clinic.addSlot('2027-10-01T09:20:00Z', { booked: 1 });
      const cancelled = await clinic.addSlot('2027-10-01T09:40:00Z', { status: 'cancelled' });
      const started = await clinic.addSlot('2026-11-23T08:50:00Z');
      const unknown = randomUUID();
      const before = await h.db.db.select().from(auditLog);
      const res = await check([free, full, cancelled, started, unknown, free].join(','));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().slots).toEqual([
        { id: free, free: 2, bookable: true },
        { id: full, free: 0, bookable: false },
        { id: cancelled, free: 1, bookable: false },
        { id: started, free: 1, bookable: false },
        { id: unknown, free: 0, bookable: false },
      ]);
      // Polled every few seconds: nothing about a patient, so no audit row.
      expect((await h.db.db.select().from(auditLog)).length).toBe(before.length);
      // Someone books the slot with places: one fewer.
      await h.db.db.execute(sql`update slots set booked = 3 where id = ${free}`);
      expect((await check(free)).json().slots).toEqual([{ id: free, free: 0, bookable: false }]);
    });

    it('refuses a bad list of ids naming the parameter', async () => {
      for (const q of [
        '',
        ',',
        'abc',
        `${randomUUID()},abc`,
        Array.from({ length: 201 }, () => randomUUID()).join(','),
      ]) {
        const res = await check(q);
        expect(res.statusCode, q.slice(0, 40)).toBe(400);
        expect(res.json().errors.map((e: { field: string }) => e.field)).toContain('/query/ids');
      }
    });
  });

  it('is answered from the partial index slots_free_idx', async () => {
    // Enough slots for the planner to prefer an index: 20,000 over 26 weeks, most of them booked.
    await h.db.db.execute(sql`
      insert into slots (org_id, id, template_id, key, session_date, session_index, starts_at, ends_at,
                         slot_type, capacity, booked, held, status, specialty_code, clinician_id, location_id)
      select ${h.fixture.orgId}::uuid, gen_random_uuid(), ${entTemplate}::uuid, 'explain/' || g,
             (timestamptz '2026-11-24 09:00Z' + (g % 182) * interval '1 day')::date, 0,
             timestamptz '2026-11-24 09:00Z' + (g % 182) * interval '1 day' + (g / 182) * interval '5 min',
             timestamptz '2026-11-24 09:20Z' + (g % 182) * interval '1 day' + (g / 182) * interval '5 min',
             'new', 1, case when g % 10 < 7 then 1 else 0 end, 0,
             case when g % 50 = 0 then 'cancelled' else 'open' end, '120', null, ${clinic.locationId}::uuid
        from generate_series(1, 20000) g`);
    await h.db.db.execute(sql`analyze slots`);
    const w = searchWindow(new Date(NOW), { from: '2027-01-04', to: '2027-02-15' });
    const plan = await queryRows<{ 'QUERY PLAN': string }>(
      h.db.db,
      sql`explain ${freeSlotsQuery(h.db.db, h.fixture.orgId, '120', w, {}, 51)}`,
    );
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Index Scan using slots_free_idx on slots|Bitmap Index Scan on slots_free_idx/);
    expect(text).not.toMatch(/Seq Scan on slots/);
    // And the search itself over those slots: 6 weeks of them, the first 50 in order, all free.
    const res = await search('specialty=120&from=2027-01-04&to=2027-02-15');
    expect(res.json()).toMatchObject({ more: true });
    const starts = res.json().slots.map((s: { startsAt: string }) => s.startsAt);
    expect(starts).toHaveLength(50);
    expect([...starts].sort()).toEqual(starts);
    expect(res.json().slots.every((s: { free: number }) => s.free === 1)).toBe(true);
  });
});
