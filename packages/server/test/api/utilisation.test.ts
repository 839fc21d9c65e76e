/**
 * Clinic utilisation over the API: clinics made through POST /clinics, places booked through POST
 * /appointments (a DNA and an over-booking written directly, as no route makes them yet), then the counts per
 * clinic, session, specialty and week, the under-booking flag at its boundary (84 % vs 85 %), the service
 * managers' list, and bad input named by field.
 */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nhsNumberFromStem } from '@pathflow/core';
import { queryRows } from '../../src/db/client';
import { appointments, pathways, patients, slots } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { addTestLocation, fixtureConsultant } from '../support/clinic';
import { createHarness, type Harness, type Session } from '../support/app';

/** Monday 23 November 2026, 09:00 London. "Today" is the 23rd; the look-ahead runs to Sunday 6 December. */
const NOW = '2026-11-23T09:00:00Z';

interface SlotJson {
  id: string;
  sessionDate: string;
  capacity: number;
  status: string;
}

interface Row {
  key: string;
  clinic: { id: string; name: string; clinician: string | null; serviceName: string | null } | null;
  specialty: { code: string; name: string } | null;
  session: { date: string; index: number; startsAt: string } | null;
  weekStart: string | null;
  firstDate: string;
  lastDate: string;
  slots: number;
  places: number;
  booked: number;
  unbooked: number;
  dna: number;
  cancelled: number;
  cancelledSlotPlaces: number;
  cancelledAppointments: number;
  overBookedPlaces: number;
  percentBooked: number | null;
  ahead: { places: number; booked: number; percentBooked: number | null };
  underBooked: boolean;
  overBooked: boolean;
}

function freshNhsNumber(n: number): string {
  for (let stem = 999_300_000 + n * 11; ; stem++) {
    const nhs = nhsNumberFromStem(String(stem));
    if (nhs) return nhs;
  }
}

const layout = (weekday: number, start: string, end: string, capacities: number[]) => ({
  effectiveFrom: '2026-11-23',
  recurrence: { kind: 'weekly' },
  sessions: [
    {
      weekday,
      start,
      end,
      slots: capacities.map((capacity, i) => ({
        offsetMinutes: i * 30,
        durationMinutes: 30,
        slotType: 'new',
        capacity,
      })),
    },
  ],
});

describe.each(ENGINES)('utilisation on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let consultant: string;
  let locationId: string;
  let seq = 0;

  beforeAll(async () => {
    h = await createHarness(engine);
    h.clock.set(NOW);
    clerk = await h.signIn('booking-clerk');
    consultant = await fixtureConsultant(h);
    locationId = await addTestLocation(h);
  });
  afterAll(() => h.close());

  const post = (url: string, payload: object) =>
    h.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: clerk.write, payload });
  const get = (url: string, as: Session = clerk) =>
    h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: as.read });

  const createClinic = async (body: Record<string, unknown>) => {
    const res = await post('/clinics', { locationId, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string }>().id;
  };
  const slotsOn = async (clinicId: string, date: string) => {
    const res = await get(`/clinics/${clinicId}/slots?from=${date}&to=${date}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ slots: SlotJson[] }>().slots;
  };

  /** `n` patients, each with one open routine pathway in the specialty (a patient per pathway, no overlaps). */
  const addPathways = async (n: number, specialtyCode: string): Promise<string[]> => {
    const patientRows = [];
    const pathwayRows = [];
    for (let i = 0; i < n; i++) {
      const k = (seq += 1);
      const patientId = randomUUID();
      patientRows.push({
        orgId: h.fixture.orgId,
        id: patientId,
        nhsNumber: freshNhsNumber(k),
        mrn: `U${k}`,
        givenName: 'Test',
        familyName: `Patient${k}`,
        dateOfBirth: '1960-05-05',
        sex: 'female',
        addressLine1: '1 Road',
        town: 'Leeds',
        postcode: 'LS1 1AA',
      });
      pathwayRows.push({
        orgId: h.fixture.orgId,
        id: randomUUID(),
        patientId,
        ppid: `XT1U${String(k).padStart(10, '0')}`,
        ppidIssuer: h.fixture.odsCode,
        specialtyCode,
        source: 'gp-paper',
        priority: 'routine',
        referralReceivedDate: '2026-10-01',
        clockStartDate: '2026-10-01',
        status: 'open',
        rttRunning: true,
        rttPeriodStart: '2026-10-01',
      });
    }
    await h.db.db.insert(patients).values(patientRows);
    await h.db.db.insert(pathways).values(pathwayRows);
    return pathwayRows.map((p) => p.id);
  };

  /** Books each pathway into the slot through the API (out of turn, so the test decides who goes where). */
  const book = async (slotId: string, pathwayIds: string[]): Promise<string[]> => {
    const ids: string[] = [];
    for (const pathwayId of pathwayIds) {
      const res = await post('/appointments', { slotId, pathwayId, outOfTurnReason: 'Utilisation test' });
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json<{ id: string }>().id);
    }
    return ids;
  };

  const utilisation = async (query: string) => {
    const res = await get(`/utilisation?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ rows: Row[]; threshold: number; from: string; to: string }>();
  };
  const flags = async (query = '') => {
    const res = await get(`/utilisation/flags${query ? `?${query}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ sessions: Row[]; from: string; to: string }>().sessions;
  };

  let knee: string;
  let ent: string;
  let kneeSlot30: SlotJson[];
  let pending: string;

  it('counts places, booked, unbooked, DNA and cancelled per session, and flags 84 % but not 85 %', async () => {
    h.clock.set(NOW);
    // Knee clinic: Mondays 09:00–10:00, two slots of 50 places (100 a session).
    knee = await createClinic({
      name: 'Knee clinic',
      clinicianId: consultant,
      specialtyCode: '110',
      ...layout(1, '09:00', '10:00', [50, 50]),
    });
    // ENT nurse clinic: Tuesdays 14:00–14:30, one slot of 4 places.
    ent = await createClinic({
      name: 'ENT nurse clinic',
      serviceName: 'ENT nurses',
      specialtyCode: '120',
      ...layout(2, '14:00', '14:30', [4]),
    });

    kneeSlot30 = await slotsOn(knee, '2026-11-30');
    expect(kneeSlot30.map((s) => s.capacity)).toEqual([50, 50]);
    const knee110 = await addPathways(90, '110');
    await book(kneeSlot30[0]!.id, knee110.slice(0, 50));
    await book(kneeSlot30[1]!.id, knee110.slice(50, 84));
    pending = knee110[84]!;

    // 7 December (outside the look-ahead): three booked, one did not attend, one cancelled.
    const kneeSlot7 = await slotsOn(knee, '2026-12-07');
    const [, dnaId, cancelId] = await book(kneeSlot7[0]!.id, knee110.slice(85, 88));
    await h.db.db.update(appointments).set({ status: 'dna' }).where(eq(appointments.id, dnaId!));
    const cancelled = await post(`/appointments/${cancelId}/cancel`, { by: 'patient', reason: 'On holiday' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);

    // ENT: one of four booked on 1 December; the clinic on 8 December cancelled.
    const ent1 = await slotsOn(ent, '2026-12-01');
    await book(ent1[0]!.id, await addPathways(1, '120'));
    const ent8 = await slotsOn(ent, '2026-12-08');
    await h.db.db.update(slots).set({ status: 'cancelled' }).where(eq(slots.id, ent8[0]!.id));

    const { rows } = await utilisation('from=2026-11-30&to=2026-12-13&groupBy=session');
    const pick = ({ clinic, session, ...counts }: Row) => ({
      clinic: clinic?.name,
      date: session?.date,
      slots: counts.slots,
      places: counts.places,
      booked: counts.booked,
      unbooked: counts.unbooked,
      dna: counts.dna,
      cancelled: counts.cancelled,
      percentBooked: counts.percentBooked,
      underBooked: counts.underBooked,
      overBooked: counts.overBooked,
    });
    // Soonest first; the knee clinic on the 30th is 84 % booked and within two weeks: under-booked.
    expect(rows.map(pick)).toEqual([
      {
        clinic: 'Knee clinic',
        date: '2026-11-30',
        slots: 2,
        places: 100,
        booked: 84,
        unbooked: 16,
        dna: 0,
        cancelled: 0,
        percentBooked: 84,
        underBooked: true,
        overBooked: false,
      },
      {
        clinic: 'ENT nurse clinic',
        date: '2026-12-01',
        slots: 1,
        places: 4,
        booked: 1,
        unbooked: 3,
        dna: 0,
        cancelled: 0,
        percentBooked: 25,
        underBooked: true,
        overBooked: false,
      },
      {
        // 2 % booked, but beyond the two weeks ahead: not flagged.
        clinic: 'Knee clinic',
        date: '2026-12-07',
        slots: 2,
        places: 100,
        booked: 2,
        unbooked: 98,
        dna: 1,
        cancelled: 1,
        percentBooked: 2,
        underBooked: false,
        overBooked: false,
      },
      {
        clinic: 'ENT nurse clinic',
        date: '2026-12-08',
        slots: 0,
        places: 0,
        booked: 0,
        unbooked: 0,
        dna: 0,
        cancelled: 4,
        percentBooked: null,
        underBooked: false,
        overBooked: false,
      },
    ]);
    expect(rows[0]!.clinic).toEqual({
      id: knee,
      name: 'Knee clinic',
      clinician: expect.stringContaining('Surgeon'),
      serviceName: null,
    });
    expect(rows[0]!.session?.startsAt).toBe('2026-11-30T09:00:00.000Z');
    expect(rows[3]).toMatchObject({ cancelledSlotPlaces: 4, cancelledAppointments: 0 });
    expect(rows[2]).toMatchObject({ cancelledSlotPlaces: 0, cancelledAppointments: 1 });

    // The service managers' list: under-booked sessions in the next 14 days, soonest first.
    const manager = await h.signIn('service-manager');
    const listed = await get('/utilisation/flags', manager);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json()).toMatchObject({ from: '2026-11-23', to: '2026-12-06', days: 14, threshold: 85 });
    const flagged = listed.json<{ sessions: Row[] }>().sessions;
    // Today's sessions (the knee clinic on the 23rd, nothing booked) are in the look-ahead too.
    expect(flagged.map((s) => [s.clinic?.name, s.session?.date, s.percentBooked])).toEqual([
      ['Knee clinic', '2026-11-23', 0],
      ['ENT nurse clinic', '2026-11-24', 0],
      ['Knee clinic', '2026-11-30', 84],
      ['ENT nurse clinic', '2026-12-01', 25],
    ]);

    // The 85th place: 85 % is not under 85 %.
    await book(kneeSlot30[1]!.id, [pending]);
    const after = (await utilisation('from=2026-11-30&to=2026-11-30&groupBy=session')).rows;
    expect(after.map((r) => [r.clinic?.name, r.percentBooked, r.underBooked])).toEqual([
      ['Knee clinic', 85, false],
    ]);
    expect((await flags()).map((s) => s.session?.date)).toEqual(['2026-11-23', '2026-11-24', '2026-12-01']);
    // The threshold is configurable: at 86 % the 30th is under-booked again; at 20 % only empty sessions are.
    expect(
      (await utilisation('from=2026-11-30&to=2026-11-30&groupBy=session&threshold=86')).rows[0]!.underBooked,
    ).toBe(true);
    expect((await flags('threshold=20')).map((s) => s.session?.date)).toEqual(['2026-11-23', '2026-11-24']);
    // A shorter look-ahead: only this week.
    expect((await flags('days=7')).map((s) => s.session?.date)).toEqual(['2026-11-23', '2026-11-24']);
    expect((await flags(`clinicId=${ent}`)).map((s) => s.session?.date)).toEqual([
      '2026-11-24',
      '2026-12-01',
    ]);
  });

  it('groups the same counts by clinic, specialty and week', async () => {
    h.clock.set(NOW);
    const range = 'from=2026-11-30&to=2026-12-13';
    const byClinic = (await utilisation(`${range}&groupBy=clinic`)).rows;
    const totals = (r: Row) => [r.places, r.booked, r.unbooked, r.dna, r.cancelled, r.percentBooked];
    expect(byClinic.map((r) => [r.clinic?.name, r.firstDate, r.lastDate, ...totals(r)])).toEqual([
      ['ENT nurse clinic', '2026-12-01', '2026-12-08', 4, 1, 3, 0, 4, 25],
      ['Knee clinic', '2026-11-30', '2026-12-07', 200, 87, 113, 1, 1, 43.5],
    ]);
    // Under-booking looks only at the places within the look-ahead: the knee clinic's 30th, 85 of 100.
    expect(byClinic[1]!.ahead).toEqual({ places: 100, booked: 85, percentBooked: 85 });
    expect(byClinic.map((r) => r.underBooked)).toEqual([true, false]);

    const bySpecialty = (await utilisation(`${range}&groupBy=specialty`)).rows;
    expect(bySpecialty.map((r) => [r.specialty?.code, r.specialty?.name, ...totals(r)])).toEqual([
      ['110', 'Trauma and orthopaedics', 200, 87, 113, 1, 1, 43.5],
      ['120', 'Ear, nose and throat', 4, 1, 3, 0, 4, 25],
    ]);
    expect(bySpecialty.every((r) => r.clinic === null && r.session === null)).toBe(true);

    const byWeek = (await utilisation(`${range}&groupBy=week`)).rows;
    expect(byWeek.map((r) => [r.weekStart, ...totals(r), r.underBooked])).toEqual([
      ['2026-11-30', 104, 86, 18, 0, 0, 82.7, true],
      ['2026-12-07', 100, 2, 98, 1, 5, 2, false],
    ]);

    const filtered = (await utilisation(`${range}&groupBy=week&specialty=120`)).rows;
    expect(filtered.map((r) => [r.weekStart, r.places, r.booked])).toEqual([
      ['2026-11-30', 4, 1],
      ['2026-12-07', 0, 0],
    ]);
    const oneClinic = (await utilisation(`${range}&clinicId=${knee}`)).rows;
    expect(oneClinic.map((r) => r.clinic?.id)).toEqual([knee]);
    // The default grouping is by clinic, from today for 28 days.
    const defaults = await utilisation('');
    expect(defaults).toMatchObject({
      from: '2026-11-23',
      to: '2026-12-20',
      groupBy: 'clinic',
      threshold: 85,
    });
  });

  it('reports appointments beyond a slot’s capacity as over-booked', async () => {
    h.clock.set(NOW);
    const small = await createClinic({
      name: 'Small clinic',
      clinicianId: consultant,
      specialtyCode: '110',
      ...layout(3, '10:00', '10:30', [1]),
    });
    const [slot] = await slotsOn(small, '2026-12-02');
    const [first, second] = await addPathways(2, '110');
    await book(slot!.id, [first!]);
    // The database refuses a second booking on the slot row (booked + held <= capacity), so only an
    // appointment written against it without raising `booked` (as data loaded from another system) over-books.
    const full = await post('/appointments', {
      slotId: slot!.id,
      pathwayId: second!,
      outOfTurnReason: 'Test',
    });
    expect(full.statusCode).toBe(409);
    const [row] = await h.db.db.select().from(pathways).where(eq(pathways.id, second!));
    await h.db.db.insert(appointments).values({
      orgId: h.fixture.orgId,
      id: randomUUID(),
      slotId: slot!.id,
      pathwayId: second!,
      patientId: row!.patientId,
      startsAt: new Date('2026-12-02T10:00:00Z'),
      endsAt: new Date('2026-12-02T10:30:00Z'),
      slotType: 'new',
      status: 'booked',
      offeredOn: '2026-11-23',
      noticeDays: 9,
      reasonableOffer: false,
      bookedBy: 'migration',
      bookedAt: new Date(NOW),
    });
    const { rows } = await utilisation(`from=2026-12-02&to=2026-12-02&groupBy=session&clinicId=${small}`);
    expect(
      rows.map((r) => [r.places, r.booked, r.unbooked, r.overBookedPlaces, r.overBooked, r.underBooked]),
    ).toEqual([[1, 2, 0, 1, true, false]]);
    expect(rows[0]!.percentBooked).toBe(200);
  });

  it('refuses bad input naming the field', async () => {
    h.clock.set(NOW);
    const cases: [string, string][] = [
      ['groupBy=month', '/query/groupBy'],
      ['from=2026-13-01', '/query/from'],
      ['to=tomorrow', '/query/to'],
      ['from=2026-12-10&to=2026-12-01', '/query/to'],
      ['from=2026-01-01&to=2027-12-31', '/query/to'],
      ['threshold=101', '/query/threshold'],
      ['threshold=ten', '/query/threshold'],
      ['days=0', '/query/days'],
      ['clinicId=knee', '/query/clinicId'],
      ['patient=1', '/query/patient'],
    ];
    for (const [query, field] of cases) {
      const res = await get(`/utilisation?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().code).toBe('validation_failed');
      expect(
        res.json().errors.map((e: { field: string }) => e.field),
        query,
      ).toContain(field);
    }
    const flagsBad = await get('/utilisation/flags?days=91');
    expect(flagsBad.statusCode).toBe(400);
    expect(flagsBad.json().errors[0].field).toBe('/query/days');
    // No counts for someone whose role has no clinics.
    const coordinator = await h.signIn('care-coordinator');
    expect((await get('/utilisation', coordinator)).statusCode).toBe(403);
    expect((await get('/utilisation/flags', coordinator)).statusCode).toBe(403);
  });

  it('reads no patient details and audits nothing', async () => {
    h.clock.set(NOW);
    const audited = async () =>
      (await queryRows<{ n: number }>(h.db.db, sql`select count(*)::int as n from audit_log`))[0]!.n;
    const before = await audited();
    const res = await get('/utilisation?groupBy=session');
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toMatch(/Patient\d|nhsNumber|familyName/);
    expect(await audited()).toBe(before);
  });
});
