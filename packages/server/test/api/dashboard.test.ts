/**
 * The dashboards' figures over the API: the waiting list by weeks band per specialty and the 18-week breach
 * forecast, on pathways placed at the bands' and weeks' edges, some booked before their breach date, some after
 * and some not, beside closed and stopped pathways and another organisation's (none of which count). Every
 * figure is recounted here from the rows in the database with plain date arithmetic, and checked against the
 * PTL's own summary and `breachBy` filter.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointments, pathways, slots } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { createTestClinic, type TestClinic } from '../support/clinic';
import type { Role } from '@pathflow/core';
import { cookieFrom, createHarness, type Harness, type Session } from '../support/app';
import { PASSWORD, seedFixture } from '../support/fixtures';

/** Monday 23 November 2026, 09:00 (London is on GMT): this week runs to Sunday 29 November. */
const TODAY = '2026-11-23';
const DAY = 86_400_000;
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY;
const isoOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
const daysBefore = (days: number) => isoOf(dayOf(TODAY) - days);
const daysAfter = (days: number) => isoOf(dayOf(TODAY) + days);

interface Band {
  key: string;
  label: string;
  fromDays: number;
  toDays: number | null;
}
type Counts = Record<string, number>;
interface WaitingList {
  asOf: string;
  bands: Band[];
  specialties: ({ code: string; name: string } & Counts)[];
  trust: Counts;
}
interface Forecast {
  asOf: string;
  weeks: {
    weekStart: string;
    weekEnd: string;
    countedFrom: string;
    total: number;
    bookedBeforeBreach: number;
    bookedAfterBreach: number;
    notBooked: number;
  }[];
  alreadyBreached: { total: number; booked: number; notBooked: number };
}

/** The band of a wait in days, by the NHS's rule: over N weeks ⇔ more than 7N days. */
function bandOf(days: number): string {
  if (days <= 7 * 18) return 'weeks0to17';
  if (days <= 7 * 52) return 'weeks18to51';
  if (days <= 7 * 65) return 'weeks52to64';
  if (days <= 7 * 78) return 'weeks65to77';
  return 'weeks78plus';
}

describe.each(ENGINES)('dashboards on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinic: TestClinic;

  /** Signs in to XT1 by name: the other organisation has the same usernames. */
  const signIn = async (role: Role): Promise<Session> => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { username: role, password: PASSWORD, organisation: h.fixture.odsCode },
    });
    expect(res.statusCode, res.body).toBe(200);
    const cookie = cookieFrom(res);
    const csrf = res.json<{ csrfToken: string }>().csrfToken;
    return { cookie, csrf, read: { cookie }, write: { cookie, 'x-csrf-token': csrf } };
  };

  const get = (url: string, as: Session = clerk) =>
    h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: as.read });

  /** A pathway of `days` waited today, in `specialtyCode`, booked on `bookedOn` (a London date) if given. */
  const addWaiting = async (
    days: number,
    specialtyCode: string,
    bookedOn?: string,
    over: Partial<typeof pathways.$inferInsert> = {},
  ) => {
    const start = daysBefore(days);
    const made = await clinic.addPathway({
      specialtyCode,
      clockStartDate: start,
      referralReceivedDate: start,
      rttPeriodStart: start,
      ...over,
    });
    if (bookedOn) await book(made, bookedOn, 'booked');
    return made;
  };

  const book = async (made: { pathwayId: string; patientId: string }, on: string, status: string) => {
    const startsAt = `${on}T10:00:00Z`;
    const slotId = await clinic.addSlot(startsAt);
    await h.db.db.insert(appointments).values({
      orgId: h.fixture.orgId,
      id: randomUUID(),
      slotId,
      pathwayId: made.pathwayId,
      patientId: made.patientId,
      startsAt: new Date(startsAt),
      endsAt: new Date(Date.parse(startsAt) + 20 * 60_000),
      slotType: 'new',
      status,
      offeredOn: TODAY,
      noticeDays: 21,
      reasonableOffer: true,
      bookedBy: 'test',
      bookedAt: new Date(`${TODAY}T09:00:00Z`),
    });
  };

  beforeAll(async () => {
    h = await createHarness(engine);
    h.clock.set(`${TODAY}T09:00:00Z`);
    clerk = await h.signIn('booking-clerk');
    clinic = await createTestClinic(h, 999_400_000);
    // Another organisation's patients never count.
    const other = await seedFixture(h.db.db, 'XT9');
    expect(other.orgId).not.toBe(h.fixture.orgId);

    // At each band's edges (the fixture's three pathways have waited 83 days).
    for (const days of [0, 126, 127, 364, 365, 455, 456, 546, 547, 800]) await addWaiting(days, '110');
    await addWaiting(200, '120');
    // Breaching this week (breach dates 24 to 29 November): 126 days (above) breaches tomorrow.
    await addWaiting(121, '110'); // Sunday 29 November
    await addWaiting(125, '120', daysAfter(1)); // booked tomorrow, before its breach on the 25th
    await addWaiting(124, '110', daysAfter(3)); // booked on its breach date, the 26th: too late
    // Next week (30 November to 6 December) and later.
    await addWaiting(120, '110', daysAfter(10)); // breach 30 November, booked 3 December: after
    await addWaiting(114, '120', daysAfter(5)); // breach 6 December, booked the 28th: in time
    await addWaiting(113, '110'); // breach 7 December: the week after
    await addWaiting(50, '110', daysAfter(40)); // breach beyond a short forecast
    // Already breached, one booked.
    await addWaiting(130, '110', daysAfter(2));
    // An appointment cancelled does not count as booked.
    const cancelled = await addWaiting(122, '120');
    await book(cancelled, daysAfter(2), 'cancelled');
    // Closed or with a stopped clock: not on the waiting list.
    await addWaiting(300, '110', undefined, { status: 'closed', closedDate: TODAY, rttRunning: false });
    await addWaiting(125, '110', undefined, { rttRunning: false });
  });
  afterAll(() => h?.close());

  /** The open pathways with a running clock, and each one's booked appointment date, straight from the tables. */
  async function waitingRows() {
    const rows = await h.db.db
      .select({
        id: pathways.id,
        specialty: pathways.specialtyCode,
        start: pathways.rttPeriodStart,
      })
      .from(pathways)
      .where(
        and(eq(pathways.orgId, h.fixture.orgId), eq(pathways.status, 'open'), eq(pathways.rttRunning, true)),
      );
    const booked = await h.db.db
      .select({ pathwayId: appointments.pathwayId, on: slots.sessionDate })
      .from(appointments)
      .innerJoin(slots, and(eq(slots.orgId, appointments.orgId), eq(slots.id, appointments.slotId)))
      .where(and(eq(appointments.orgId, h.fixture.orgId), eq(appointments.status, 'booked')));
    const bookedOn = new Map(booked.map((b) => [b.pathwayId, b.on]));
    return rows.map((r) => ({
      specialty: r.specialty,
      days: dayOf(TODAY) - dayOf(r.start!),
      breachDay: dayOf(r.start!) + 127,
      bookedDay: bookedOn.has(r.id) ? dayOf(bookedOn.get(r.id)!) : null,
    }));
  }

  it('counts the waiting list by weeks band per specialty, as recounted from the rows', async () => {
    const res = await get('/dashboard/waiting-list');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<WaitingList>();
    expect(body.asOf).toBe(TODAY);
    expect(body.bands.map((b) => [b.key, b.fromDays, b.toDays])).toEqual([
      ['weeks0to17', 0, 126],
      ['weeks18to51', 127, 364],
      ['weeks52to64', 365, 455],
      ['weeks65to77', 456, 546],
      ['weeks78plus', 547, null],
    ]);

    const rows = await waitingRows();
    const expected = (filter: (r: { specialty: string }) => boolean) => {
      const counts: Counts = { total: 0 };
      for (const b of body.bands) counts[b.key] = 0;
      for (const r of rows.filter(filter)) {
        counts[bandOf(r.days)]! += 1;
        counts.total! += 1;
      }
      return counts;
    };
    expect(body.specialties.map((s) => [s.code, s.name])).toEqual([
      ['120', 'Ear, nose and throat'],
      ['110', 'Trauma and orthopaedics'],
    ]);
    for (const s of body.specialties) {
      const { code: _code, name: _name, ...counts } = s;
      expect(counts, s.code).toEqual(expected((r) => r.specialty === s.code));
    }
    expect(body.trust).toEqual(expected(() => true));
    // The figures written out, so a slip in the recount above cannot hide one in the route.
    expect(body.trust).toEqual({
      weeks0to17: 13, // the fixture's 3 (83 days); 0, 126, 125, 124, 122, 121, 120, 114, 113 and 50 days
      weeks18to51: 4, // 127, 130, 200 and 364 days
      weeks52to64: 2, // 365 and 455
      weeks65to77: 2, // 456 and 546
      weeks78plus: 2, // 547 and 800
      total: 23,
    });
  });

  it('adds up to the PTL summary', async () => {
    const bands = (await get('/dashboard/waiting-list')).json<WaitingList>();
    const summary = (await get('/ptl/summary')).json<{
      specialties: {
        code: string;
        total: number;
        within18: number;
        over18to52: number;
        over52: number;
        over65: number;
        over78: number;
      }[];
    }>();
    for (const s of summary.specialties) {
      const b = bands.specialties.find((x) => x.code === s.code)!;
      expect([
        b.total,
        b.weeks0to17,
        b.weeks18to51,
        b.weeks52to64! + b.weeks65to77! + b.weeks78plus!,
      ]).toEqual([s.total, s.within18, s.over18to52, s.over52]);
      expect([b.weeks65to77! + b.weeks78plus!, b.weeks78plus]).toEqual([s.over65, s.over78]);
    }
  });

  it('forecasts the 18-week breaches week by week, booked in time or not', async () => {
    const res = await get('/dashboard/breach-forecast?weeks=12');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<Forecast>();
    expect(body.asOf).toBe(TODAY);
    expect(body.weeks).toHaveLength(12);
    expect(body.weeks[0]).toMatchObject({
      weekStart: '2026-11-23',
      weekEnd: '2026-11-29',
      countedFrom: '2026-11-24',
    });
    expect(body.weeks[1]).toMatchObject({
      weekStart: '2026-11-30',
      weekEnd: '2026-12-06',
      countedFrom: '2026-11-30',
    });
    expect(body.weeks[11]!.weekEnd).toBe('2027-02-14');

    const rows = await waitingRows();
    const today = dayOf(TODAY);
    const split = (list: typeof rows) => ({
      total: list.length,
      bookedBeforeBreach: list.filter((r) => r.bookedDay !== null && r.bookedDay < r.breachDay).length,
      bookedAfterBreach: list.filter((r) => r.bookedDay !== null && r.bookedDay >= r.breachDay).length,
      notBooked: list.filter((r) => r.bookedDay === null).length,
    });
    body.weeks.forEach((w, i) => {
      const from = dayOf(w.weekStart);
      expect(w.weekEnd).toBe(isoOf(from + 6));
      expect(from).toBe(dayOf('2026-11-23') + 7 * i);
      const inWeek = rows.filter(
        (r) => r.breachDay > today && r.breachDay >= from && r.breachDay <= from + 6,
      );
      expect({ ...w, weekStart: undefined, weekEnd: undefined, countedFrom: undefined }, w.weekStart).toEqual(
        {
          weekStart: undefined,
          weekEnd: undefined,
          countedFrom: undefined,
          ...split(inWeek),
        },
      );
    });
    const breached = rows.filter((r) => r.breachDay <= today);
    expect(body.alreadyBreached).toEqual({
      total: breached.length,
      booked: breached.filter((r) => r.bookedDay !== null).length,
      notBooked: breached.filter((r) => r.bookedDay === null).length,
    });

    // Written out: this week 126, 125 (booked in time), 124 (booked on the breach date), 122 (its appointment
    // cancelled) and 121 days; next week 120 (booked after) and 114 (booked in time); then 113; the fixture's
    // three breach on 6 January (week 7).
    expect(body.weeks[0]).toMatchObject({
      total: 5,
      bookedBeforeBreach: 1,
      bookedAfterBreach: 1,
      notBooked: 3,
    });
    expect(body.weeks[1]).toMatchObject({
      total: 2,
      bookedBeforeBreach: 1,
      bookedAfterBreach: 1,
      notBooked: 0,
    });
    expect(body.weeks[2]).toMatchObject({ total: 1, notBooked: 1 });
    expect(body.weeks[6]).toMatchObject({ weekStart: '2027-01-04', total: 3, notBooked: 3 });
    expect(body.alreadyBreached).toEqual({ total: 10, booked: 1, notBooked: 9 });
  });

  it('matches the PTL filtered by breachBy the last Sunday', async () => {
    for (const weeks of [1, 2, 7]) {
      const body = (await get(`/dashboard/breach-forecast?weeks=${weeks}`)).json<Forecast>();
      const sunday = body.weeks[weeks - 1]!.weekEnd;
      const ptl = (await get(`/ptl?breachBy=${sunday}&limit=1`)).json<{ total: number }>();
      const sum = body.alreadyBreached.total + body.weeks.reduce((n, w) => n + w.total, 0);
      expect(sum, sunday).toBe(ptl.total);
    }
  });

  it('defaults to 12 weeks', async () => {
    const body = (await get('/dashboard/breach-forecast')).json<Forecast>();
    expect(body.weeks).toHaveLength(12);
  });

  it('refuses bad query values, naming the field', async () => {
    for (const [query, field] of [
      ['weeks=0', '/query/weeks'],
      ['weeks=53', '/query/weeks'],
      ['weeks=two', '/query/weeks'],
      ['weeks=1.5', '/query/weeks'],
      ['week=3', '/query/week'],
    ]) {
      const res = await get(`/dashboard/breach-forecast?${query}`);
      expect(res.statusCode, query).toBe(400);
      const fields = res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field);
      expect(fields, query).toContain(field);
    }
  });

  it('is for those who read waiting lists', async () => {
    const flow = await signIn('flow-coordinator');
    expect((await get('/dashboard/waiting-list', flow)).statusCode).toBe(403);
    expect((await get('/dashboard/breach-forecast', flow)).statusCode).toBe(403);
  });
  it('starts on the Monday of the current London week, whatever the day', async () => {
    // Last: the jump in time ends the sessions signed in before it.
    h.clock.set('2026-11-29T23:30:00Z'); // Sunday 29 November, 23:30 in London
    try {
      const fresh = await signIn('booking-clerk');
      const body = (await get('/dashboard/breach-forecast?weeks=2', fresh)).json<Forecast>();
      expect(body.asOf).toBe('2026-11-29');
      expect(body.weeks.map((w) => [w.weekStart, w.countedFrom, w.weekEnd])).toEqual([
        ['2026-11-23', '2026-11-30', '2026-11-29'],
        ['2026-11-30', '2026-11-30', '2026-12-06'],
      ]);
      // Nothing is left to breach in a week that ends today.
      expect(body.weeks[0]!.total).toBe(0);
    } finally {
      h.clock.set(`${TODAY}T09:00:00Z`);
    }
  });
});
