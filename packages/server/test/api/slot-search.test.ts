/**
 * The free-slot search: open slots with a place free in a specialty, starting after now, within the window,
 * soonest first, with clinic and clinician; its filters, limit and window rules, bad input, the counts-only
 * audit row, and that PostgreSQL answers it from the partial index slots_free_idx.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client';
import { auditLog, clinicTemplates } from '../../src/db/schema';
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
