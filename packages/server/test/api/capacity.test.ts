/**
 * Demand and capacity per specialty and clinic type, week by week, over the API, on a small trust counted by
 * hand: in ophthalmology (130), referrals received in known weeks (at the weeks' edges), patients leaving the
 * list by every stop code and by a validation removal (beside codes that are not a departure: 33 and 20), slots
 * of each type with appointments attended, arrived, DNA, booked, cancelled and displaced, and a waiting list of
 * known waits. The fixture's orthopaedics and ENT lists show the indicators left null where they are undefined;
 * another organisation's referral never counts. Every expected figure is written out with its working.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@pathflow/core';
import { appointments, clinicTemplates, pathways, rttEvents, slots, specialties } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { addTestLocation, createTestClinic, type TestClinic } from '../support/clinic';
import { cookieFrom, createHarness, type Harness, type Session } from '../support/app';
import { PASSWORD, seedFixture } from '../support/fixtures';

/** Monday 23 November 2026, 09:00 London (GMT): the current week runs to Sunday 29 November. */
const TODAY = '2026-11-23';
const DAY = 86_400_000;
const isoOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
const daysBefore = (days: number) => isoOf(Date.parse(`${TODAY}T00:00:00Z`) / DAY - days);

interface Counts {
  places: number;
  booked: number;
  used: number;
  unbooked: number;
  dna: number;
}
interface Week {
  weekStart: string;
  weekEnd: string;
  complete: boolean;
  referralsAdded: number;
  clockStops: number;
  removals: number;
  leftList: number;
  slots: Counts;
  clinicTypes: Record<string, Counts & { referralsAdded: number }>;
}
interface Indicators {
  weeksCounted: number;
  demand: number | null;
  demandCv: number | null;
  capacity: number | null;
  capacityCv: number | null;
  queueSize: number;
  meanWaitWeeks: number | null;
  load: number | null;
  targetMeanWait: number;
  targetQueueSize: number | null;
  queueRatio: number | null;
  queueTooBig: boolean | null;
  reliefCapacity: number | null;
  targetCapacity: number | null;
  pressure: number | null;
}
interface Report {
  asOf: string;
  from: string;
  to: string;
  weeks: number;
  targetWeeks: number;
  factor: number;
  timeToTargetWeeks: number;
  specialties: { code: string; name: string; weeks: Week[]; indicators: Indicators }[];
}

const none: Counts = { places: 0, booked: 0, used: 0, unbooked: 0, dna: 0 };

describe.each(ENGINES)('demand and capacity on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let builder: TestClinic;
  let templateId = '';
  let locationId = '';
  let slotSeq = 0;

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
  const get = (query: string, as: Session = clerk) =>
    h.app.inject({ method: 'GET', url: `/api/v1/capacity/weekly${query}`, headers: as.read });
  const report = async (query: string): Promise<Report> => {
    const res = await get(query);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body, query).not.toMatch(/NaN|Infinity/);
    return res.json<Report>();
  };
  const specialtyOf = (r: Report, code: string) => {
    const s = r.specialties.find((x) => x.code === code);
    expect(s, code).toBeDefined();
    return s!;
  };

  /** An ophthalmology pathway received (and started) on `received`; open with a running clock unless `over`. */
  const addPathway = (received: string, over: Partial<typeof pathways.$inferInsert> = {}) =>
    builder.addPathway({
      specialtyCode: '130',
      referralReceivedDate: received,
      clockStartDate: received,
      rttPeriodStart: received,
      ...over,
    });
  const addEvent = (pathwayId: string, date: string, code: string, origin = 'manual') =>
    h.db.db.insert(rttEvents).values({
      orgId: h.fixture.orgId,
      id: randomUUID(),
      pathwayId,
      eventDate: date,
      seq: 1,
      code,
      origin,
      recordedBy: 'test',
      recordedAt: new Date(`${TODAY}T08:00:00Z`),
    });
  /** A patient who left the list on `date` with `code`: received 1 June, the clock stopped. */
  const addLeaver = async (date: string, code: string, origin = 'manual') => {
    const p = await addPathway('2026-06-01', { rttRunning: false, rttPeriodStart: null });
    await addEvent(p.pathwayId, date, code, origin);
    return p;
  };
  const addSlot = async (date: string, slotType: string, capacity: number, status = 'open') => {
    const id = randomUUID();
    slotSeq += 1;
    const startsAt = new Date(`${date}T10:00:00Z`);
    await h.db.db.insert(slots).values({
      orgId: h.fixture.orgId,
      id,
      templateId,
      key: `${templateId}/v1/${date}/0/${slotSeq}`,
      sessionDate: date,
      sessionIndex: 0,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 15 * 60_000),
      slotType,
      capacity,
      booked: 0,
      status,
      specialtyCode: '130',
      clinicianId: null,
      locationId,
    });
    return id;
  };
  const addAppointment = async (slotId: string, slotType: string, status: string) => {
    const p = await addPathway('2026-06-01', { rttRunning: false, rttPeriodStart: null });
    await h.db.db.insert(appointments).values({
      orgId: h.fixture.orgId,
      id: randomUUID(),
      slotId,
      pathwayId: p.pathwayId,
      patientId: p.patientId,
      startsAt: new Date(`${TODAY}T10:00:00Z`),
      endsAt: new Date(`${TODAY}T10:15:00Z`),
      slotType,
      status,
      offeredOn: '2026-10-01',
      noticeDays: 21,
      reasonableOffer: true,
      bookedBy: 'test',
      bookedAt: new Date('2026-10-01T09:00:00Z'),
    });
  };

  beforeAll(async () => {
    h = await createHarness(engine);
    h.clock.set(`${TODAY}T09:00:00Z`);
    clerk = await h.signIn('booking-clerk');
    builder = await createTestClinic(h, 999_500_000);
    const orgId = h.fixture.orgId;
    await h.db.db.insert(specialties).values([
      { orgId, code: '130', name: 'Ophthalmology' },
      { orgId, code: '140', name: 'Oral surgery' },
    ]);
    locationId = await addTestLocation(h);
    templateId = randomUUID();
    await h.db.db.insert(clinicTemplates).values({
      orgId,
      id: templateId,
      name: 'Eye clinic',
      serviceName: 'Eye service',
      locationId,
      specialtyCode: '130',
      createdBy: 'test',
    });

    // Referrals, weeks W1 (26 Oct) to W4 (16 Nov): 2, 4, 3, 3; one this week (W5, not complete); one the Sunday
    // before W1. Each stays on the list, waiting from its referral. Completed weeks waited today in brackets.
    await addPathway('2026-10-25'); // before W1 (4 weeks + 1 day: 4)
    await addPathway('2026-10-26', { priority: 'two-week-wait' }); // W1, Monday (28 days: 4)
    await addPathway('2026-10-30', { priority: 'urgent' }); // W1 (24 days: 3)
    await addPathway('2026-11-02', { clinicType: 'procedure' }); // W2 (21: 3)
    await addPathway('2026-11-03'); // W2 (20: 2)
    await addPathway('2026-11-05', { priority: 'urgent', clinicType: 'urgent-new' }); // W2 (18: 2)
    await addPathway('2026-11-08'); // W2, Sunday (15: 2)
    await addPathway('2026-11-09'); // W3 (14: 2)
    await addPathway('2026-11-11', { priority: 'two-week-wait', clinicType: 'procedure' }); // W3 (12: 1)
    await addPathway('2026-11-13'); // W3 (10: 1)
    await addPathway('2026-11-16'); // W4 (7: 1)
    await addPathway('2026-11-20'); // W4 (3: 0)
    await addPathway('2026-11-22'); // W4, Sunday (1: 0)
    await addPathway('2026-11-23'); // W5, today (0: 0)
    // The rest of the list: 13 pathways waiting 32 weeks (224 days), one 35 weeks and a day (246 days: 35).
    const longWaiters: { pathwayId: string }[] = [];
    for (let i = 0; i < 13; i++) longWaiters.push(await addPathway(daysBefore(224)));
    await addPathway(daysBefore(246));
    // A DNA of the first appointment (33) nullifies a period and an activity (20) does not stop the clock:
    // neither is a departure. The pathways stay on the list.
    await addEvent(longWaiters[0]!.pathwayId, '2026-11-04', '33');
    await addEvent(longWaiters[1]!.pathwayId, '2026-11-11', '20');
    // Closed and stopped pathways are not on the list (a stop of 1 June, before the period).
    await addPathway('2026-06-01', { status: 'closed', closedDate: '2026-06-10', rttRunning: false });

    // Patients leaving the list: W1 2, W2 1, W3 3 (one a validation removal), W4 2; one the week before W1 and
    // one this week.
    await addLeaver('2026-10-25', '30'); // before W1
    await addLeaver('2026-10-26', '30'); // W1, Monday
    await addLeaver('2026-11-01', '31', 'clinic-outcome'); // W1, Sunday
    await addLeaver('2026-11-04', '32', 'clinic-outcome'); // W2
    await addLeaver('2026-11-10', '34', 'validation'); // W3: removal
    await addLeaver('2026-11-12', '35'); // W3
    await addLeaver('2026-11-15', '36'); // W3, Sunday
    await addLeaver('2026-11-16', '30', 'appointment'); // W4
    await addLeaver('2026-11-18', '30'); // W4
    await addLeaver('2026-11-23', '30'); // W5, today

    // Slots. W2: a new slot of 2 (attended, DNA), a new slot of 1 (its appointment cancelled), a follow-up slot
    // of 3 (arrived, booked with no outcome yet) and a cancelled procedure slot (left out).
    const w2new = await addSlot('2026-11-03', 'new', 2);
    await addAppointment(w2new, 'new', 'attended');
    await addAppointment(w2new, 'new', 'dna');
    await addAppointment(await addSlot('2026-11-04', 'new', 1), 'new', 'cancelled');
    const w2fu = await addSlot('2026-11-05', 'follow-up', 3);
    await addAppointment(w2fu, 'follow-up', 'arrived');
    await addAppointment(w2fu, 'follow-up', 'booked');
    await addSlot('2026-11-05', 'procedure', 1, 'cancelled');
    // W4: a two-week-wait slot on the Sunday, attended; an urgent slot of 2 whose appointment was displaced.
    await addAppointment(await addSlot('2026-11-22', 'two-week-wait', 1), 'two-week-wait', 'attended');
    await addAppointment(await addSlot('2026-11-16', 'urgent-new', 2), 'urgent-new', 'displaced');
    // W5: a new slot of 2 with one booked. Outside the period: the Sunday before W1 and next Monday.
    await addAppointment(await addSlot('2026-11-25', 'new', 2), 'new', 'booked');
    await addSlot('2026-10-25', 'new', 4);
    await addSlot('2026-11-30', 'new', 4);

    // Another organisation's referral, in orthopaedics in W2, never counts.
    const other = await seedFixture(h.db.db, 'XT9');
    await h.db.db.insert(pathways).values({
      orgId: other.orgId,
      id: randomUUID(),
      patientId: other.patients.alice,
      ppid: 'XT9OTHER000001',
      ppidIssuer: 'XT9',
      specialtyCode: '110',
      source: 'gp-referral',
      priority: 'routine',
      referralReceivedDate: '2026-11-03',
      clockStartDate: '2026-11-03',
      status: 'open',
      rttRunning: true,
      rttPeriodStart: '2026-11-03',
    });
  });
  afterAll(() => h?.close());

  it('counts referrals, departures and slots per specialty and clinic type, week by week', async () => {
    const r = await report('?from=2026-10-28&to=2026-11-29&specialty=130');
    // From the Monday of from's week to the Sunday of to's.
    expect([r.asOf, r.from, r.to, r.weeks]).toEqual([TODAY, '2026-10-26', '2026-11-29', 5]);
    expect(r.specialties.map((s) => [s.code, s.name])).toEqual([['130', 'Ophthalmology']]);
    const weeks = r.specialties[0]!.weeks;
    expect(weeks.map((w) => [w.weekStart, w.weekEnd, w.complete])).toEqual([
      ['2026-10-26', '2026-11-01', true],
      ['2026-11-02', '2026-11-08', true],
      ['2026-11-09', '2026-11-15', true],
      ['2026-11-16', '2026-11-22', true],
      ['2026-11-23', '2026-11-29', false],
    ]);
    expect(weeks.map((w) => [w.referralsAdded, w.clockStops, w.removals, w.leftList])).toEqual([
      [2, 2, 0, 2],
      [4, 1, 0, 1],
      [3, 2, 1, 3],
      [3, 2, 0, 2],
      [1, 1, 0, 1],
    ]);
    // First clinic type of each referral: W1 two-week wait and urgent (urgent-new); W2 procedure (by triage),
    // routine, urgent and routine; W3 routine, procedure (a two-week wait triaged to a procedure clinic),
    // routine; W4 three routine; W5 routine.
    const byType = (w: Week) =>
      Object.fromEntries(Object.entries(w.clinicTypes).map(([t, c]) => [t, c.referralsAdded]));
    expect(weeks.map(byType)).toEqual([
      { new: 0, 'follow-up': 0, 'urgent-new': 1, 'two-week-wait': 1, procedure: 0 },
      { new: 2, 'follow-up': 0, 'urgent-new': 1, 'two-week-wait': 0, procedure: 1 },
      { new: 2, 'follow-up': 0, 'urgent-new': 0, 'two-week-wait': 0, procedure: 1 },
      { new: 3, 'follow-up': 0, 'urgent-new': 0, 'two-week-wait': 0, procedure: 0 },
      { new: 1, 'follow-up': 0, 'urgent-new': 0, 'two-week-wait': 0, procedure: 0 },
    ]);
    const slotsOf = (w: Week) =>
      Object.fromEntries(Object.entries(w.clinicTypes).map(([t, { referralsAdded: _r, ...c }]) => [t, c]));
    // W1: no slots (the Sunday before holds 4 places, outside).
    expect(weeks[0]!.slots).toEqual(none);
    // W2: new 2 + 1 places, 2 booked (attended, DNA; the cancelled appointment frees its place), 1 used, 1 DNA,
    // 1 unbooked; follow-up 3 places, 2 booked (arrived, booked), 1 used, 1 unbooked; the cancelled
    // procedure slot is left out.
    expect(slotsOf(weeks[1]!)).toEqual({
      new: { places: 3, booked: 2, used: 1, unbooked: 1, dna: 1 },
      'follow-up': { places: 3, booked: 2, used: 1, unbooked: 1, dna: 0 },
      'urgent-new': none,
      'two-week-wait': none,
      procedure: none,
    });
    expect(weeks[1]!.slots).toEqual({ places: 6, booked: 4, used: 2, unbooked: 2, dna: 1 });
    expect(weeks[2]!.slots).toEqual(none);
    // W4: two-week wait 1 place attended; urgent 2 places, the displaced appointment holds none.
    expect(slotsOf(weeks[3]!)).toMatchObject({
      new: none,
      'urgent-new': { places: 2, booked: 0, used: 0, unbooked: 2, dna: 0 },
      'two-week-wait': { places: 1, booked: 1, used: 1, unbooked: 0, dna: 0 },
    });
    expect(weeks[3]!.slots).toEqual({ places: 3, booked: 1, used: 1, unbooked: 2, dna: 0 });
    // W5 (this week): 2 places, 1 booked, 1 still free. Next Monday's slot is outside.
    expect(weeks[4]!.slots).toEqual({ places: 2, booked: 1, used: 0, unbooked: 1, dna: 0 });
  });

  it('computes the queue indicators from the complete weeks, by hand', async () => {
    const r = await report('?from=2026-10-26&to=2026-11-29&specialty=130');
    expect([r.targetWeeks, r.factor, r.timeToTargetWeeks]).toEqual([18, 4, 26]);
    const i = specialtyOf(r, '130').indicators;
    // Over W1–W4 (W5 is not complete): referrals 2, 4, 3, 3 → demand 3/wk, sample variance (1 + 1)/3 = 2/3,
    // cv² = (2/3)/9 = 2/27; leavers 2, 1, 3, 2 → capacity 2/wk, variance 2/3, cv² = (2/3)/4 = 1/6.
    expect(i.weeksCounted).toBe(4);
    expect(i.demand).toBeCloseTo(3, 10);
    expect(i.demandCv).toBeCloseTo(Math.sqrt(2 / 27), 10);
    expect(i.capacity).toBeCloseTo(2, 10);
    expect(i.capacityCv).toBeCloseTo(Math.sqrt(1 / 6), 10);
    // The list: 14 referred from 25 October on (weeks 4, 4, 3, 3, 2, 2, 2, 2, 1, 1, 1, 0, 0, 0 = 25), 13 at 32
    // weeks (416) and one at 35 (246 days): 28 pathways, 476 weeks → mean 476/28 = 17.
    expect(i.queueSize).toBe(28);
    expect(i.meanWaitWeeks).toBeCloseTo(17, 10);
    // load 3/2; target mean wait 18/4 = 4.5; target queue 3 × 4.5 = 13.5; 28/13.5 = 2.074…, over 2: too big;
    // relief 3 + (28 − 13.5)/26 = 3.5576923…; target capacity 3 + ((2/27 + 1/6)/2) × 4/18 = 3 + 13/486;
    // pressure 2 × 17/18 = 1.888…
    expect(i.load).toBeCloseTo(1.5, 10);
    expect(i.targetMeanWait).toBeCloseTo(4.5, 10);
    expect(i.targetQueueSize).toBeCloseTo(13.5, 10);
    expect(i.queueRatio).toBeCloseTo(28 / 13.5, 10);
    expect(i.queueTooBig).toBe(true);
    expect(i.reliefCapacity).toBeCloseTo(3 + 14.5 / 26, 10);
    expect(i.reliefCapacity).toBeCloseTo(3.5576923, 6);
    expect(i.targetCapacity).toBeCloseTo(3 + 13 / 486, 10);
    expect(i.pressure).toBeCloseTo(34 / 18, 10);
  });

  it('takes the target wait, the factor and the time to target as options', async () => {
    const r = await report(
      '?from=2026-10-26&to=2026-11-22&specialty=130&targetWeeks=52&factor=2&timeToTargetWeeks=10',
    );
    expect([r.weeks, r.targetWeeks, r.factor, r.timeToTargetWeeks]).toEqual([4, 52, 2, 10]);
    const i = specialtyOf(r, '130').indicators;
    // Target mean wait 52/2 = 26; target queue 3 × 26 = 78: 28 is not too big; relief 3 + (28 − 78)/10 = −2;
    // target capacity 3 + (13/108) × 2/52 = 3 + 13/2808; pressure 2 × 17/52 = 34/52.
    expect(i.targetMeanWait).toBeCloseTo(26, 10);
    expect(i.targetQueueSize).toBeCloseTo(78, 10);
    expect(i.queueTooBig).toBe(false);
    expect(i.reliefCapacity).toBeCloseTo(-2, 10);
    expect(i.targetCapacity).toBeCloseTo(3 + 13 / 2808, 10);
    expect(i.pressure).toBeCloseTo(34 / 52, 10);
  });

  it('reads the last 12 complete weeks by default, every specialty, null where undefined', async () => {
    const r = await report('');
    expect([r.from, r.to, r.weeks]).toEqual(['2026-08-31', '2026-11-22', 12]);
    expect(r.specialties.map((s) => s.code)).toEqual(['120', '130', '140', '110']);
    for (const s of r.specialties)
      expect(
        s.weeks.every((w) => w.complete),
        s.code,
      ).toBe(true);

    // Ophthalmology: referrals 1 + 12 in the 12 weeks (the one of 25 October too) → demand 13/12; leavers
    // 1 + 8 → capacity 9/12 (this week's leaver and referral are outside).
    const eyes = specialtyOf(r, '130');
    expect(eyes.weeks.reduce((n, w) => n + w.referralsAdded, 0)).toBe(13);
    expect(eyes.weeks[7]).toMatchObject({ weekStart: '2026-10-19', referralsAdded: 1, leftList: 1 });
    expect(eyes.indicators.demand).toBeCloseTo(13 / 12, 10);
    expect(eyes.indicators.capacity).toBeCloseTo(9 / 12, 10);
    expect(eyes.indicators.load).toBeCloseTo(13 / 9, 10);

    // Orthopaedics: the fixture's two referrals of 1 September (week of 31 August), no departures: capacity 0,
    // so load is null; both still wait (83 days: 11 weeks) → pressure 2 × 11/18; the target queue is
    // (2/12) × 4.5 = 0.75, so a list of 2 is too big. The other organisation's referral of 3 November is not
    // counted.
    const ortho = specialtyOf(r, '110');
    expect(ortho.weeks.map((w) => w.referralsAdded)).toEqual([2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(ortho.indicators).toMatchObject({
      weeksCounted: 12,
      capacity: 0,
      load: null,
      queueSize: 2,
      meanWaitWeeks: 11,
      queueTooBig: true,
    });
    expect(ortho.indicators.targetQueueSize).toBeCloseTo(0.75, 10);
    expect(ortho.indicators.demand).toBeCloseTo(2 / 12, 10);
    expect(ortho.indicators.pressure).toBeCloseTo(22 / 18, 10);
    // ENT: two referrals (one since closed), one still waiting.
    expect(specialtyOf(r, '120').indicators).toMatchObject({ queueSize: 1, meanWaitWeeks: 11, load: null });

    // Oral surgery has nothing: demand and capacity 0 (cv 0), no list. Load, mean wait, pressure and the queue
    // ratio (0/0) are null; the target queue is 0 and not exceeded; no capacity is needed.
    expect(specialtyOf(r, '140').indicators).toEqual({
      weeksCounted: 12,
      demand: 0,
      demandCv: 0,
      capacity: 0,
      capacityCv: 0,
      queueSize: 0,
      meanWaitWeeks: null,
      load: null,
      targetMeanWait: 4.5,
      targetQueueSize: 0,
      queueRatio: 0,
      queueTooBig: false,
      reliefCapacity: 0,
      targetCapacity: 0,
      pressure: null,
    });
  });

  it('never sends NaN or Infinity: a list with no demand has no queue ratio', async () => {
    // Orthopaedics over this week only: no complete week, so everything taken from demand is null.
    const now = await report('?from=2026-11-23&to=2026-11-23&specialty=110');
    expect(specialtyOf(now, '110').indicators).toMatchObject({
      weeksCounted: 0,
      demand: null,
      capacity: null,
      load: null,
      targetQueueSize: null,
      queueTooBig: null,
      reliefCapacity: null,
      targetCapacity: null,
      queueSize: 2,
    });
    expect(specialtyOf(now, '110').indicators.pressure).toBeCloseTo(22 / 18, 10);
    // Orthopaedics over October: no demand, a list of 2 → target 0, ratio 2/0 is null; too big; relief 2/26.
    const october = await report('?from=2026-10-05&to=2026-10-25&specialty=110');
    const i = specialtyOf(october, '110').indicators;
    expect(i).toMatchObject({ demand: 0, targetQueueSize: 0, queueRatio: null, queueTooBig: true });
    expect(i.reliefCapacity).toBeCloseTo(2 / 26, 10);
  });

  it('allows 104 weeks, not 105', async () => {
    const r = await report('?from=2024-11-25&to=2026-11-22&specialty=140');
    expect([r.from, r.to, r.weeks]).toEqual(['2024-11-25', '2026-11-22', 104]);
    expect(r.specialties[0]!.weeks).toHaveLength(104);
    const only = await report('?to=2026-11-04&specialty=140');
    expect([only.from, only.to, only.weeks]).toEqual(['2026-08-17', '2026-11-08', 12]);
    const from = await report('?from=2026-11-04&specialty=140');
    expect([from.from, from.to, from.weeks]).toEqual(['2026-11-02', '2027-01-24', 12]);
  });

  it('refuses bad query values, naming the field', async () => {
    for (const [query, field] of [
      ['from=2026-13-01', '/query/from'],
      ['from=2026-02-30', '/query/from'],
      ['to=tomorrow', '/query/to'],
      ['from=2026-11-12&to=2026-11-10', '/query/to'],
      ['from=2026-11-10&to=2026-10-01', '/query/to'],
      ['from=2024-11-24&to=2026-11-22', '/query/to'],
      ['from=2020-01-06&to=2026-11-22', '/query/to'],
      ['specialty=999', '/query/specialty'],
      ['targetWeeks=0', '/query/targetWeeks'],
      ['factor=none', '/query/factor'],
      ['timeToTargetWeeks=0', '/query/timeToTargetWeeks'],
      ['week=3', '/query/week'],
    ] as const) {
      const res = await get(`?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type'], query).toContain('application/problem+json');
      const fields = res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field);
      expect(fields, query).toContain(field);
    }
  });

  it('is for those who read waiting lists', async () => {
    const flow = await signIn('flow-coordinator');
    expect((await get('', flow)).statusCode).toBe(403);
    const manager = await signIn('service-manager');
    expect((await get('?specialty=130', manager)).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/capacity/weekly' })).statusCode).toBe(401);
  });
});
