/**
 * The synthetic trust's clinics on every engine: a template for every clinician, version 1 active from the
 * seed's today, slots over the 26-week horizon exactly as core generates them (London wall clock, across the
 * clock change of 28 March 2027), each of a type that suits somebody waiting; and a demo pathway booked
 * through the API into a seeded slot, in turn. Plus the generator's pure rules (shapes, counts, slot types).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_HORIZON_WEEKS,
  firstAppointmentCandidates,
  generateSlots,
  parseSlotKey,
  slotHorizon,
  validateClinicTemplate,
  type ClinicTemplate,
  type SlotType,
} from '@pathflow/core';
import { buildApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { queryRows } from '../../src/db/client';
import { ClinicFactory, WaitingList, clinicShapes, plannedClinicCounts } from '../../src/seed/clinics';
import { DEMO_PASSWORD, plannedCounts, seedTrust, type SeedSummary } from '../../src/seed';
import { SPECIALTIES } from '../../src/seed/specialties';
import { generateClinicians, generateLocations } from '../../src/seed/workforce';
import { cookieFrom, testClock, type TestApp } from '../support/app';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/db';

const TODAY = '2026-11-23';
const HORIZON = slotHorizon(TODAY);
const FIRST_TYPES: SlotType[] = ['new', 'urgent-new', 'two-week-wait', 'procedure'];

interface TemplateRow {
  id: string;
  name: string;
  clinician_id: string | null;
  service_name: string | null;
  location_id: string;
  specialty_code: string;
  version: number;
  effective_from: string;
  effective_to: string | null;
  status: string;
  recurrence: ClinicTemplate['recurrence'];
  sessions: ClinicTemplate['sessions'];
}

interface SlotRow {
  id: string;
  template_id: string;
  key: string;
  session_date: string;
  session_index: number;
  starts_at: string;
  ends_at: string;
  slot_type: SlotType;
  capacity: number;
  booked: number;
  held: number;
  status: string;
  specialty_code: string;
  clinician_id: string | null;
  location_id: string;
}

const iso = (text: string) => new Date(text).toISOString();

describe.each(ENGINES)('seeded clinics on %s', (engine) => {
  let db: TestDatabase;
  let summary: SeedSummary;
  let app: TestApp;
  let templates: TemplateRow[];
  let allSlots: SlotRow[];

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    summary = await seedTrust(db, { size: 'demo', seed: 1234, today: TODAY });
    app = await buildApp({
      handle: db,
      config: loadConfig({ PATHFLOW_SEED: 'none' }),
      now: testClock(`${TODAY}T10:30:00Z`).now,
    });
    await app.ready();
    templates = await queryRows<TemplateRow>(
      db.db,
      sql`select t.id, t.name, t.clinician_id, t.service_name, t.location_id, t.specialty_code, v.version,
                 v.effective_from::text, v.effective_to::text, v.status, v.recurrence, v.sessions
            from clinic_templates t
            join clinic_template_versions v on v.org_id = t.org_id and v.template_id = t.id
           order by t.id, v.version`,
    );
    allSlots = await queryRows<SlotRow>(
      db.db,
      sql`select id, template_id, key, session_date::text, session_index,
                 to_json(starts_at)#>>'{}' as starts_at, to_json(ends_at)#>>'{}' as ends_at,
                 slot_type, capacity, booked, held, status, specialty_code, clinician_id, location_id
            from slots order by starts_at, key`,
    );
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await db?.dispose();
  });

  it('gives every clinician one clinic, version 1 active from today, as core validates it', async () => {
    expect(summary.counts.clinic_templates).toBe(plannedCounts('demo').clinic_templates);
    expect(summary.counts.slots).toBe(allSlots.length);
    const clinicians = await queryRows<{ id: string; specialty_code: string }>(
      db.db,
      sql`select id, specialty_code from clinicians`,
    );
    expect(templates.map((t) => t.clinician_id).sort()).toEqual(clinicians.map((c) => c.id).sort());
    const specialtyOf = new Map(clinicians.map((c) => [c.id, c.specialty_code]));
    const locations = new Set(
      (await queryRows<{ id: string }>(db.db, sql`select id from locations`)).map((l) => l.id),
    );
    for (const t of templates) {
      expect(t).toMatchObject({ version: 1, status: 'active', effective_from: TODAY, effective_to: null });
      expect(t.specialty_code).toBe(specialtyOf.get(t.clinician_id!));
      expect(locations.has(t.location_id)).toBe(true);
      expect(t.name).toMatch(/ clinic \((Mr|Ms|Miss|Mrs|Dr|Professor) [^)]+\)$/);
      const checked = validateClinicTemplate({
        clinicianId: t.clinician_id,
        locationId: t.location_id,
        specialtyCode: t.specialty_code,
        effectiveFrom: t.effective_from,
        effectiveTo: t.effective_to,
        recurrence: t.recurrence,
        sessions: t.sessions,
      });
      expect(checked.ok, t.name).toBe(true);
      expect(t.recurrence).toEqual({ kind: 'weekly' });
      expect(t.sessions.length === 1 || t.sessions.length === 2).toBe(true);
      for (const s of t.sessions) {
        expect(s.weekday).toBeLessThanOrEqual(5);
        expect(s.start >= '08:30' && s.end <= '17:00').toBe(true);
        for (const slot of s.slots) {
          expect(slot.capacity).toBe(1);
          expect(slot.durationMinutes).toBeGreaterThanOrEqual(15);
          expect(slot.durationMinutes).toBeLessThanOrEqual(30);
        }
      }
    }
  });

  it('has clinics for every specialty that has waiting pathways, with first-appointment slots', async () => {
    const waiting = await queryRows<{ code: string }>(
      db.db,
      sql`select distinct specialty_code as code from pathways where status = 'open' and rtt_running order by 1`,
    );
    expect(waiting.length).toBe(SPECIALTIES.length);
    const withFirst = new Set(
      allSlots.filter((s) => s.slot_type !== 'follow-up').map((s) => s.specialty_code),
    );
    for (const { code } of waiting) expect(withFirst.has(code), code).toBe(true);
  });

  it('stores exactly the slots core generates over the 26-week horizon from today, all free', () => {
    expect(allSlots.length).toBeGreaterThan(10_000);
    expect(allSlots.length).toBeLessThan(50_000);
    const expected = templates.flatMap((t) =>
      generateSlots(
        {
          templateId: t.id,
          version: 1,
          clinicianId: t.clinician_id,
          locationId: t.location_id,
          specialtyCode: t.specialty_code,
          effectiveFrom: t.effective_from,
          effectiveTo: t.effective_to,
          recurrence: t.recurrence,
          sessions: t.sessions,
        },
        HORIZON,
      ),
    );
    const stored = new Map(allSlots.map((s) => [s.key, s]));
    expect(stored.size).toBe(allSlots.length);
    expect(allSlots.length).toBe(expected.length);
    const byTemplate = new Map(templates.map((t) => [t.id, t]));
    for (const g of expected) {
      const s = stored.get(g.key);
      expect(s, g.key).toBeDefined();
      const t = byTemplate.get(s!.template_id)!;
      expect(parseSlotKey(s!.key)).toMatchObject({ templateId: t.id, version: 1, date: s!.session_date });
      expect({
        date: s!.session_date,
        session: s!.session_index,
        startsAt: iso(s!.starts_at),
        endsAt: iso(s!.ends_at),
        type: s!.slot_type,
        capacity: s!.capacity,
      }).toEqual({
        date: g.date,
        session: g.sessionIndex,
        startsAt: iso(g.startsAt),
        endsAt: iso(g.endsAt),
        type: g.slotType,
        capacity: g.capacity,
      });
      expect(s).toMatchObject({
        booked: 0,
        held: 0,
        status: 'open',
        specialty_code: t.specialty_code,
        clinician_id: t.clinician_id,
        location_id: t.location_id,
      });
    }
    const dates = allSlots.map((s) => s.session_date).sort();
    // Nothing before today or beyond the horizon; the horizon's first and last weeks are both used.
    expect(dates[0]! >= TODAY).toBe(true);
    expect(dates[0]! <= '2026-11-27').toBe(true);
    expect(dates.at(-1)! <= HORIZON.to).toBe(true);
    expect(dates.at(-1)! >= '2027-05-17').toBe(true);
    expect(HORIZON.to).toBe('2027-05-23');
    expect(DEFAULT_HORIZON_WEEKS).toBe(26);
    expect(allSlots.every((s) => Date.parse(s.starts_at) >= Date.parse(`${TODAY}T00:00:00Z`))).toBe(true);
    // Every weekly session meets its weekday exactly 26 times.
    const sessionsOf = new Map<string, Set<string>>();
    for (const s of allSlots) {
      const k = `${s.template_id}/${s.session_index}`;
      sessionsOf.set(k, (sessionsOf.get(k) ?? new Set()).add(s.session_date));
    }
    for (const [k, d] of sessionsOf) expect(d.size, k).toBe(26);
  });

  it('gives every slot a type that suits somebody waiting for this clinic', async () => {
    const mix = new Set(allSlots.map((s) => s.slot_type));
    expect([...mix].sort()).toEqual(['follow-up', 'new', 'two-week-wait', 'urgent-new']);
    const waiting = await queryRows<{
      specialty_code: string;
      clinician_id: string | null;
      priority: string;
    }>(
      db.db,
      sql`select distinct specialty_code, clinician_id, priority from pathways
           where status = 'open' and rtt_running and clinic_type is distinct from 'procedure'`,
    );
    const combos = new Set(allSlots.map((s) => `${s.specialty_code}|${s.clinician_id ?? ''}|${s.slot_type}`));
    for (const combo of combos) {
      const [code, clinicianId, type] = combo.split('|') as [string, string, SlotType];
      const candidates = firstAppointmentCandidates(type);
      if (candidates === null) {
        // Follow-up slots: for the specialty's patients once seen, so the specialty must have some waiting.
        expect(
          waiting.some((w) => w.specialty_code === code),
          combo,
        ).toBe(true);
        continue;
      }
      expect(FIRST_TYPES).toContain(type);
      const suited = waiting.some(
        (w) =>
          w.specialty_code === code &&
          (w.clinician_id === null || w.clinician_id === clinicianId) &&
          (candidates.priorities as string[]).includes(w.priority),
      );
      expect(suited, combo).toBe(true);
    }
    // Two-week-wait slots only in the specialties that take suspected-cancer referrals.
    const cancer = new Set(SPECIALTIES.filter((s) => s.cancerWeight > 0).map((s) => s.code));
    for (const s of allSlots.filter((x) => x.slot_type === 'two-week-wait')) {
      expect(cancer.has(s.specialty_code), s.specialty_code).toBe(true);
    }
    // New appointments are the bulk of the first-appointment slots, as routine referrals are of the list.
    const count = (type: SlotType) => allSlots.filter((s) => s.slot_type === type).length;
    expect(count('new')).toBeGreaterThan(count('urgent-new') + count('two-week-wait'));
    expect(count('follow-up')).toBeGreaterThan(allSlots.length * 0.3);
  });

  it('keeps London wall-clock times across the clock change on 28 March 2027', async () => {
    // Each slot's London time is the session's start plus its offset, whatever the date.
    const wall = await queryRows<{ key: string; local: string }>(
      db.db,
      sql`select key, to_char(starts_at at time zone 'Europe/London', 'HH24:MI') as local from slots`,
    );
    const byTemplate = new Map(templates.map((t) => [t.id, t]));
    const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
    for (const { key, local } of wall) {
      const parts = parseSlotKey(key)!;
      const session = byTemplate.get(parts.templateId)!.sessions[parts.sessionIndex]!;
      const offset = session.slots[parts.slotIndex]!.offsetMinutes;
      expect(minutes(local), key).toBe(minutes(session.start) + offset);
    }
    // A 09:00 London slot is 09:00Z in winter and 08:00Z once the clocks have gone forward.
    const nine = allSlots.filter((s) => {
      const p = parseSlotKey(s.key)!;
      const session = byTemplate.get(p.templateId)!.sessions[p.sessionIndex]!;
      return session.start === '09:00' && session.slots[p.slotIndex]!.offsetMinutes === 0;
    });
    const before = nine.filter((s) => s.session_date >= '2027-03-15' && s.session_date < '2027-03-28');
    const after = nine.filter((s) => s.session_date > '2027-03-28' && s.session_date <= '2027-04-10');
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    for (const s of before) expect(iso(s.starts_at)).toBe(`${s.session_date}T09:00:00.000Z`);
    for (const s of after) expect(iso(s.starts_at)).toBe(`${s.session_date}T08:00:00.000Z`);
    const monday = after.find((s) => s.session_date === '2027-03-29');
    if (monday) expect(iso(monday.starts_at)).toBe('2027-03-29T08:00:00.000Z');
  });

  it('lets a booking clerk book the patient in turn into a seeded slot through the API', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { username: 'booking-clerk', password: DEMO_PASSWORD },
    });
    expect(res.statusCode, res.body).toBe(200);
    const cookie = cookieFrom(res);
    const write = { cookie, 'x-csrf-token': res.json<{ csrfToken: string }>().csrfToken };

    // A trauma and orthopaedics new-patient slot four weeks or more ahead (a reasonable offer).
    const slot = allSlots.find(
      (s) =>
        s.specialty_code === '110' &&
        s.slot_type === 'new' &&
        Date.parse(s.starts_at) >= Date.parse(`${TODAY}T10:30:00Z`) + 28 * 86_400_000,
    )!;
    expect(slot).toBeDefined();
    const clinic = await app.inject({
      method: 'GET',
      url: `/api/v1/clinics/${slot.template_id}`,
      headers: { cookie },
    });
    expect(clinic.statusCode, clinic.body).toBe(200);
    expect(clinic.json()).toMatchObject({ versions: [{ version: 1, status: 'active' }] });

    const inTurn = await app.inject({
      method: 'GET',
      url: `/api/v1/slots/${slot.id}/in-turn`,
      headers: { cookie },
    });
    expect(inTurn.statusCode, inTurn.body).toBe(200);
    const first = inTurn.json<{ patients: { pathwayId: string; priority: string }[] }>().patients[0];
    expect(first).toBeDefined();
    expect(['urgent', 'routine']).toContain(first!.priority);

    const booked = await app.inject({
      method: 'POST',
      url: '/api/v1/appointments',
      headers: write,
      payload: { slotId: slot.id, pathwayId: first!.pathwayId },
    });
    expect(booked.statusCode, booked.body).toBe(201);
    expect(booked.json()).toMatchObject({ status: 'booked', reasonableOffer: true, outOfTurnReason: null });
    const [after] = await queryRows<{ booked: number; appointments: number }>(
      db.db,
      sql`select s.booked, (select count(*)::int from appointments a where a.org_id = s.org_id and a.slot_id = s.id) as appointments
            from slots s where s.id = ${slot.id}`,
    );
    expect(after).toEqual({ booked: 1, appointments: 1 });

    // A two-week-wait patient goes into a two-week-wait slot the same way.
    const urgent = allSlots.find(
      (s) => s.slot_type === 'two-week-wait' && Date.parse(s.starts_at) > Date.parse(`${TODAY}T12:00:00Z`),
    )!;
    const next = await app.inject({
      method: 'GET',
      url: `/api/v1/slots/${urgent.id}/in-turn`,
      headers: { cookie },
    });
    const cancer = next.json<{ patients: { pathwayId: string; priority: string }[] }>().patients[0]!;
    expect(cancer.priority).toBe('two-week-wait');
    const second = await app.inject({
      method: 'POST',
      url: '/api/v1/appointments',
      headers: write,
      payload: { slotId: urgent.id, pathwayId: cancer.pathwayId },
    });
    expect(second.statusCode, second.body).toBe(201);
  });
});

describe('seeded clinic shapes and slot types', () => {
  const orgId = '00000000-0000-4000-8000-000000000001';

  it('knows the exact slot count without the seed (large: about a million over 26 weeks)', () => {
    const large = plannedCounts('large');
    expect(large.clinic_templates).toBe(large.clinic_template_versions);
    expect(large.slots).toBeGreaterThan(800_000);
    expect(large.slots).toBeLessThan(1_200_000);
    const demo = plannedCounts('demo');
    expect(demo.clinic_templates).toBe(60);
    expect(demo.slots).toBeLessThan(40_000);
    const shapes = clinicShapes(new Map([['110', 4]]), 0);
    expect(shapes.map((s) => s.sessions)).toEqual([2, 2, 2, 1]);
    // Orthopaedics: six 20-minute first appointments and five 15-minute follow-ups a session.
    expect(plannedClinicCounts(shapes).slots).toBe(7 * 11 * 26);
  });

  it('offers first-appointment slots only for those waiting, and follows the seed', () => {
    const clinicians = generateClinicians(5, orgId, 60);
    const locations = generateLocations(5, orgId, 'XPF', 3);
    const waiting = new WaitingList();
    // Only routine patients in general surgery: no urgent or two-week-wait slots there.
    waiting.add('100', null, 'routine', 3);
    const make = (seed: number) =>
      new ClinicFactory({
        seed,
        orgId,
        today: TODAY,
        asOf: `${TODAY}T07:00:00Z`,
        clinicianRows: clinicians.rows,
        locationRows: locations,
        teamClinics: 0,
        waiting,
      });
    const factory = make(5);
    const types = (code: string) =>
      new Set(
        factory.clinics
          .filter((c) => c.specialtyCode === code)
          .flatMap((c) => c.template.sessions.flatMap((s) => s.slots.map((x) => x.slotType))),
      );
    expect([...types('100')].sort()).toEqual(['follow-up', 'new']);
    // Nobody waiting in urology: its clinics are follow-ups only.
    expect([...types('101')]).toEqual(['follow-up']);
    const rows = [...factory.slotRows()];
    expect(rows.length).toBe(factory.plannedSlots);
    expect([...make(5).slotRows()].slice(0, 50)).toEqual(rows.slice(0, 50));
    expect(make(6).clinics[0]!.id).not.toBe(factory.clinics[0]!.id);
    expect(make(6).plannedSlots).toBe(factory.plannedSlots);
  });
});
