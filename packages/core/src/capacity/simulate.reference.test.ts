// A differential test: the fast simulation against a plain, slow re-statement of its rules (module comment
// of simulate.ts), on small random lists, draw for draw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SLOT_TYPES, type SlotType } from '../clinics/types';
import { breachDay } from '../rtt/measures';
import { AS_OF } from './fixtures.test-support';
import {
  FORECAST_THRESHOLD_WEEKS,
  SLOT_FILL_ORDER,
  prepareForecast,
  type ForecastInput,
  type ForecastModel,
  type ForecastPathway,
  type WeeklyCapacity,
} from './model';
import { SeededRandom, keyedUniform, streamKey } from './random';
import { FORECAST_WEEKLY_METRICS, simulateForecast } from './simulate';

interface Entity {
  key: number;
  prio: number;
  mask: number;
  spec: number;
  clock: number;
  state: 'queue' | 'pending' | 'booked' | 'seen' | 'gone';
  rejoinWeek: number;
  availableWeek: number;
  attempts: number;
  seenDay: number | null;
}

/** One run, the slow way. Returns each existing pathway's day seen (input order) and the weekly metrics. */
function referenceRun(model: ForecastModel, seed: number, run: number) {
  const { asOf, horizonWeeks: H, pathwayCount: n } = model;
  const runKey = streamKey(seed, 1, run);
  const rng = new SeededRandom(seed, 2, run);
  // The fast simulation numbers the list by class, then in turn, and keys each patient's attendance draws
  // by that number; the reference numbers them the same way so that both see the same draws.
  const internal = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => model.pathwayClass[a]! - model.pathwayClass[b]! || model.turnKey[a]! - model.turnKey[b]!,
  );
  const number = new Array<number>(n);
  internal.forEach((i, k) => (number[i] = k));
  const entities: Entity[] = [];
  const byInput: Entity[] = [];
  for (let i = 0; i < n; i++) {
    const booked = model.bookedDay[i] !== -2147483648;
    const e: Entity = {
      key: model.turnKey[i]!,
      prio: model.priorityRank[i]!,
      mask: model.slotMask[i]!,
      spec: model.specialty[i]!,
      clock: model.clockStart[i]!,
      state: booked ? 'booked' : model.availableWeek[i]! > 0 ? 'pending' : 'queue',
      rejoinWeek: model.availableWeek[i]!,
      availableWeek: model.availableWeek[i]!,
      attempts: 0,
      seenDay: null,
    };
    entities[number[i]!] = e;
    byInput[i] = e;
  }
  const metrics = FORECAST_WEEKLY_METRICS.map(() => new Array<number>(H).fill(0));
  const M = (name: (typeof FORECAST_WEEKLY_METRICS)[number]) =>
    metrics[FORECAST_WEEKLY_METRICS.indexOf(name)]!;
  const attend = (index: number, day: number, w: number) => {
    const e = entities[index]!;
    const u = keyedUniform(runKey, index, e.attempts++);
    const c = model.cancellationRate[e.spec]!;
    const dna = model.dnaRate[e.spec]!;
    if (u < c || u < c + (1 - c) * dna) {
      M(u < c ? 'cancelled' : 'dna')[w]!++;
      const week = Math.max(w + 1, index < n ? e.availableWeek : 0);
      e.state = week < H ? 'pending' : 'gone';
      e.rejoinWeek = week;
    } else {
      M('seen')[w]!++;
      e.state = 'seen';
      e.seenDay = day;
    }
  };
  for (let w = 0; w < H; w++) {
    const weekStart = asOf + 7 * w;
    for (const e of entities) if (e.state === 'pending' && e.rejoinWeek === w) e.state = 'queue';
    for (let i = 0; i < n; i++) {
      const b = model.bookedDay[i]!;
      if (b >= weekStart && b < weekStart + 7) attend(number[i]!, b, w);
    }
    for (let s = 0; s < model.specialtyCodes.length; s++) {
      for (const type of SLOT_FILL_ORDER) {
        const t = SLOT_TYPES.indexOf(type);
        const c = model.capacity[(s * SLOT_TYPES.length + t) * H + w]!;
        let k = 0;
        for (; k < c; k++) {
          const eligible = entities
            .map((e, index) => ({ e, index }))
            .filter(({ e }) => e.state === 'queue' && e.spec === s && (e.mask & (1 << t)) !== 0)
            .sort((a, b) => a.e.prio - b.e.prio || a.e.key - b.e.key);
          if (eligible.length === 0) break;
          attend(eligible[0]!.index, weekStart + Math.floor((7 * k) / c), w);
        }
        M('unusedPlaces')[w]! += c - k;
      }
    }
    let seq = 0;
    for (let d = 0; d < model.demandClass.length; d++) {
      const c = model.demandClass[d]!;
      const count = rng.poisson(model.demandPerWeek[d]!);
      const days = new Array<number>(7).fill(0);
      for (let a = 0; a < count; a++) days[rng.int(7)]!++;
      for (let day = 0; day < 7; day++) {
        for (let a = 0; a < days[day]!; a++) {
          entities.push({
            key: n + (w * 7 + day) * 0x10_0000 + seq++,
            prio: model.classPriority[c]!,
            mask: model.classMask[c]!,
            spec: model.classSpecialty[c]!,
            clock: weekStart + day,
            state: 'queue',
            rejoinWeek: 0,
            availableWeek: 0,
            attempts: 0,
            seenDay: null,
          });
        }
      }
      M('arrivals')[w]! += count;
    }
    const open = entities.filter((e) => e.state !== 'seen');
    M('waiting')[w] = open.length;
    FORECAST_THRESHOLD_WEEKS.forEach((weeks, j) => {
      metrics[FORECAST_WEEKLY_METRICS.indexOf('over18') + j]![w] = open.filter(
        (e) => breachDay(e.clock, weeks) <= weekStart + 7,
      ).length;
    });
  }
  return { seenDay: byInput.map((e) => e.seenDay), metrics };
}

const SPECIALTIES = ['100', '110', '120'];
const TYPES: readonly SlotType[] = ['new', 'urgent-new', 'two-week-wait', 'follow-up', 'procedure'];

const scenario = fc
  .record({
    H: fc.integer({ min: 1, max: 6 }),
    rows: fc.array(
      fc.record({
        spec: fc.integer({ min: 0, max: 2 }),
        priority: fc.constantFrom('routine' as const, 'urgent' as const, 'two-week-wait' as const),
        followUp: fc.boolean(),
        procedureOnly: fc.boolean(),
        wait: fc.integer({ min: 0, max: 500 }),
        booked: fc.option(fc.integer({ min: 0, max: 50 }), { freq: 3 }),
        unavailable: fc.option(fc.integer({ min: -5, max: 40 }), { freq: 4 }),
      }),
      { maxLength: 25 },
    ),
    places: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 15 * 6, maxLength: 15 * 6 }),
    demand: fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: 3, maxLength: 3 }),
    dna: fc.double({ min: 0, max: 0.5, noNaN: true }),
    cancellation: fc.double({ min: 0, max: 0.5, noNaN: true }),
    seed: fc.integer({ min: 0, max: 1000 }),
  })
  .map(({ H, rows, places, demand, dna, cancellation, seed }): { input: ForecastInput; seed: number } => {
    const pathways: ForecastPathway[] = rows.map((r, i) => ({
      pathwayId: `P${i}`,
      specialtyCode: SPECIALTIES[r.spec]!,
      priority: r.priority,
      clockStart: AS_OF - r.wait,
      appointment: r.followUp ? 'follow-up' : 'new',
      ...(r.procedureOnly ? { slotTypes: ['procedure' as const] } : {}),
      bookedDay: r.booked === null ? null : AS_OF + r.booked,
      unavailableUntil: r.unavailable === null ? null : AS_OF + r.unavailable,
    }));
    const capacity: WeeklyCapacity[] = [];
    SPECIALTIES.forEach((code, s) =>
      TYPES.forEach((slotType, t) =>
        capacity.push({
          specialtyCode: code,
          slotType,
          perWeek: Array.from({ length: H }, (_, w) => places[(s * 5 + t) * 6 + w]!),
        }),
      ),
    );
    return {
      seed,
      input: {
        asOf: AS_OF,
        horizonWeeks: H,
        pathways,
        capacity,
        demand: [
          { specialtyCode: '100', priority: 'routine', perWeek: demand[0]! },
          { specialtyCode: '110', priority: 'urgent', perWeek: demand[1]! },
          { specialtyCode: '110', priority: 'two-week-wait', perWeek: demand[2]! },
        ],
        rates: { dna, cancellation },
      },
    };
  });

describe('the fast simulation agrees with a slow re-statement of its rules', () => {
  it('run for run: days seen and every weekly figure (property)', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 50 }), ({ input, seed }, run) => {
        const model = prepareForecast(input);
        const counts = simulateForecast(model, { seed, runs: 1, runOffset: run });
        const expected = referenceRun(model, seed, run);
        const H = model.horizonWeeks;
        const got = model.pathwayIds.map((_, i) => {
          for (let w = 0; w < H; w++) {
            if (counts.seenWeek[i * (H + 1) + w] === 1) return AS_OF + 7 * w + counts.seenDaySum[i * H + w]!;
          }
          return null;
        });
        expect(got).toEqual(expected.seenDay);
        FORECAST_WEEKLY_METRICS.forEach((name, m) => {
          expect([name, Array.from(counts.weeklySum.subarray(m * H, m * H + H))]).toEqual([
            name,
            expected.metrics[m],
          ]);
        });
      }),
      { numRuns: 300 },
    );
  });
});
