/** The weekly pack's pure rules: the change since last week and the escalations, on hand-made packs. */
import { describe, expect, it } from 'vitest';
import { packChange, type ComparablePack } from './change';
import { escalationText, MIN_LEAVERS, weeklyEscalations } from './escalations';
import type { PackSpecialty, WeeklyPack } from './data';

const figures = (total: number, within18: number, over52: number, potentialBreaches: number) => ({
  total,
  within18,
  fractionWithin18: total === 0 ? null : within18 / total,
  over18: total - within18,
  over52,
  over65: 0,
  over78: 0,
  potentialBreaches,
});

const comparable = (asOf: string, specialties: ComparablePack['specialties']): ComparablePack => {
  const sum = (k: 'total' | 'within18' | 'over52' | 'potentialBreaches') =>
    specialties.reduce((n, s) => n + s[k], 0);
  return {
    asOf,
    generatedAt: `${asOf}T07:00:00.000Z`,
    trust: figures(sum('total'), sum('within18'), sum('over52'), sum('potentialBreaches')),
    specialties,
  };
};

describe('packChange', () => {
  const lastWeek = comparable('2026-11-23', [
    { code: '110', name: 'Trauma and orthopaedics', ...figures(100, 60, 5, 10) },
    { code: '130', name: 'Ophthalmology', ...figures(40, 30, 0, 2) },
  ]);
  const thisWeek = comparable('2026-11-30', [
    { code: '110', name: 'Trauma and orthopaedics', ...figures(104, 59, 7, 12) },
    { code: '120', name: 'Ear, nose and throat', ...figures(10, 10, 0, 0) },
  ]);
  const change = packChange(lastWeek, thisWeek);

  it('is this week less last week, for the trust and each specialty', () => {
    expect(change.comparedWith).toEqual({ asOf: '2026-11-23', generatedAt: '2026-11-23T07:00:00.000Z' });
    expect(change.trust).toMatchObject({
      total: 114 - 140,
      within18: 69 - 90,
      over52: 2,
      potentialBreaches: 0,
    });
    expect(change.trust.fractionWithin18).toBeCloseTo(69 / 114 - 90 / 140, 12);
    const orthopaedics = change.specialties.find((s) => s.code === '110')!;
    expect(orthopaedics).toMatchObject({
      new: false,
      total: 4,
      within18: -1,
      over52: 2,
      potentialBreaches: 2,
    });
    expect(orthopaedics.fractionWithin18).toBeCloseTo(59 / 104 - 0.6, 12);
  });

  it('counts a new specialty from zero and a gone one down to zero', () => {
    expect(change.specialties.map((s) => s.code)).toEqual(['110', '120', '130']);
    expect(change.specialties[1]).toMatchObject({
      code: '120',
      new: true,
      total: 10,
      fractionWithin18: null,
    });
    expect(change.specialties[2]).toMatchObject({
      code: '130',
      new: false,
      total: -40,
      potentialBreaches: -2,
      fractionWithin18: null,
    });
  });
});

describe('weeklyEscalations', () => {
  const specialty = (over: Partial<PackSpecialty> = {}): PackSpecialty => ({
    code: '110',
    name: 'Trauma and orthopaedics',
    directorate: 'Surgery',
    ...figures(100, 80, 0, 0),
    expectedBreaches: { '18': 3, '52': 0, '65': 0, '78': 0 },
    breachReasons: {
      'no-capacity': 0,
      unbooked: 0,
      'patient-delay': 0,
      'booked-after-breach': 0,
      'rebooking-risk': 0,
    },
    underBookedSessions: 0,
    capacity: { demand: 10, capacity: 11, weeksCounted: 12, load: 10 / 11, pressure: 1, meanWaitWeeks: 8 },
    ...over,
  });
  const pack = (specialties: PackSpecialty[], over52Change?: number) =>
    ({
      specialties,
      changeSinceLastWeek:
        over52Change === undefined
          ? null
          : {
              comparedWith: { asOf: '2026-11-23', generatedAt: '' },
              trust: {},
              specialties: [{ code: '110', over52: over52Change }],
            },
    }) as unknown as WeeklyPack;

  it('escalates nothing for a specialty keeping up with no long waits ahead', () => {
    expect(weeklyEscalations(pack([specialty()]))).toEqual([]);
  });

  it('escalates 52-week breaches expected, patients with no capacity, a growing list and rising long waits', () => {
    const s = specialty({
      expectedBreaches: { '18': 9, '52': 2.6, '65': 0.2, '78': 0 },
      breachReasons: { ...specialty().breachReasons, 'no-capacity': 4 },
      capacity: { demand: 12, capacity: 10, weeksCounted: 12, load: 1.2, pressure: 1.4, meanWaitWeeks: 12 },
    });
    const [e] = weeklyEscalations(pack([s], 3));
    expect(e).toEqual({
      code: '110',
      name: 'Trauma and orthopaedics',
      reasons: ['forecast-52-weeks', 'no-capacity', 'demand-exceeds-capacity', 'long-waits-rising'],
      priority: 'high',
      figures: {
        expected52: 3,
        expected65: 0,
        expected78: 0,
        noCapacity: 4,
        load: 1.2,
        over52: 0,
        over52Change: 3,
      },
    });
    expect(e!.reasons.map((r) => escalationText(r, e!.figures))).toEqual([
      'about 3 patients expected to pass 52 weeks',
      '4 patients at risk with no clinic of the right type booked ahead',
      'more referrals than patients seen each week (load 1.20)',
      '3 more patients waiting over 52 weeks than last week',
    ]);
  });

  it('is urgent when patients are expected to pass 65 or 78 weeks', () => {
    const s = specialty({ expectedBreaches: { '18': 9, '52': 3, '65': 0.5, '78': 0 } });
    expect(weeklyEscalations(pack([s]))[0]!.priority).toBe('urgent');
  });

  it('does not escalate a load measured from too few patients leaving the list', () => {
    const few = (leavers: number) =>
      specialty({
        capacity: {
          demand: 3,
          capacity: leavers / 12,
          weeksCounted: 12,
          load: 36 / leavers,
          pressure: 1,
          meanWaitWeeks: 8,
        },
      });
    expect(weeklyEscalations(pack([few(1)]))).toEqual([]);
    expect(weeklyEscalations(pack([few(MIN_LEAVERS - 1)]))).toEqual([]);
    expect(weeklyEscalations(pack([few(MIN_LEAVERS)]))[0]!.reasons).toEqual(['demand-exceeds-capacity']);
  });

  it('does not count long waits falling, or the same, as rising', () => {
    expect(weeklyEscalations(pack([specialty()], 0))).toEqual([]);
    expect(weeklyEscalations(pack([specialty()], -2))).toEqual([]);
  });
});
