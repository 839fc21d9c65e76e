import { describe, expect, it } from 'vitest';
import { AS_OF } from './fixtures.test-support';
import { targetCapacity } from './queue';
import { demandStreams, meanAndCv, weeklyCapacity, weeklyDemand } from './weekly';

describe('weekly capacity from free slots', () => {
  it('adds free places per specialty and slot type per week and leaves out slots outside the weeks', () => {
    const series = weeklyCapacity(
      [
        { date: '2026-01-05', specialtyCode: '110', slotType: 'new', capacity: 2 },
        { date: '2026-01-11', specialtyCode: '110', slotType: 'new', capacity: 1 },
        { date: '2026-01-12', specialtyCode: '110', slotType: 'new', capacity: 4 },
        { date: AS_OF + 1, specialtyCode: '110', slotType: 'urgent-new', capacity: 1 },
        { date: '2026-01-04', specialtyCode: '110', slotType: 'new', capacity: 9 },
        { date: '2026-01-19', specialtyCode: '110', slotType: 'new', capacity: 9 },
        { date: '2026-01-06', specialtyCode: '100', slotType: 'follow-up', capacity: 3 },
      ],
      AS_OF,
      2,
    );
    expect(series).toEqual([
      { specialtyCode: '100', slotType: 'follow-up', perWeek: [3, 0] },
      { specialtyCode: '110', slotType: 'new', perWeek: [3, 4] },
      { specialtyCode: '110', slotType: 'urgent-new', perWeek: [1, 0] },
    ]);
  });

  it('refuses bad slots', () => {
    expect(() =>
      weeklyCapacity([{ date: '2026-13-01', specialtyCode: '1', slotType: 'new', capacity: 1 }], AS_OF, 1),
    ).toThrow(RangeError);
    expect(() =>
      weeklyCapacity([{ date: AS_OF, specialtyCode: '1', slotType: 'new', capacity: -1 }], AS_OF, 1),
    ).toThrow(RangeError);
    expect(() => weeklyCapacity([], AS_OF, 0)).toThrow(RangeError);
  });
});

describe('weekly demand from referrals', () => {
  const referrals = [
    ...Array.from({ length: 4 }, () => ({
      specialtyCode: '110',
      priority: 'routine' as const,
      received: AS_OF,
    })),
    ...Array.from({ length: 2 }, () => ({
      specialtyCode: '110',
      priority: 'routine' as const,
      received: AS_OF + 8,
    })),
    { specialtyCode: '110', priority: 'urgent' as const, received: '2026-01-20' },
    { specialtyCode: '110', priority: 'routine' as const, received: AS_OF - 1 },
  ];

  it('counts referrals per week with their mean and coefficient of variation', () => {
    const demand = weeklyDemand(referrals, AS_OF, 3);
    expect(demand.map((d) => [d.specialtyCode, d.priority, d.perWeek])).toEqual([
      ['110', 'routine', [4, 2, 0]],
      ['110', 'urgent', [0, 0, 1]],
    ]);
    expect(demand[0]!.mean).toBe(2);
    expect(demand[0]!.cv).toBeCloseTo(1, 12);
    expect(demandStreams(demand)).toEqual([
      { specialtyCode: '110', priority: 'routine', appointment: 'new', perWeek: 2 },
      { specialtyCode: '110', priority: 'urgent', appointment: 'new', perWeek: 1 / 3 },
    ]);
  });

  it('feeds the target capacity formula', () => {
    const d = weeklyDemand(referrals, AS_OF, 3)[0]!;
    // demand 2/wk, cv 1, capacity cv 1, F 4, target 18 weeks: 2 + 1 × 4/18.
    expect(targetCapacity(d.mean, 18, { cvDemand: d.cv })).toBeCloseTo(2 + 4 / 18, 12);
  });

  it('has a mean and cv for short and flat series', () => {
    expect(meanAndCv([5])).toEqual({ mean: 5, cv: 0 });
    expect(meanAndCv([0, 0])).toEqual({ mean: 0, cv: 0 });
    expect(meanAndCv([3, 3, 3]).cv).toBe(0);
    expect(() => meanAndCv([])).toThrow(RangeError);
  });
});
