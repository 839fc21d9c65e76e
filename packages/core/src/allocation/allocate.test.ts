import { beforeAll, describe, expect, it } from 'vitest';
import type { Highs } from 'highs';
import { epochDayToIso, isoToEpochDay } from '../rtt/epoch-day';
import type { SlotType } from '../clinics/types';
import { allocate } from './allocate';
import { breachCost, unbookedCost } from './cost';
import { allocationLowerBoundLp } from './lp';
import { compareInTurn, isEligibleForSlot } from './turn';
import type { AllocateInput, AllocationPlan, AllocationWeights, FreeSlot, WaitingPatient } from './types';

let highs: Highs;
beforeAll(async () => {
  highs = await (await import('highs')).default();
});

const TODAY = '2025-07-01';
const todayDay = isoToEpochDay(TODAY);
const iso = (offset: number) => epochDayToIso(todayDay + offset);

function patient(id: string, waitedDays: number, extra: Partial<WaitingPatient> = {}): WaitingPatient {
  return {
    pathwayId: id,
    priority: 'routine',
    clockStart: iso(-waitedDays),
    referralReceived: iso(-waitedDays),
    specialtyCode: '110',
    clinicianId: null,
    ...extra,
  };
}

function slot(id: string, dayOffset: number, extra: Partial<FreeSlot> = {}): FreeSlot {
  return {
    slotId: id,
    date: iso(dayOffset),
    startsAt: `${iso(dayOffset)}T09:00:00Z`,
    slotType: 'new',
    specialtyCode: '110',
    clinicianId: null,
    capacity: 1,
    ...extra,
  };
}

const booking = (plan: AllocationPlan) =>
  Object.fromEntries(plan.assignments.map((a) => [a.pathwayId, a.slotId]));

/** mulberry32: a small seeded PRNG, floats in [0, 1). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A small random instance whose breach dates fall inside the horizon: mixed priorities, slot types,
 * clinicians, unavailable periods, minimum notice, slots outside the horizon, random weights.
 */
function randomInstance(seed: number, sizes = { patients: [5, 30], slots: [3, 15] }): AllocateInput {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const horizon = int(14, 120);
  const specialties = ['110', '130'].slice(0, int(1, 2));
  const clinicians = ['X', 'Y', 'Z'].slice(0, int(1, 3));
  const patients: WaitingPatient[] = [];
  const nP = int(sizes.patients[0]!, sizes.patients[1]!);
  for (let i = 0; i < nP; i++) {
    const x = r();
    const priority = x < 0.6 ? 'routine' : x < 0.85 ? 'urgent' : 'two-week-wait';
    // Waits chosen so that the 18-week, 52/65/78/104-week and priority-target dates fall in the horizon.
    const anchor = pick([0, 14, 126, 126, 126, 364, 455, 546, 728, int(0, 800)]);
    const waited = Math.max(0, anchor - int(-5, horizon));
    const p: WaitingPatient = {
      pathwayId: `P${String(i).padStart(2, '0')}-${seed}`,
      priority,
      clockStart: iso(-waited),
      referralReceived: iso(-waited - (r() < 0.3 ? int(0, 5) : 0)),
      specialtyCode: pick(specialties),
      clinicianId: r() < 0.35 ? pick(clinicians) : null,
    };
    if (r() < 0.1) p.appointment = 'follow-up';
    if (r() < 0.05) p.slotTypes = ['procedure'];
    if (r() < 0.25) {
      const from = int(-5, horizon);
      const periods = [{ from: iso(from), to: iso(from + int(0, 20)) }];
      if (r() < 0.3) periods.push({ from: iso(from + int(0, 30)), to: iso(from + int(30, 40)) });
      p.unavailable = periods;
    }
    patients.push(p);
  }
  const types: SlotType[] = [
    'new',
    'new',
    'new',
    'urgent-new',
    'urgent-new',
    'two-week-wait',
    'follow-up',
    'procedure',
  ];
  const slots: FreeSlot[] = [];
  const nS = int(sizes.slots[0]!, sizes.slots[1]!);
  for (let j = 0; j < nS; j++) {
    const d = int(-3, horizon + 3);
    slots.push({
      slotId: `S${String(j).padStart(2, '0')}`,
      date: iso(d),
      startsAt: `${iso(d)}T${String(int(8, 16)).padStart(2, '0')}:00:00Z`,
      slotType: pick(types),
      specialtyCode: pick(specialties),
      clinicianId: r() < 0.6 ? pick(clinicians) : null,
      capacity: int(0, 3),
    });
  }
  const input: AllocateInput = { patients, slots, today: TODAY, horizon };
  if (r() < 0.7) input.minNoticeDays = int(0, 7);
  if (r() < 0.5) {
    const weights: Partial<AllocationWeights> = {};
    for (const k of [
      'week18',
      'week52',
      'week65',
      'week78',
      'week104',
      'urgentTarget',
      'twoWeekWaitTarget',
      'unbooked',
    ] as const) {
      weights[k] = int(0, 60);
    }
    input.weights = weights;
  }
  return input;
}

/** Slots the model may use: inside the horizon (notice and eligibility are `isEligibleForSlot`'s). */
function inHorizon(input: AllocateInput, s: FreeSlot): boolean {
  const d = isoToEpochDay(s.date);
  return s.capacity > 0 && d < todayDay + input.horizon;
}

/** The full assignment model (one binary per eligible patient–slot pair), built from the public rules. */
function exactModel(input: AllocateInput): string {
  const options = { today: input.today, minNoticeDays: input.minNoticeDays };
  const cost = { weights: input.weights };
  const obj: string[] = [];
  const rows: string[] = [];
  const bins: string[] = [];
  const slotTerms: string[][] = input.slots.map(() => []);
  input.patients.forEach((p, i) => {
    const terms = [`u${i}`];
    bins.push(`u${i}`);
    obj.push(`+ ${unbookedCost(p, input.today, input.horizon, cost)} u${i}`);
    input.slots.forEach((s, j) => {
      if (!inHorizon(input, s) || !isEligibleForSlot(s, p, options)) return;
      const x = `x${i}_${j}`;
      bins.push(x);
      terms.push(x);
      slotTerms[j]!.push(x);
      obj.push(`+ ${breachCost(p, s.date, cost)} ${x}`);
    });
    rows.push(` p${i}: ${terms.join(' + ')} = 1`);
  });
  slotTerms.forEach((terms, j) => {
    if (terms.length > 0) rows.push(` s${j}: ${terms.join(' + ')} <= ${input.slots[j]!.capacity}`);
  });
  return `Minimize\n obj: ${obj.join(' ')}\nSubject To\n${rows.join('\n')}\nBinary\n ${bins.join(' ')}\nEnd\n`;
}

/** Checks everything a plan promises, against the public rules; returns the recomputed objective. */
function checkPlan(input: AllocateInput, plan: AllocationPlan, checkTurn = true): number {
  const byId = new Map(input.patients.map((p) => [p.pathwayId, p]));
  const slotById = new Map(input.slots.map((s) => [s.slotId, s]));
  const used = new Map<string, number>();
  const seen = new Set<string>();
  const options = { today: input.today, minNoticeDays: input.minNoticeDays };
  const cost = { weights: input.weights };
  let objective = 0;
  for (const a of plan.assignments) {
    expect(seen.has(a.pathwayId), `${a.pathwayId} booked twice`).toBe(false);
    seen.add(a.pathwayId);
    const p = byId.get(a.pathwayId)!;
    const s = slotById.get(a.slotId)!;
    expect(inHorizon(input, s)).toBe(true);
    expect(isEligibleForSlot(s, p, options), `${a.pathwayId} in ${a.slotId}`).toBe(true);
    used.set(s.slotId, (used.get(s.slotId) ?? 0) + 1);
    expect(a.date).toBe(s.date);
    expect(a.noticeDays).toBe(isoToEpochDay(s.date) - todayDay);
    expect(a.reasonableOffer).toBe(a.noticeDays >= 21);
    objective += breachCost(p, s.date, cost);
  }
  for (const [id, n] of used)
    expect(n, `slot ${id} over capacity`).toBeLessThanOrEqual(slotById.get(id)!.capacity);
  for (const u of plan.unassigned) {
    expect(seen.has(u.pathwayId)).toBe(false);
    seen.add(u.pathwayId);
    const p = byId.get(u.pathwayId)!;
    objective += unbookedCost(p, input.today, input.horizon, cost);
    const anyEligible = input.slots.some((s) => inHorizon(input, s) && isEligibleForSlot(s, p, options));
    expect(u.reason).toBe(anyEligible ? 'capacity' : 'no-eligible-slot');
  }
  expect(seen.size).toBe(input.patients.length);
  expect(plan.counts.booked + plan.counts.unassigned).toBe(input.patients.length);
  expect(plan.objective).toBe(objective);
  if (checkTurn) {
    // Out of turn ⇔ someone ahead in turn, eligible for the slot, is booked on a later date or not at all.
    const dateOf = new Map(plan.assignments.map((a) => [a.pathwayId, a.date]));
    for (const a of plan.assignments) {
      const p = byId.get(a.pathwayId)!;
      const s = slotById.get(a.slotId)!;
      const skipped = input.patients.some((q) => {
        if (q === p || compareInTurn(q, p) >= 0 || !isEligibleForSlot(s, q, options)) return false;
        const d = dateOf.get(q.pathwayId);
        return d === undefined || d > a.date;
      });
      expect(a.outOfTurn, `${a.pathwayId} in ${a.slotId}`).toBe(skipped);
    }
    expect(plan.counts.outOfTurn).toBe(plan.assignments.filter((a) => a.outOfTurn).length);
  }
  return objective;
}

describe('allocate: booking in turn', () => {
  it('books in turn when the costs leave a choice: earliest dates to the longest waiters', () => {
    // All three are past 18 weeks and far from 52: every date costs them the same.
    const patients = [patient('C', 200), patient('A', 260), patient('B', 230)];
    const slots = [slot('late', 20), slot('early', 3), slot('mid', 10)];
    const plan = allocate({ patients, slots, today: TODAY, horizon: 60 });
    expect(booking(plan)).toEqual({ A: 'early', B: 'mid', C: 'late' });
    expect(plan.counts.outOfTurn).toBe(0);
    expect(plan.assignments.map((a) => a.slotId)).toEqual(['early', 'mid', 'late']);
  });

  it('gives the earlier date to the patient first in turn when the other can still be seen before breaching', () => {
    // B breaches 18 weeks on day 15; days 3 and 10 both avoid it, so turn decides: A (the longer wait)
    // first. Day 20 is left free: among equal costs the plan uses the earlier dates.
    const patients = [patient('B', 112), patient('A', 300)];
    const plan = allocate({
      patients,
      slots: [slot('d20', 20), slot('d10', 10), slot('d3', 3)],
      today: TODAY,
      horizon: 30,
    });
    expect(booking(plan)).toEqual({ A: 'd3', B: 'd10' });
    expect(plan.counts.outOfTurn).toBe(0);
    // With the later date after B's breach date, B must go first: out of turn, to avoid the breach.
    const tight = allocate({ patients, slots: [slot('d20', 20), slot('d3', 3)], today: TODAY, horizon: 30 });
    expect(booking(tight)).toEqual({ A: 'd20', B: 'd3' });
    expect(tight.assignments.find((a) => a.pathwayId === 'B')).toMatchObject({
      outOfTurn: true,
      breachesAvoided: ['18-week'],
    });
  });

  it('leaves the last in turn unbooked when places run out and the costs tie', () => {
    const patients = [patient('A', 200), patient('B', 190), patient('C', 180), patient('D', 170)];
    const plan = allocate({
      patients,
      slots: [slot('s', 5, { capacity: 2 }), slot('t', 6)],
      today: TODAY,
      horizon: 30,
    });
    expect(Object.keys(booking(plan)).sort()).toEqual(['A', 'B', 'C']);
    expect(plan.unassigned).toEqual([{ pathwayId: 'D', reason: 'capacity' }]);
  });

  it('books out of turn to avoid a breach, and says so', () => {
    // A is long past 18 weeks (nothing more to lose soon); B breaches 18 weeks in 7 days.
    const patients = [patient('A', 300), patient('B', 120)];
    const plan = allocate({ patients, slots: [slot('s', 3)], today: TODAY, horizon: 14 });
    expect(booking(plan)).toEqual({ B: 's' });
    expect(plan.assignments[0]).toMatchObject({
      outOfTurn: true,
      breachesAvoided: ['18-week'],
      breaches: [],
    });
    expect(plan.unassigned).toEqual([{ pathwayId: 'A', reason: 'capacity' }]);
    expect(plan.stillBreaching).toEqual([
      { pathwayId: 'A', breaches: ['18-week'], booked: false, why: 'already-breached' },
    ]);
    expect(plan.objective).toBe(10 + 5);
    expect(plan.counts.breachesAvoided['18-week']).toBe(1);
  });

  it('gives a two-week-wait referral the urgent slot inside its target', () => {
    const patients = [
      patient('U', 30, { priority: 'urgent' }),
      patient('W', 10, { priority: 'two-week-wait' }),
    ];
    const plan = allocate({
      patients,
      slots: [slot('u1', 2, { slotType: 'urgent-new' })],
      today: TODAY,
      horizon: 10,
    });
    expect(booking(plan)).toEqual({ W: 'u1' });
    expect(plan.assignments[0]!.breachesAvoided).toEqual(['priority-target']);
  });

  it('explains who still breaches', () => {
    const patients = [
      patient('late', 125), // breaches 18 weeks in 2 days; the only slot is in 5 days
      patient('lost', 120, { specialtyCode: '130' }), // breaches in 7 days; its slot went to someone weightier
      patient('weightier', 360, { specialtyCode: '130' }), // 52 weeks in 5 days
    ];
    const slots = [slot('a', 5), slot('b', 3, { specialtyCode: '130' })];
    const plan = allocate({ patients, slots, today: TODAY, horizon: 20 });
    expect(booking(plan)).toEqual({ late: 'a', weightier: 'b' });
    const why = Object.fromEntries(plan.stillBreaching.map((s) => [s.pathwayId, s.why]));
    expect(why).toEqual({
      late: 'no-eligible-slot-in-time',
      lost: 'capacity',
      weightier: 'already-breached',
    });
  });
});

describe('allocate: constraints', () => {
  it('respects the minimum notice', () => {
    const plan = allocate({
      patients: [patient('A', 200)],
      slots: [slot('soon', 6), slot('ok', 7)],
      today: TODAY,
      horizon: 30,
      minNoticeDays: 7,
    });
    expect(booking(plan)).toEqual({ A: 'ok' });
    const none = allocate({
      patients: [patient('A', 200)],
      slots: [slot('soon', 6)],
      today: TODAY,
      horizon: 30,
      minNoticeDays: 7,
    });
    expect(none.unassigned).toEqual([{ pathwayId: 'A', reason: 'no-eligible-slot' }]);
    expect(none.counts.slots).toBe(0);
  });

  it('never books a patient on a day they cannot attend', () => {
    const patients = [patient('A', 300, { unavailable: [{ from: iso(2), to: iso(4) }] }), patient('B', 200)];
    const plan = allocate({ patients, slots: [slot('s3', 3), slot('s9', 9)], today: TODAY, horizon: 30 });
    expect(booking(plan)).toEqual({ A: 's9', B: 's3' });
    expect(plan.counts.outOfTurn).toBe(0); // A could not take s3, so B is not booked ahead of anyone
  });

  it('uses only slots inside the horizon and never beyond their free places', () => {
    const patients = Array.from({ length: 6 }, (_, i) => patient(`P${i}`, 200 + i));
    const slots = [
      slot('past', -1, { capacity: 5 }),
      slot('a', 1, { capacity: 2 }),
      slot('b', 29, { capacity: 1 }),
      slot('out', 30, { capacity: 5 }),
    ];
    const plan = allocate({ patients, slots, today: TODAY, horizon: 30 });
    expect(plan.assignments.map((a) => a.slotId).sort()).toEqual(['a', 'a', 'b']);
    expect(plan.counts).toMatchObject({ slots: 2, places: 3, booked: 3, unassigned: 3 });
  });

  it('matches specialty, clinician and slot type', () => {
    const patients = [
      patient('tied-X', 200, { clinicianId: 'X' }),
      patient('tied-Y', 200, { clinicianId: 'Y' }),
      patient('fu', 200, { appointment: 'follow-up' }),
      patient('other', 200, { specialtyCode: '130' }),
    ];
    const slots = [slot('x', 3, { clinicianId: 'X', capacity: 4 }), slot('f', 3, { slotType: 'follow-up' })];
    const plan = allocate({ patients, slots, today: TODAY, horizon: 30 });
    expect(booking(plan)).toEqual({ 'tied-X': 'x', fu: 'f' });
    expect(plan.unassigned.map((u) => [u.pathwayId, u.reason])).toEqual([
      ['other', 'no-eligible-slot'],
      ['tied-Y', 'no-eligible-slot'],
    ]);
  });

  it('flags offers with less than 21 days notice', () => {
    const plan = allocate({
      patients: [patient('A', 200), patient('B', 199)],
      slots: [slot('a', 20), slot('b', 21)],
      today: TODAY,
      horizon: 30,
    });
    expect(plan.assignments.map((a) => [a.pathwayId, a.noticeDays, a.reasonableOffer])).toEqual([
      ['A', 20, false],
      ['B', 21, true],
    ]);
    expect(plan.counts.reasonableOffers).toBe(1);
  });

  it('handles an empty list, no slots and a zero horizon', () => {
    expect(allocate({ patients: [], slots: [slot('a', 1)], today: TODAY, horizon: 30 }).counts.booked).toBe(
      0,
    );
    const none = allocate({ patients: [patient('A', 126)], slots: [], today: TODAY, horizon: 30 });
    expect(none.unassigned).toEqual([{ pathwayId: 'A', reason: 'no-eligible-slot' }]);
    expect(none.stillBreaching).toEqual([
      { pathwayId: 'A', breaches: ['18-week'], booked: false, why: 'no-eligible-slot-in-time' },
    ]);
    // A zero horizon: nothing can be booked; unbooked costs are taken today (126 days: within 18 weeks).
    const zero = allocate({ patients: [patient('A', 126)], slots: [slot('a', 0)], today: TODAY, horizon: 0 });
    expect(zero).toMatchObject({ objective: 5, counts: { booked: 0, slots: 0 } });
  });

  it('refuses bad input', () => {
    const base = { slots: [slot('a', 1)], today: TODAY, horizon: 30 };
    expect(() => allocate({ ...base, patients: [patient('A', 1), patient('A', 2)] })).toThrow(RangeError);
    expect(() =>
      allocate({ ...base, patients: [patient('A', 1)], slots: [slot('a', 1), slot('a', 2)] }),
    ).toThrow(RangeError);
    expect(() => allocate({ ...base, patients: [patient('A', 1, { clockStart: '2025-02-30' })] })).toThrow(
      RangeError,
    );
    expect(() => allocate({ ...base, patients: [], horizon: -1 })).toThrow(RangeError);
    expect(() => allocate({ ...base, patients: [], slots: [slot('a', 1, { capacity: 1.5 })] })).toThrow(
      RangeError,
    );
    expect(() => allocate({ ...base, patients: [], weights: { week18: -2 } })).toThrow(RangeError);
  });
});

describe('allocate: exact optimum (checked with HiGHS on the full assignment model)', () => {
  const SEEDS = 200;
  const cases: { seed: number; input: AllocateInput; plan: AllocationPlan }[] = [];
  beforeAll(() => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const input = randomInstance(seed);
      cases.push({ seed, input, plan: allocate(input) });
    }
  });

  it('equals the optimum of the unaggregated MIP on 200 random instances, and every plan keeps its promises', () => {
    let withChoice = 0;
    for (const { seed, input, plan } of cases) {
      checkPlan(input, plan);
      const solution = highs.solve(exactModel(input));
      expect(solution.Status, `seed ${seed}`).toBe('Optimal');
      expect(plan.objective, `seed ${seed}`).toBe(Math.round(solution.ObjectiveValue));
      if (plan.counts.booked > 0 && plan.counts.unassigned > 0) withChoice++;
    }
    // The instances are not trivial: most leave someone unbooked while booking others.
    expect(withChoice).toBeGreaterThan(100);
  });

  it('the aggregated LP (by week and slot type) is a lower bound on the plan', () => {
    let equal = 0;
    for (const { seed, input, plan } of cases) {
      let bound = 0;
      for (const part of allocationLowerBoundLp(input)) {
        const solution = highs.solve(part.lp);
        expect(solution.Status, `seed ${seed} ${part.specialtyCode}`).toBe('Optimal');
        bound += solution.ObjectiveValue + part.objectiveConstant;
      }
      expect(bound, `seed ${seed}`).toBeLessThanOrEqual(plan.objective + 1e-6);
      if (Math.abs(bound - plan.objective) < 1e-6) equal++;
    }
    expect(equal).toBeGreaterThan(0);
  });

  it('keeps its promises on a larger instance (3,000 patients, 800 slots)', () => {
    const input = randomInstance(4242, { patients: [3000, 3000], slots: [800, 800] });
    input.horizon = 120;
    const plan = allocate(input);
    checkPlan(input, plan, false);
    expect(plan.counts.booked).toBeGreaterThan(500);
  });
});
