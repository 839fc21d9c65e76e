import { describe, expect, it } from 'vitest';
import { AS_OF, input, pathway, stressedList, weekly } from './fixtures.test-support';
import { prepareForecast, withCapacityAdjustments, type CapacityAdjustment } from './model';
import {
  forecastSlotTypes,
  forecastSummary,
  pathwayForecasts,
  potentialBreaches,
  whatIf,
  type PotentialBreach,
} from './results';
import { simulateForecast } from './simulate';

describe('the potential-breaches list', () => {
  const H = 8;
  const model = prepareForecast(
    input({
      horizonWeeks: H,
      pathways: [
        pathway('P-ahead-1', { clockStart: AS_OF - 300 }),
        pathway('P-ahead-2', { clockStart: AS_OF - 290 }),
        pathway('P-ahead-3', { clockStart: AS_OF - 280 }),
        // Breaches on day 12; three longer waiters take the weekly place before it: seen on day 21.
        pathway('P-unbooked', { clockStart: AS_OF - 115 }),
        // Accepts only procedure places, and specialty 110 has none.
        pathway('P-no-capacity', { clockStart: AS_OF - 110, slotTypes: ['procedure'] }),
        pathway('P-booked-late', { clockStart: AS_OF - 100, bookedDay: AS_OF + 40 }),
        pathway('P-delay', { clockStart: AS_OF - 120, unavailableUntil: AS_OF + 50 }),
        // Booked two days before the breach in a specialty that cancels most clinics.
        pathway('P-rebook', { specialtyCode: '120', clockStart: AS_OF - 120, bookedDay: AS_OF + 5 }),
        pathway('P-safe', { specialtyCode: '120', clockStart: AS_OF - 20, bookedDay: AS_OF + 3 }),
        // Over 18 weeks already: the next threshold is 52 weeks (day 5); specialty 130 has no places at all.
        pathway('P-over-18', { specialtyCode: '130', clockStart: AS_OF - 360 }),
        // Over 78 weeks: nothing left to forecast.
        pathway('P-over-78', { specialtyCode: '130', clockStart: AS_OF - 600 }),
      ],
      capacity: [weekly('110', 'new', 1, H), weekly('120', 'new', 1, H)],
      demand: [{ specialtyCode: '130', priority: 'routine', perWeek: 1 }],
      rates: { dna: 0, cancellation: 0, bySpecialty: { '120': { cancellation: 0.7 } } },
    }),
  );
  const columns = pathwayForecasts(model, simulateForecast(model, { seed: 12, runs: 200 }));
  const list = potentialBreaches(model, columns);
  const row = (id: string) => list.find((b) => b.pathwayId === id);

  it('lists the pathways at risk, soonest breach first, with the reason', () => {
    expect(list.map((b) => [b.pathwayId, b.weeks, b.leadDays, b.reason])).toEqual([
      ['P-over-18', 52, 5, 'no-capacity'],
      ['P-delay', 18, 7, 'patient-delay'],
      ['P-rebook', 18, 7, 'rebooking-risk'],
      ['P-unbooked', 18, 12, 'unbooked'],
      ['P-no-capacity', 18, 17, 'no-capacity'],
      ['P-booked-late', 18, 27, 'booked-after-breach'],
    ]);
  });

  it('gives the breach day, probability and projected day', () => {
    expect(row('P-unbooked')).toMatchObject<Partial<PotentialBreach>>({
      breachDay: AS_OF + 12,
      probability: 1,
      medianSeenDay: AS_OF + 21,
      specialtyCode: '110',
      priority: 'routine',
    });
    expect(row('P-booked-late')!.medianSeenDay).toBe(AS_OF + 40);
    expect(row('P-no-capacity')!.medianSeenDay).toBeNull();
    // Cancelled with probability 0.7, then rebooked on day 7 (the breach day) or later.
    expect(row('P-rebook')!.probability).toBeGreaterThan(0.6);
    expect(row('P-rebook')!.probability).toBeLessThan(0.8);
  });

  it('honours the threshold', () => {
    const strict = potentialBreaches(model, columns, { threshold: 0.9 });
    // P-rebook's median run is seen on day 7 (late), so it stays on the list as projected late.
    expect(strict.map((b) => b.pathwayId)).toContain('P-rebook');
    expect(() => potentialBreaches(model, columns, { threshold: 0 })).toThrow(RangeError);
  });

  it('names the slot types a pathway accepts', () => {
    expect(forecastSlotTypes(model, model.pathwayIds.indexOf('P-no-capacity'))).toEqual(['procedure']);
    expect(forecastSlotTypes(model, model.pathwayIds.indexOf('P-safe'))).toEqual(['new']);
  });
});

describe('what-if: more or fewer places per week', () => {
  const inp = stressedList({ seed: 21, pathways: 3000, specialties: 3, horizonWeeks: 26 });
  const model = prepareForecast(inp);
  const options = { seed: 77, runs: 40 };
  const changeNew = (perWeek: number): CapacityAdjustment[] =>
    model.specialtyCodes.map((specialtyCode) => ({ specialtyCode, slotType: 'new', perWeek }));
  const deltas = [-6, -3, 0, 3, 6];
  const scenarios = deltas.map((d) => {
    const m = withCapacityAdjustments(model, changeNew(d));
    const counts = simulateForecast(m, options);
    return { d, summary: forecastSummary(m, counts), columns: pathwayForecasts(m, counts) };
  });

  it('lowers the expected breaches as places are added and raises them as places are removed', () => {
    const breaches = scenarios.map((s) => s.summary.expectedPassing['18']);
    for (let i = 1; i < breaches.length; i++) expect(breaches[i]!).toBeLessThan(breaches[i - 1]!);
    const seen = scenarios.map((s) => s.summary.expectedSeen);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
    const longWaits = scenarios.map((s) => s.summary.expectedPassing['52']);
    for (let i = 1; i < longWaits.length; i++) expect(longWaits[i]!).toBeLessThanOrEqual(longWaits[i - 1]!);
  });

  it('never raises any pathway’s chance of passing 18 weeks when places are added (same seed)', () => {
    for (let i = 1; i < scenarios.length; i++) {
      const before = scenarios[i - 1]!.columns.passing;
      const after = scenarios[i]!.columns.passing;
      let rises = 0;
      for (let k = 0; k < before.length; k += 4) if (after[k]! > before[k]! + 1e-12) rises++;
      expect(rises).toBe(0);
    }
  });

  it('reports the change directly', () => {
    const result = whatIf(model, changeNew(3), options);
    const base = scenarios[2]!.summary;
    const plus3 = scenarios[3]!.summary;
    expect(result.baseline.expectedPassing['18']).toBeCloseTo(base.expectedPassing['18'], 9);
    expect(result.change.expectedPassing['18']).toBeCloseTo(
      plus3.expectedPassing['18'] - base.expectedPassing['18'],
      9,
    );
    expect(result.change.expectedPassing['18']).toBeLessThan(0);
    expect(result.change.expectedSeen).toBeGreaterThan(0);
  });

  it('applies adjustments to the weeks named only, and never below zero places', () => {
    const m = withCapacityAdjustments(model, [
      { specialtyCode: 'S0', slotType: 'new', perWeek: -1000, fromWeek: 2, toWeek: 4 },
    ]);
    const H = model.horizonWeeks;
    // S0 is specialty 0 and 'new' slot type 0, so its weeks are capacity[0 … H − 1].
    expect(model.capacity[1]).toBeGreaterThan(0);
    expect(m.capacity[0 * H + 1]).toBe(model.capacity[0 * H + 1]);
    expect(m.capacity[0 * H + 2]).toBe(0);
    expect(m.capacity[0 * H + 3]).toBe(0);
    expect(m.capacity[0 * H + 4]).toBe(model.capacity[0 * H + 4]);
    expect(() =>
      withCapacityAdjustments(model, [{ specialtyCode: 'S0', slotType: 'new', perWeek: 0.5 }]),
    ).toThrow(RangeError);
    expect(() =>
      withCapacityAdjustments(model, [
        { specialtyCode: 'S0', slotType: 'new', perWeek: 1, fromWeek: 5, toWeek: 3 },
      ]),
    ).toThrow(RangeError);
  });
});
