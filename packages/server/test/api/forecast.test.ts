/**
 * The breach forecast over the API, on a small trust whose answer can be worked out by hand:
 *
 * - specialty 502: ten routine patients waiting (clock starts 1 to 10 August 2026, so 18-week breach dates
 *   6 to 15 December), two free new-patient places a week, no DNAs or cancellations in its history and no recent
 *   referrals. Booking in turn, patients 2k−1 and 2k are seen in week k − 1, on its first and fourth day: the
 *   tenth on Thursday 24 December, in the fifth week; the seventh to tenth are seen after their breach dates,
 *   so exactly 4 breaches are expected, and two more places a week avoid all four;
 * - specialty 503: a patient triaged to a procedure clinic with no procedure slots (no-capacity), one away until
 *   20 December whose breach date is 29 November (patient-delay), one booked after their breach date
 *   (booked-after-breach).
 *
 * Also: the rates from history and the defaults without it, 1 and 2 worker threads giving identical results, the
 * audit rows of the potential-breaches list, a what-if that changes nothing in the database, and bad input.
 */
import { randomUUID } from 'node:crypto';
import { and, count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoToEpochDay, pathwayForecast } from '@pathflow/core';
import { queryRows } from '../../src/db/client';
import {
  appointments,
  auditLog,
  patientUnavailability,
  patients,
  slots,
  specialties,
} from '../../src/db/schema';
import { DEFAULT_RATES } from '../../src/features/forecast/inputs';
import { clearForecastCache, indexOfPathway, runForecast } from '../../src/features/forecast/service';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';

/** Monday 23 November 2026, 09:00 (London is on UTC in winter). */
const NOW = '2026-11-23T09:00:00Z';
const TODAY = '2026-11-23';
const day = (iso: string) => isoToEpochDay(iso);
const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);

interface ProblemBody {
  code: string;
  errors?: { field: string; message: string }[];
}

describe.each(ENGINES)('the breach forecast on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinic: TestClinic;
  /** Specialty 502's waiting patients, in turn. */
  const waiting: { pathwayId: string; patientId: string }[] = [];
  const reasons: Record<string, string> = {};

  const get = (url: string) => h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: clerk.read });
  const post = (url: string, payload: object) =>
    h.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: clerk.write, payload });
  const orgId = () => h.fixture.orgId;

  /** Appointments on a past slot of the specialty (for the rates), on a closed pathway of its own. */
  async function history(specialtyCode: string, outcomes: { status: string; cancelledBy?: string }[]) {
    const slotId = await clinic.addSlot('2026-10-05T10:00:00Z', { specialtyCode, capacity: 1 });
    const p = await clinic.addPathway({
      specialtyCode,
      status: 'closed',
      rttRunning: false,
      rttPeriodStart: null,
      referralReceivedDate: '2026-01-05',
      clockStartDate: '2026-01-05',
    });
    await h.db.db.insert(appointments).values(
      outcomes.map((o) => ({
        orgId: orgId(),
        id: randomUUID(),
        slotId,
        pathwayId: p.pathwayId,
        patientId: p.patientId,
        startsAt: new Date('2026-10-05T10:00:00Z'),
        endsAt: new Date('2026-10-05T10:20:00Z'),
        slotType: 'new',
        status: o.status,
        cancelledBy: o.cancelledBy ?? null,
        offeredOn: '2026-09-01',
        noticeDays: 34,
        reasonableOffer: true,
        bookedBy: 'test',
        bookedAt: new Date('2026-09-01T10:00:00Z'),
      })),
    );
  }

  beforeAll(async () => {
    h = await createHarness(engine);
    h.clock.set(NOW);
    clerk = await h.signIn('booking-clerk');
    clinic = await createTestClinic(h, 999_540_000);
    await h.db.db.insert(specialties).values([
      { orgId: orgId(), code: '502', name: 'Gynaecology' },
      { orgId: orgId(), code: '503', name: 'Gynaecological oncology' },
    ]);
    for (let i = 0; i < 10; i++) {
      const start = iso(day('2026-08-01') + i);
      waiting.push(
        await clinic.addPathway({
          specialtyCode: '502',
          clockStartDate: start,
          rttPeriodStart: start,
          referralReceivedDate: start,
        }),
      );
    }
    // Two new-patient places a week for 26 weeks: Tuesdays and Thursdays.
    for (let w = 0; w < 26; w++) {
      for (const offset of [1, 3]) {
        await clinic.addSlot(`${iso(day(TODAY) + 7 * w + offset)}T10:00:00Z`, { specialtyCode: '502' });
      }
    }

    // 503: one new-patient place a week (Wednesdays), no procedure slots.
    for (let w = 0; w < 26; w++) {
      await clinic.addSlot(`${iso(day(TODAY) + 7 * w + 2)}T10:00:00Z`, { specialtyCode: '503' });
    }
    const procedure = await clinic.addPathway({
      specialtyCode: '503',
      clinicType: 'procedure',
      clockStartDate: '2026-08-20',
      rttPeriodStart: '2026-08-20',
      referralReceivedDate: '2026-08-20',
    });
    reasons[procedure.pathwayId] = 'no-capacity';
    const away = await clinic.addPathway({
      specialtyCode: '503',
      clockStartDate: '2026-07-25',
      rttPeriodStart: '2026-07-25',
      referralReceivedDate: '2026-07-25',
    });
    reasons[away.pathwayId] = 'patient-delay';
    await h.db.db.insert(patientUnavailability).values({
      orgId: orgId(),
      id: randomUUID(),
      patientId: away.patientId,
      fromDate: '2026-11-20',
      toDate: '2026-12-20',
      reason: 'Holiday',
      recordedBy: 'test',
      recordedAt: new Date('2026-11-01T10:00:00Z'),
    });
    const late = await clinic.addPathway({
      specialtyCode: '503',
      clockStartDate: '2026-08-01',
      rttPeriodStart: '2026-08-01',
      referralReceivedDate: '2026-08-01',
    });
    reasons[late.pathwayId] = 'booked-after-breach';
    const lateSlot = await clinic.addSlot('2027-01-14T10:00:00Z', { specialtyCode: '503', booked: 1 });
    await h.db.db.insert(appointments).values({
      orgId: orgId(),
      id: randomUUID(),
      slotId: lateSlot,
      pathwayId: late.pathwayId,
      patientId: late.patientId,
      startsAt: new Date('2027-01-14T10:00:00Z'),
      endsAt: new Date('2027-01-14T10:20:00Z'),
      slotType: 'new',
      status: 'booked',
      offeredOn: '2026-11-01',
      noticeDays: 74,
      reasonableOffer: true,
      bookedBy: 'test',
      bookedAt: new Date('2026-11-01T10:00:00Z'),
    });
  });
  afterAll(() => h?.close());

  it('uses the published DNA and cancellation rates when there is no history', async () => {
    const res = await get('/forecast?specialty=502&runs=20');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.rates).toEqual({ ...DEFAULT_RATES, source: 'default', appointments: 0 });
    expect(body.specialties[0].rates.source).toBe('default');
    expect(body.runs).toBe(20);
  });

  it('counts the rates from the last 26 weeks of appointments', async () => {
    // 502: 30 appointments, all attended. 120: 30 attended, 4 not attended, 4 cancelled by the hospital and 2
    // by the patient (left out): cancellations 4 / 38, DNAs 4 / 34.
    await history(
      '502',
      Array.from({ length: 30 }, () => ({ status: 'attended' })),
    );
    await history('120', [
      ...Array.from({ length: 30 }, () => ({ status: 'attended' })),
      ...Array.from({ length: 4 }, () => ({ status: 'dna' })),
      ...Array.from({ length: 4 }, () => ({ status: 'cancelled', cancelledBy: 'hospital' })),
      ...Array.from({ length: 2 }, () => ({ status: 'cancelled', cancelledBy: 'patient' })),
    ]);
    clearForecastCache(orgId());
    const res = await get('/forecast?runs=20');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    const of = (code: string) => body.specialties.find((s: { code: string }) => s.code === code).rates;
    expect(of('502')).toEqual({ dna: 0, cancellation: 0, source: 'specialty', appointments: 30 });
    expect(of('120').source).toBe('specialty');
    expect(of('120').cancellation).toBeCloseTo(4 / 38, 12);
    expect(of('120').dna).toBeCloseTo(4 / 34, 12);
    // 503 has no history of its own: the organisation's (68 due: 60 attended, 4 DNA, 4 cancelled).
    expect(of('503').source).toBe('organisation');
    expect(of('503').cancellation).toBeCloseTo(4 / 68, 12);
    expect(body.rates.source).toBe('organisation');
  });

  it('books the list in turn into the free places: the tenth patient is seen in the fifth week', async () => {
    const run = await runForecast(h.db.db, orgId(), TODAY, { specialty: '502', now: new Date(NOW) });
    const seen = waiting.map((p) => {
      const f = pathwayForecast(run.model, run.columns, indexOfPathway(run, p.pathwayId));
      expect(f.seenWithinHorizon).toBe(1);
      return iso(f.medianSeenDay!);
    });
    // Places k = 0, 1 of a week fall on its days ⌊7k/2⌋ = 0 and 3 (Monday and Thursday).
    expect(seen).toEqual([
      '2026-11-23',
      '2026-11-26',
      '2026-11-30',
      '2026-12-03',
      '2026-12-07',
      '2026-12-10',
      '2026-12-14',
      '2026-12-17',
      '2026-12-21',
      '2026-12-24',
    ]);
    const week = Math.floor((day(seen[9]!) - day(TODAY)) / 7);
    expect(week + 1).toBe(5);
  });

  it('answers the summary: seen and list size week by week, breaches expected per threshold', async () => {
    const res = await get('/forecast?specialty=502');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ asOf: TODAY, weeks: 26, runs: 200, specialty: '502' });
    expect(body.totals).toMatchObject({
      pathways: 10,
      alreadyOver: { '18': 0, '52': 0, '65': 0, '78': 0 },
      expectedBreaches: { '18': 4, '52': 0, '65': 0, '78': 0 },
      expectedSeen: 10,
      listSizeAtHorizon: 0,
      potentialBreaches: 4,
    });
    expect(body.weekly).toHaveLength(26);
    expect(body.weekly.slice(0, 6).map((w: { seen: { mean: number } }) => w.seen.mean)).toEqual([
      2, 2, 2, 2, 2, 0,
    ]);
    expect(body.weekly.slice(0, 6).map((w: { waiting: { mean: number } }) => w.waiting.mean)).toEqual([
      8, 6, 4, 2, 0, 0,
    ]);
    expect(body.weekly[0]).toMatchObject({
      weekStart: TODAY,
      weekEnd: '2026-11-29',
      countedOn: '2026-11-30',
    });
    expect(body.specialties).toEqual([
      expect.objectContaining({ code: '502', name: 'Gynaecology', freePlaces: 52, demandPerWeek: 0 }),
    ]);
  });

  it('lists the potential breaches with lead time and reason, and audits each patient listed', async () => {
    const res = await get('/forecast/potential-breaches?specialty=502');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.total).toBe(4);
    expect(body.rows.map((r: { pathwayId: string }) => r.pathwayId)).toEqual(
      waiting.slice(6).map((p) => p.pathwayId),
    );
    const [tenth] = await h.db.db
      .select({ nhsNumber: patients.nhsNumber, given: patients.givenName, family: patients.familyName })
      .from(patients)
      .where(and(eq(patients.orgId, orgId()), eq(patients.id, waiting[9]!.patientId)));
    expect(body.rows[3]).toMatchObject({
      patient: {
        id: waiting[9]!.patientId,
        name: `${tenth!.family}, ${tenth!.given}`,
        nhsNumber: tenth!.nhsNumber,
      },
      specialty: { code: '502', name: 'Gynaecology' },
      priority: 'routine',
      clockStart: '2026-08-10',
      thresholdWeeks: 18,
      breachDate: '2026-12-15',
      leadDays: 22,
      probability: 1,
      passing: { '18': 1, '52': 0, '65': 0, '78': 0 },
      projectedSeen: '2026-12-24',
      booked: null,
      reason: 'unbooked',
    });
    const rows = await h.db.db
      .select({ resourceId: auditLog.resourceId, patientId: auditLog.patientId, action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.orgId, orgId()), eq(auditLog.requestId, res.headers['x-request-id'] as string)));
    expect(rows.map((r) => r.action)).toEqual(Array(4).fill('Forecast.potentialBreaches'));
    expect(new Set(rows.map((r) => `${r.resourceId}/${r.patientId}`))).toEqual(
      new Set(waiting.slice(6).map((p) => `${p.pathwayId}/${p.patientId}`)),
    );

    const page = await get('/forecast/potential-breaches?specialty=502&limit=2&offset=1');
    expect(page.json().rows.map((r: { pathwayId: string }) => r.pathwayId)).toEqual(
      waiting.slice(7, 9).map((p) => p.pathwayId),
    );
    // The next page comes from the cached forecast: the same one, not made again.
    expect(page.json().computedAt).toBe(body.computedAt);
  });

  it('gives each potential breach its reason: no capacity, patient delay, booked after the breach date', async () => {
    const res = await get('/forecast/potential-breaches?specialty=503');
    expect(res.statusCode, res.body).toBe(200);
    const byPathway = Object.fromEntries(
      res.json().rows.map((r: { pathwayId: string; reason: string }) => [r.pathwayId, r.reason]),
    );
    expect(byPathway).toEqual(reasons);
    const only = await get('/forecast/potential-breaches?specialty=503&reason=no-capacity');
    expect(only.json().rows).toHaveLength(1);
    expect(only.json().rows[0]).toMatchObject({
      reason: 'no-capacity',
      projectedSeen: null,
      seenWithinHorizon: 0,
    });
    const booked = (
      await get('/forecast/potential-breaches?specialty=503&reason=booked-after-breach')
    ).json();
    expect(booked.rows[0]).toMatchObject({ booked: '2027-01-14', breachDate: '2026-12-06' });
  });

  it('what-if: two more places a week avoid the four breaches, and nothing in the database changes', async () => {
    const state = async () => ({
      slots: await queryRows(
        h.db.db,
        sql`select id, capacity, booked, held, status from slots where org_id = ${orgId()} order by id`,
      ),
      appointments: (await h.db.db.select({ n: count() }).from(appointments))[0]!.n,
      slotCount: (await h.db.db.select({ n: count() }).from(slots))[0]!.n,
    });
    const before = await state();
    const res = await post('/forecast/what-if', {
      adjustments: [{ specialty: '502', slotType: 'new', placesPerWeek: 2 }],
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.adjustments).toEqual([
      { specialty: '502', slotType: 'new', placesPerWeek: 2, fromWeek: 0, toWeek: 26 },
    ]);
    expect(body.change.expectedBreaches['18']).toBeCloseTo(-4, 9);
    expect(body.after.expectedBreaches['18']).toBeLessThan(body.before.expectedBreaches['18']);
    expect(body.specialties).toEqual([
      {
        code: '502',
        name: 'Gynaecology',
        before: {
          expectedBreaches: { '18': 4, '52': 0, '65': 0, '78': 0 },
          expectedSeen: 10,
          freePlaces: 52,
        },
        after: {
          expectedBreaches: { '18': 0, '52': 0, '65': 0, '78': 0 },
          expectedSeen: 10,
          freePlaces: 104,
        },
      },
    ]);
    expect(await state()).toEqual(before);

    // One place fewer in weeks 0–2: the first three are seen on 23 and 30 November and 7 December, in time;
    // the fourth to tenth two a week from 14 December, all after their breach dates.
    const fewer = await post('/forecast/what-if', {
      adjustments: [{ specialty: '502', slotType: 'new', placesPerWeek: -1, fromWeek: 0, toWeek: 3 }],
    });
    expect(fewer.statusCode, fewer.body).toBe(200);
    expect(fewer.json().specialties[0].after).toMatchObject({
      expectedBreaches: { '18': 7 },
      freePlaces: 49,
    });
    expect(await state()).toEqual(before);
  });

  it('gives the same result with 1 worker thread and with 2', async () => {
    clearForecastCache(orgId());
    const one = await runForecast(h.db.db, orgId(), TODAY, { runs: 40, workers: 1, now: new Date(NOW) });
    clearForecastCache(orgId());
    const two = await runForecast(h.db.db, orgId(), TODAY, { runs: 40, workers: 2, now: new Date(NOW) });
    expect(one.workers).toBe(1);
    expect(two.workers).toBe(2);
    expect(two).not.toBe(one);
    expect(Array.from(two.columns.medianSeenDay)).toEqual(Array.from(one.columns.medianSeenDay));
    expect(Array.from(two.columns.passing)).toEqual(Array.from(one.columns.passing));
    expect(two.summary).toEqual(one.summary);
    expect(two.breaches).toEqual(one.breaches);
    // With rates above zero the runs differ from each other: the comparison is not of a trivial forecast.
    const spread = one.summary.weekly.seen.sd.some((sd) => sd > 0);
    expect(spread).toBe(true);
  });

  it('answers a bad request with a 400 naming the field', async () => {
    const field = async (res: Awaited<ReturnType<typeof get>>) => {
      expect(res.statusCode, res.body).toBe(400);
      const body = res.json<ProblemBody>();
      expect(body.code).toBe('validation_failed');
      return body.errors!.map((e) => e.field);
    };
    expect(await field(await get('/forecast?weeks=27'))).toContain('/query/weeks');
    expect(await field(await get('/forecast?runs=0'))).toContain('/query/runs');
    expect(await field(await get('/forecast?specialty=999'))).toEqual(['/query/specialty']);
    expect(await field(await get('/forecast/potential-breaches?reason=late'))).toContain('/query/reason');
    expect(await field(await get('/forecast/potential-breaches?specialty=999'))).toEqual([
      '/query/specialty',
    ]);
    expect(await field(await get('/forecast/potential-breaches?limit=501'))).toContain('/query/limit');
    // 1e308 is an integer to JSON Schema: too many to skip is a mistake, not a server error.
    for (const offset of ['1e308', 'Infinity', '-infinity', 'NaN', '-1']) {
      expect(await field(await get(`/forecast/potential-breaches?offset=${offset}`))).toContain(
        '/query/offset',
      );
    }
    const whatIf = (adjustments: object[], extra: object = {}) =>
      post('/forecast/what-if', { adjustments, ...extra });
    const one = { specialty: '502', slotType: 'new', placesPerWeek: 1 };
    expect(await field(await whatIf([{ ...one, specialty: '999' }]))).toEqual([
      '/body/adjustments/0/specialty',
    ]);
    expect(await field(await whatIf([one, { ...one, slotType: 'clinic' }]))).toContain(
      '/body/adjustments/1/slotType',
    );
    expect(await field(await whatIf([{ ...one, placesPerWeek: 1.5 }]))).toContain(
      '/body/adjustments/0/placesPerWeek',
    );
    expect(await field(await whatIf([{ ...one, fromWeek: 5, toWeek: 5 }]))).toEqual([
      '/body/adjustments/0/toWeek',
    ]);
    expect(await field(await whatIf([{ ...one, toWeek: 10 }], { weeks: 4 }))).toEqual([
      '/body/adjustments/0/toWeek',
    ]);
    expect(await field(await whatIf([{ ...one, fromWeek: 4 }], { weeks: 4 }))).toEqual([
      '/body/adjustments/0/fromWeek',
    ]);
    expect(await field(await whatIf([]))).toContain('/body/adjustments');
    expect(await field(await post('/forecast/what-if', {}))).toContain('/body/adjustments');
  });
});
