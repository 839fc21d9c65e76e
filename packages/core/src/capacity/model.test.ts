import { describe, expect, it } from 'vitest';
import { AS_OF, input, pathway, weekly } from './fixtures.test-support';
import {
  FORECAST_NO_DAY,
  overBucket,
  placesInHorizon,
  prepareForecast,
  slotTypeMask,
  type ForecastInput,
} from './model';

describe('preparing the forecast', () => {
  const model = prepareForecast(
    input({
      horizonWeeks: 4,
      pathways: [
        pathway('P-iqbal', { clockStart: AS_OF - 10 }),
        pathway('P-jones', { priority: 'two-week-wait', clockStart: AS_OF - 3 }),
        pathway('P-khan', { clockStart: AS_OF - 90, bookedDay: AS_OF + 9 }),
        pathway('P-lewis', { clockStart: AS_OF - 40, unavailableUntil: AS_OF + 6 }),
        pathway('P-moss', { clockStart: AS_OF - 40, referralReceived: AS_OF - 45, specialtyCode: '100' }),
        pathway('P-nash', { clockStart: AS_OF - 60, bookedDay: AS_OF + 100 }),
      ],
      capacity: [weekly('110', 'new', 2, 4), weekly('110', 'new', 1, 4), weekly('100', 'follow-up', 3, 4)],
      demand: [
        { specialtyCode: '110', priority: 'routine', perWeek: 2 },
        { specialtyCode: '110', priority: 'routine', perWeek: 1.5 },
        { specialtyCode: '120', priority: 'urgent', perWeek: 1 },
      ],
    }),
  );
  const idx = (id: string) => model.pathwayIds.indexOf(id);

  it('orders the list in turn with the allocation engine’s comparison', () => {
    const inTurn = [...model.pathwayIds].sort((a, b) => model.turnKey[idx(a)]! - model.turnKey[idx(b)]!);
    // Two-week wait first; then routine by clock start, then referral received (P-moss was referred earlier
    // than P-lewis on the same clock start).
    expect(inTurn).toEqual(['P-jones', 'P-khan', 'P-nash', 'P-moss', 'P-lewis', 'P-iqbal']);
  });

  it('lists the specialties of pathways, capacity and demand', () => {
    expect(model.specialtyCodes).toEqual(['100', '110', '120']);
  });

  it('adds capacity given twice and merges demand streams of one class', () => {
    expect(placesInHorizon(model, 1, slotTypeMask(['new']))).toBe(12);
    expect(placesInHorizon(model, 0, slotTypeMask(['follow-up', 'procedure']))).toBe(12);
    expect(placesInHorizon(model, 2, slotTypeMask(['new']))).toBe(0);
    expect(Array.from(model.demandPerWeek).sort()).toEqual([1, 3.5]);
  });

  it('files bookings by week, leaves later bookings out, and holds back the unavailable', () => {
    expect(Array.from(model.bookingStart)).toEqual([0, 0, 1, 1, 1]);
    expect(model.bookingList[0]).toBe(idx('P-khan'));
    expect(model.bookedDay[idx('P-nash')]).toBe(AS_OF + 100);
    expect(model.bookedDay[idx('P-iqbal')]).toBe(FORECAST_NO_DAY);
    expect(model.availableWeek[idx('P-lewis')]).toBe(1);
    expect(model.initialPending[1]).toBe(idx('P-lewis'));
  });

  it('buckets the list by the census week each pathway first passes a threshold', () => {
    // 18 weeks: breach day = clock + 127; census of week w = asOf + 7(w + 1).
    expect(overBucket(AS_OF - 120, 18, AS_OF, 4)).toBe(0); // breach day asOf + 7: in the first census
    expect(overBucket(AS_OF - 119, 18, AS_OF, 4)).toBe(1); // asOf + 8
    expect(overBucket(AS_OF - 500, 18, AS_OF, 4)).toBe(0);
    expect(overBucket(AS_OF, 18, AS_OF, 4)).toBe(4); // beyond the horizon
  });
});

describe('refusing bad input', () => {
  const ok = input({ pathways: [pathway('P-owen')], capacity: [weekly('110', 'new', 1, 8)] });
  const bad: [string, Partial<ForecastInput>][] = [
    ['a clock start after asOf', { pathways: [pathway('P', { clockStart: AS_OF + 1 })] }],
    ['a booking before asOf', { pathways: [pathway('P', { bookedDay: AS_OF - 1 })] }],
    ['a duplicate pathway id', { pathways: [pathway('P'), pathway('P')] }],
    ['a non-integer day', { pathways: [pathway('P', { clockStart: AS_OF - 0.5 })] }],
    ['an unknown slot type', { pathways: [pathway('P', { slotTypes: ['theatre' as 'new'] })] }],
    ['no slot type at all', { pathways: [pathway('P', { slotTypes: [] })] }],
    ['an unknown priority', { pathways: [pathway('P', { priority: 'soon' as 'routine' })] }],
    ['capacity of the wrong length', { capacity: [weekly('110', 'new', 1, 7)] }],
    ['fractional capacity', { capacity: [weekly('110', 'new', 1.5, 8)] }],
    ['a DNA rate of 1', { rates: { dna: 1, cancellation: 0 } }],
    ['a negative cancellation rate', { rates: { dna: 0, cancellation: -0.1 } }],
    [
      'a bad rate for one specialty',
      { rates: { dna: 0, cancellation: 0, bySpecialty: { '110': { dna: 2 } } } },
    ],
    ['negative demand', { demand: [{ specialtyCode: '110', priority: 'routine', perWeek: -1 }] }],
    ['a horizon of 0 weeks', { horizonWeeks: 0 }],
    ['a horizon over two years', { horizonWeeks: 105 }],
  ];

  it('accepts the good input', () => {
    expect(prepareForecast(ok).pathwayCount).toBe(1);
  });

  it.each(bad)('refuses %s', (_, change) => {
    expect(() => prepareForecast({ ...ok, ...change })).toThrow(RangeError);
  });
});
