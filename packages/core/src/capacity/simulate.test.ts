import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareInTurn } from '../allocation/turn';
import type { WaitingPatient } from '../allocation/types';
import { epochDayToIso } from '../rtt/epoch-day';
import { breachDay } from '../rtt/measures';
import { AS_OF, input, pathway, stressedList, weekly } from './fixtures.test-support';
import { FORECAST_NO_DAY, prepareForecast, type ForecastInput, type ForecastPathway } from './model';
import { forecastSummary, pathwayForecast, pathwayForecasts } from './results';
import { SeededRandom, streamKey } from './random';
import {
  FORECAST_WEEKLY_METRICS,
  MAX_FORECAST_RUNS,
  Simulation,
  emptyForecastCounts,
  mergeForecastCounts,
  simulateForecast,
} from './simulate';

function forecastOf(inp: ForecastInput, runs = 1, seed = 1) {
  const model = prepareForecast(inp);
  const counts = simulateForecast(model, { seed, runs });
  const columns = pathwayForecasts(model, counts);
  const byId = new Map(model.pathwayIds.map((id, i) => [id, pathwayForecast(model, columns, i)]));
  return { model, counts, columns, byId, summary: forecastSummary(model, counts) };
}

const metric = (name: (typeof FORECAST_WEEKLY_METRICS)[number]) => FORECAST_WEEKLY_METRICS.indexOf(name);

describe('booking forward in turn (no cancellations, no DNAs: every run is the same)', () => {
  // Five routine patients, two new-patient places a week: the longest waiters go first, and the places of a
  // week fall on days 0 and 3 of it (⌊7k/2⌋).
  const list = [
    pathway('P-evans', { clockStart: AS_OF - 10 }),
    pathway('P-ahmed', { clockStart: AS_OF - 200 }),
    pathway('P-chen', { clockStart: AS_OF - 100 }),
    pathway('P-bell', { clockStart: AS_OF - 150 }),
    pathway('P-davies', { clockStart: AS_OF - 50 }),
  ];
  const f = forecastOf(input({ pathways: list, horizonWeeks: 4, capacity: [weekly('110', 'new', 2, 4)] }), 3);

  it.each([
    ['P-ahmed', 0],
    ['P-bell', 3],
    ['P-chen', 7],
    ['P-davies', 10],
    ['P-evans', 14],
  ])('sees %s on day %s of the horizon', (id, offset) => {
    expect(f.byId.get(id)!.medianSeenDay).toBe(AS_OF + offset);
    expect(f.byId.get(id)!.seenWithinHorizon).toBe(1);
  });

  it.each([
    [7, [0, 1, 2, 3, 4, 5, 6]],
    [3, [0, 2, 4]],
    [5, [0, 1, 2, 4, 5]],
  ])('spreads %s places over the week on days ⌊7k/c⌋', (c, days) => {
    const many = Array.from({ length: c }, (_, i) => pathway(`P-${i}`, { clockStart: AS_OF - 100 + i }));
    const g = forecastOf(input({ pathways: many, horizonWeeks: 1, capacity: [weekly('110', 'new', c, 1)] }));
    expect(many.map((p) => g.byId.get(p.pathwayId)!.medianSeenDay! - AS_OF)).toEqual(days);
  });

  it('counts a threshold passed exactly when the day seen is on or after its breach day', () => {
    // P-ahmed: clock 200 days ago, seen on asOf: over 18 weeks (126 days) already.
    expect(f.byId.get('P-ahmed')!.passing['18']).toBe(1);
    // P-chen: 100 days + 7 = 107 days: within 18 weeks.
    expect(f.byId.get('P-chen')!.passing['18']).toBe(0);
    expect(f.byId.get('P-ahmed')!.passing['52']).toBe(0);
  });

  it('records the weekly figures', () => {
    const H = 4;
    const seen = [0, 1, 2, 3].map((w) => f.counts.weeklySum[metric('seen') * H + w]! / 3);
    const waiting = [0, 1, 2, 3].map((w) => f.counts.weeklySum[metric('waiting') * H + w]! / 3);
    const unused = [0, 1, 2, 3].map((w) => f.counts.weeklySum[metric('unusedPlaces') * H + w]! / 3);
    expect(seen).toEqual([2, 2, 1, 0]);
    expect(waiting).toEqual([3, 1, 0, 0]);
    expect(unused).toEqual([0, 0, 1, 2]);
    expect(f.summary.weekly.seen.sd).toEqual([0, 0, 0, 0]);
  });
});

describe('the breach boundary', () => {
  it('is the RTT rule: seen on the breach day passes 18 weeks, the day before does not', () => {
    const clockOnTime = AS_OF - 126; // breach day = asOf + 1
    const list = [pathway('P-on-time', { clockStart: clockOnTime, bookedDay: AS_OF })];
    const late = [pathway('P-late', { clockStart: clockOnTime, bookedDay: breachDay(clockOnTime, 18) })];
    expect(forecastOf(input({ pathways: list })).byId.get('P-on-time')!.passing['18']).toBe(0);
    expect(forecastOf(input({ pathways: late })).byId.get('P-late')!.passing['18']).toBe(1);
  });

  it('counts a patient not seen in the horizon as passing when the breach day is at or before its end', () => {
    const H = 8;
    const end = AS_OF + 7 * H;
    const list = [
      pathway('P-breaches-at-end', { clockStart: end - 127 }),
      pathway('P-breaches-after', { clockStart: end - 126 }),
    ];
    const f = forecastOf(input({ pathways: list, horizonWeeks: H }));
    expect(f.byId.get('P-breaches-at-end')!).toMatchObject({ medianSeenDay: null, seenWithinHorizon: 0 });
    expect(f.byId.get('P-breaches-at-end')!.passing['18']).toBe(1);
    expect(f.byId.get('P-breaches-after')!.passing['18']).toBe(0);
  });
});

describe('priorities, slot types and bookings', () => {
  it('gives urgent-new places to two-week-wait patients first, then new places to urgent before routine', () => {
    const list = [
      pathway('P-routine-long', { clockStart: AS_OF - 300 }),
      pathway('P-urgent', { priority: 'urgent', clockStart: AS_OF - 5 }),
      pathway('P-2ww', { priority: 'two-week-wait', clockStart: AS_OF - 2 }),
    ];
    const f = forecastOf(
      input({
        pathways: list,
        capacity: [weekly('110', 'urgent-new', 1, 8), weekly('110', 'new', 1, 8)],
      }),
    );
    // Week 0: the urgent-new place goes to the two-week wait, the new place to the urgent patient.
    expect(f.byId.get('P-2ww')!.medianSeenDay).toBe(AS_OF);
    expect(f.byId.get('P-urgent')!.medianSeenDay).toBe(AS_OF);
    // Week 1: the routine patient gets the new place (routine patients do not take urgent-new places).
    expect(f.byId.get('P-routine-long')!.medianSeenDay).toBe(AS_OF + 7);
  });

  it('keeps booked patients out of the free places and sees them on the booked day', () => {
    const list = [
      pathway('P-booked', { clockStart: AS_OF - 400, bookedDay: AS_OF + 30 }),
      pathway('P-waiting', { clockStart: AS_OF - 20 }),
      pathway('P-booked-late', { clockStart: AS_OF - 300, bookedDay: AS_OF + 200 }),
    ];
    const f = forecastOf(input({ pathways: list, capacity: [weekly('110', 'new', 1, 8)] }));
    expect(f.byId.get('P-booked')!.medianSeenDay).toBe(AS_OF + 30);
    expect(f.byId.get('P-waiting')!.medianSeenDay).toBe(AS_OF);
    expect(f.byId.get('P-booked-late')!.medianSeenDay).toBeNull();
  });

  it('holds an unavailable patient back until the first week after the unavailability, then in turn', () => {
    const list = [
      pathway('P-away', { clockStart: AS_OF - 300, unavailableUntil: AS_OF + 9 }),
      pathway('P-here-1', { clockStart: AS_OF - 30 }),
      pathway('P-here-2', { clockStart: AS_OF - 20 }),
      pathway('P-here-3', { clockStart: AS_OF - 10 }),
    ];
    const f = forecastOf(input({ pathways: list, capacity: [weekly('110', 'new', 1, 8)] }));
    expect(f.byId.get('P-here-1')!.medianSeenDay).toBe(AS_OF);
    expect(f.byId.get('P-here-2')!.medianSeenDay).toBe(AS_OF + 7);
    // Back from week 2, and ahead of P-here-3 in turn.
    expect(f.byId.get('P-away')!.medianSeenDay).toBe(AS_OF + 14);
    expect(f.byId.get('P-here-3')!.medianSeenDay).toBe(AS_OF + 21);
  });

  it('lets a follow-up take follow-up or procedure places, and a procedure-only patient only procedure places', () => {
    const list = [
      pathway('P-follow-up', { appointment: 'follow-up', clockStart: AS_OF - 50 }),
      pathway('P-procedure', { slotTypes: ['procedure'], clockStart: AS_OF - 60 }),
    ];
    const f = forecastOf(
      input({ pathways: list, capacity: [weekly('110', 'follow-up', 1, 8), weekly('110', 'new', 5, 8)] }),
    );
    expect(f.byId.get('P-follow-up')!.medianSeenDay).toBe(AS_OF);
    expect(f.byId.get('P-procedure')!.medianSeenDay).toBeNull();
  });
});

describe('the in-turn order is the allocation engine’s', () => {
  it('sees patients, one new place a week, in compareInTurn order (property)', () => {
    const patientArb = fc.record({
      priority: fc.constantFrom('routine' as const, 'urgent' as const),
      wait: fc.integer({ min: 0, max: 40 }),
      referralGap: fc.integer({ min: 0, max: 3 }),
      id: fc.stringMatching(/^[A-C]{1,3}$/),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(patientArb, { minLength: 1, maxLength: 12, selector: (p) => p.id }),
        (rows) => {
          const list: ForecastPathway[] = rows.map((r) => ({
            pathwayId: r.id,
            specialtyCode: '110',
            priority: r.priority,
            clockStart: AS_OF - r.wait,
            referralReceived: AS_OF - r.wait - r.referralGap,
          }));
          const H = list.length;
          const f = forecastOf(
            input({ pathways: list, horizonWeeks: H, capacity: [weekly('110', 'new', 1, H)] }),
          );
          const bySeen = [...list].sort(
            (a, b) => f.byId.get(a.pathwayId)!.medianSeenDay! - f.byId.get(b.pathwayId)!.medianSeenDay!,
          );
          const asPatient = (p: ForecastPathway): WaitingPatient => ({
            pathwayId: p.pathwayId,
            priority: p.priority,
            clockStart: epochDayToIso(p.clockStart),
            referralReceived: epochDayToIso(p.referralReceived!),
            specialtyCode: p.specialtyCode,
            clinicianId: null,
          });
          const inTurn = [...list].sort((a, b) => compareInTurn(asPatient(a), asPatient(b)));
          expect(bySeen.map((p) => p.pathwayId)).toEqual(inTurn.map((p) => p.pathwayId));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('cancellations, DNAs and new referrals', () => {
  it('sees a booked patient on the day with probability (1 − cancellation)(1 − DNA), else rebooks them', () => {
    const runs = 2000;
    const f = forecastOf(
      input({
        pathways: [pathway('P-fox', { bookedDay: AS_OF + 2 })],
        capacity: [weekly('110', 'new', 1, 8)],
        rates: { dna: 0.2, cancellation: 0.25 },
      }),
      runs,
    );
    const p = 0.75 * 0.8;
    const seenOnTheDay = f.counts.seenWeek[0]! / runs;
    expect(Math.abs(seenOnTheDay - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / runs));
    // Rebooked into the next week's free place, seen with the same probability, and so on.
    const week1 = f.counts.seenWeek[1]! / runs;
    const q = (1 - p) * p;
    expect(Math.abs(week1 - q)).toBeLessThan(4 * Math.sqrt((q * (1 - q)) / runs));
    const dna = f.summary.weekly.dna.mean[0]!;
    const cancelled = f.summary.weekly.cancelled.mean[0]!;
    expect(Math.abs(cancelled - 0.25)).toBeLessThan(0.04);
    expect(Math.abs(dna - 0.75 * 0.2)).toBeLessThan(0.04);
  });

  it('adds Poisson referrals that wait for places and then count in the census', () => {
    const H = 10;
    const runs = 400;
    const f = forecastOf(
      input({
        pathways: [pathway('P-gray')],
        horizonWeeks: H,
        demand: [{ specialtyCode: '110', priority: 'routine', perWeek: 12 }],
      }),
      runs,
    );
    const arrivals = f.summary.weekly.arrivals;
    const mean = arrivals.mean.reduce((s, x) => s + x, 0) / H;
    expect(Math.abs(mean - 12)).toBeLessThan(4 * Math.sqrt(12 / (runs * H)));
    const sd = arrivals.sd.reduce((s, x) => s + x, 0) / H;
    expect(sd).toBeGreaterThan(Math.sqrt(12) * 0.9);
    expect(sd).toBeLessThan(Math.sqrt(12) * 1.1);
    // No places: the list is the patient already waiting plus everyone referred so far.
    for (let w = 0; w < H; w++) {
      const cumulative = arrivals.mean.slice(0, w + 1).reduce((s, x) => s + x, 0);
      expect(f.summary.weekly.waiting.mean[w]).toBeCloseTo(1 + cumulative, 9);
    }
  });

  it('counts the long waiters in each week’s census', () => {
    const H = 8;
    const list = Array.from({ length: 30 }, (_, i) => pathway(`P-${i}`, { clockStart: AS_OF - 100 - 3 * i }));
    const f = forecastOf(input({ pathways: list, horizonWeeks: H }));
    for (let w = 0; w < H; w++) {
      const census = AS_OF + 7 * (w + 1);
      const over = list.filter((p) => breachDay(p.clockStart, 18) <= census).length;
      expect(f.summary.weekly.over18.mean[w]).toBe(over);
    }
  });
});

describe('seeds, splits and merges', () => {
  const inp = stressedList({ seed: 3, pathways: 400, specialties: 2, horizonWeeks: 12 });
  const model = prepareForecast(inp);

  it('is deterministic for a seed and varies with it', () => {
    const a = simulateForecast(model, { seed: 5, runs: 20 });
    const b = simulateForecast(model, { seed: 5, runs: 20 });
    const c = simulateForecast(model, { seed: 6, runs: 20 });
    expect(b).toEqual(a);
    expect(c.seenWeek).not.toEqual(a.seenWeek);
  });

  it('gives the same counts for runs 0–199 as for runs 0–99 merged with runs 100–199', () => {
    const whole = simulateForecast(model, { seed: 9, runs: 200 });
    const first = simulateForecast(model, { seed: 9, runs: 100 });
    const second = simulateForecast(model, { seed: 9, runs: 100, runOffset: 100 });
    const merged = mergeForecastCounts(second, first);
    expect(merged.runs).toBe(200);
    expect(merged.runRanges).toEqual([[0, 200]]);
    expect(merged.seenWeek).toEqual(whole.seenWeek);
    expect(merged.seenDaySum).toEqual(whole.seenDaySum);
    expect(merged.passed).toEqual(whole.passed);
    expect(merged.weeklySum).toEqual(whole.weeklySum);
    expect(merged.weeklySumSquares).toEqual(whole.weeklySumSquares);
  });

  it('refuses to merge overlapping runs or counts of another seed', () => {
    const a = simulateForecast(model, { seed: 9, runs: 10 });
    const b = simulateForecast(model, { seed: 9, runs: 10, runOffset: 5 });
    expect(() => mergeForecastCounts(a, b)).toThrow(/counted twice/);
    expect(() =>
      mergeForecastCounts(a, simulateForecast(model, { seed: 8, runs: 1, runOffset: 50 })),
    ).toThrow(RangeError);
  });

  it('refuses to merge past the most runs one count holds (16-bit counters)', () => {
    const empty = emptyForecastCounts(model, 9);
    const a = { ...empty, runs: 6000, runRanges: [[0, 6000]] as const };
    const b = { ...empty, runs: 5000, runRanges: [[6000, 11_000]] as const };
    expect(() => mergeForecastCounts(a, b)).toThrow(/At most 10000 runs/);
  });

  it('keeps the counts consistent: every pathway in one week bucket per run, passing at most once per run', () => {
    const runs = 30;
    const counts = simulateForecast(model, { seed: 2, runs });
    const H = model.horizonWeeks;
    for (let i = 0; i < model.pathwayCount; i++) {
      let total = 0;
      for (let w = 0; w <= H; w++) total += counts.seenWeek[i * (H + 1) + w]!;
      expect(total).toBe(runs);
      for (let j = 1; j < 4; j++)
        expect(counts.passed[i * 4 + j]!).toBeLessThanOrEqual(counts.passed[i * 4 + j - 1]!);
    }
    const s = forecastSummary(model, counts);
    for (let w = 1; w < H; w++) {
      // The list changes by arrivals minus appointments attended.
      const change = s.weekly.waiting.mean[w]! - s.weekly.waiting.mean[w - 1]!;
      expect(change).toBeCloseTo(s.weekly.arrivals.mean[w]! - s.weekly.seen.mean[w]!, 9);
    }
  });

  it('grows its arrays when more referrals arrive than it made room for, with the same results', () => {
    const sim = new Simulation(model, 1);
    const counts = emptyForecastCounts(model, 9);
    const rng = new SeededRandom(9);
    for (let r = 0; r < 5; r++) {
      rng.reseed(9, 2, r);
      sim.run(streamKey(9, 1, r), rng);
      sim.tally(counts);
    }
    const normal = simulateForecast(model, { seed: 9, runs: 5 });
    expect(counts.seenWeek).toEqual(normal.seenWeek);
    expect(counts.weeklySum).toEqual(normal.weeklySum);
  });

  it('refuses bad options', () => {
    expect(() => simulateForecast(model, { seed: 1.5, runs: 1 })).toThrow(RangeError);
    expect(() => simulateForecast(model, { seed: 1, runs: -1 })).toThrow(RangeError);
    expect(() => simulateForecast(model, { seed: 1, runs: MAX_FORECAST_RUNS + 1 })).toThrow(RangeError);
    expect(() => simulateForecast(model, { seed: 1, runs: 1, runOffset: -2 })).toThrow(RangeError);
    expect(() => pathwayForecasts(model, simulateForecast(model, { seed: 1, runs: 0 }))).toThrow(/no runs/);
  });

  it('marks a pathway not seen in the median run with FORECAST_NO_DAY in the columns', () => {
    const counts = simulateForecast(model, { seed: 4, runs: 15 });
    const cols = pathwayForecasts(model, counts);
    for (let i = 0; i < model.pathwayCount; i++) {
      const notSeen = counts.seenWeek[i * (model.horizonWeeks + 1) + model.horizonWeeks]!;
      expect(cols.medianSeenDay[i] === FORECAST_NO_DAY).toBe(notSeen >= Math.floor(15 / 2) + 1);
    }
  });
});
