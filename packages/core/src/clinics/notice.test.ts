import { describe, it, expect } from 'vitest';
import {
  NOTICE_DAYS_WITHOUT_APPROVAL,
  NOTICE_WEEKS_WITHOUT_APPROVAL,
  changeNeedsApproval,
  firstAffectedDate,
  noticeDays,
} from './notice';
import type { ClinicTemplate } from './types';

/** Mondays 09:00–10:00, three 20-minute slots. */
function current(overrides: Partial<ClinicTemplate> = {}): ClinicTemplate {
  return {
    clinicianId: 'cons-1',
    serviceName: 'Knee clinic',
    locationId: 'loc-1',
    specialtyCode: '110',
    effectiveFrom: '2026-01-01',
    effectiveTo: null,
    recurrence: { kind: 'weekly' },
    sessions: [
      {
        weekday: 1,
        start: '09:00',
        end: '10:00',
        slots: [0, 20, 40].map((offsetMinutes) => ({
          offsetMinutes,
          durationMinutes: 20,
          slotType: 'new' as const,
          capacity: 1,
        })),
      },
    ],
    ...overrides,
  };
}

describe('the six-week notice rule', () => {
  it('is six weeks, 42 days', () => {
    expect(NOTICE_WEEKS_WITHOUT_APPROVAL).toBe(6);
    expect(NOTICE_DAYS_WITHOUT_APPROVAL).toBe(42);
  });

  it.each<[string, string | null, number | null, boolean]>([
    ['41 days away', '2026-05-12', 41, true],
    ['42 days away (exactly six weeks)', '2026-05-13', 42, false],
    ['43 days away', '2026-05-14', 43, false],
    ['today', '2026-04-01', 0, true],
    ['yesterday', '2026-03-31', -1, true],
    ['nothing affected', null, null, false],
  ])('today 2026-04-01, first affected session %s → approval %s', (_, firstAffected, days, needsApproval) => {
    const input = { today: '2026-04-01', firstAffectedDate: firstAffected };
    expect(noticeDays(input)).toBe(days);
    expect(changeNeedsApproval(input)).toBe(needsApproval);
  });

  it('counts calendar days across the clocks changing (no hour is lost)', () => {
    expect(noticeDays({ today: '2026-03-01', firstAffectedDate: '2026-04-12' })).toBe(42);
    expect(changeNeedsApproval({ today: '2026-03-01', firstAffectedDate: '2026-04-12' })).toBe(false);
    expect(changeNeedsApproval({ today: '2026-03-02', firstAffectedDate: '2026-04-12' })).toBe(true);
  });

  it('refuses bad dates', () => {
    expect(() => changeNeedsApproval({ today: '1 April 2026', firstAffectedDate: null })).toThrow(RangeError);
    expect(() => changeNeedsApproval({ today: '2026-04-01', firstAffectedDate: '2026-04-31' })).toThrow(
      RangeError,
    );
  });
});

describe('firstAffectedDate', () => {
  const later = (effectiveFrom: string) =>
    current({ effectiveFrom, sessions: [{ ...current().sessions[0]!, start: '09:30', end: '10:30' }] });

  it('no change: nothing affected', () => {
    expect(firstAffectedDate({ previous: current(), next: current(), today: '2026-04-01' })).toBeNull();
  });

  it('a time change from a future date affects the first session on or after that date', () => {
    // 1 June 2026 is a Monday.
    expect(firstAffectedDate({ previous: current(), next: later('2026-06-01'), today: '2026-04-01' })).toBe(
      '2026-06-01',
    );
    expect(firstAffectedDate({ previous: current(), next: later('2026-05-27'), today: '2026-04-01' })).toBe(
      '2026-06-01',
    );
  });

  it('a change effective already (or today) affects the first session from today', () => {
    expect(firstAffectedDate({ previous: current(), next: later('2026-01-01'), today: '2026-04-01' })).toBe(
      '2026-04-06',
    );
    expect(firstAffectedDate({ previous: current(), next: later('2026-04-06'), today: '2026-04-06' })).toBe(
      '2026-04-06',
    );
  });

  it('the 41/42-day boundary, end to end', () => {
    const next = later('2026-06-01');
    const on = (today: string) =>
      changeNeedsApproval({
        today,
        firstAffectedDate: firstAffectedDate({ previous: current(), next, today }),
      });
    expect(on('2026-04-20')).toBe(false); // 42 days before 1 June
    expect(on('2026-04-21')).toBe(true); // 41 days before
  });

  it('a cancellation (the version ends earlier) affects the first session after its new end', () => {
    const next = current({ effectiveTo: '2026-05-10' });
    const first = firstAffectedDate({ previous: current(), next, today: '2026-04-01' });
    expect(first).toBe('2026-05-11');
    expect(changeNeedsApproval({ today: '2026-04-01', firstAffectedDate: first })).toBe(true);
  });

  it('a capacity change alone affects sessions', () => {
    const s = current().sessions[0]!;
    const next = current({
      effectiveFrom: '2026-07-01',
      sessions: [{ ...s, slots: s.slots.map((slot, i) => (i === 2 ? { ...slot, capacity: 2 } : slot)) }],
    });
    expect(firstAffectedDate({ previous: current(), next, today: '2026-04-01' })).toBe('2026-07-06');
  });

  it('a new location, clinician or specialty affects sessions; a new service name does not', () => {
    const args = (next: ClinicTemplate) => ({ previous: current(), next, today: '2026-04-01' });
    expect(firstAffectedDate(args(current({ effectiveFrom: '2026-05-01', locationId: 'loc-2' })))).toBe(
      '2026-05-04',
    );
    expect(firstAffectedDate(args(current({ effectiveFrom: '2026-05-01', clinicianId: 'cons-2' })))).toBe(
      '2026-05-04',
    );
    expect(firstAffectedDate(args(current({ effectiveFrom: '2026-05-01', specialtyCode: '120' })))).toBe(
      '2026-05-04',
    );
    expect(
      firstAffectedDate(args(current({ effectiveFrom: '2026-05-01', serviceName: 'Hip clinic' }))),
    ).toBeNull();
  });

  it('an added session affects its first date', () => {
    const s = current().sessions[0]!;
    const next = current({ effectiveFrom: '2026-04-01', sessions: [s, { ...s, weekday: 3 }] });
    expect(firstAffectedDate({ previous: current(), next, today: '2026-04-01' })).toBe('2026-04-01'); // a Wednesday
  });

  it('moving a fortnightly clinic to the other week affects the first session of either pattern', () => {
    const fortnightly = (anchorDate: string) =>
      current({ recurrence: { kind: 'every-n-weeks', n: 2, anchorDate } });
    // Previous runs 6, 20 April…; next runs 13, 27 April…: 6 April is the first that differs.
    expect(
      firstAffectedDate({
        previous: fortnightly('2026-04-06'),
        next: fortnightly('2026-04-13'),
        today: '2026-04-02',
      }),
    ).toBe('2026-04-06');
  });

  it('looks only as far as the window (26 weeks by default)', () => {
    const next = later('2026-10-05');
    expect(firstAffectedDate({ previous: current(), next, today: '2026-04-06' })).toBeNull(); // window ends 4 Oct
    expect(firstAffectedDate({ previous: current(), next, today: '2026-04-07' })).toBe('2026-10-05'); // ends 5 Oct
    expect(firstAffectedDate({ previous: current(), next, today: '2026-04-06', weeks: 27 })).toBe(
      '2026-10-05',
    );
  });

  it('refuses a window under six weeks and invalid versions', () => {
    expect(() =>
      firstAffectedDate({ previous: current(), next: current(), today: '2026-04-01', weeks: 5 }),
    ).toThrow(RangeError);
    expect(() =>
      firstAffectedDate({ previous: current(), next: current({ sessions: [] }), today: '2026-04-01' }),
    ).toThrow(/sessions: Add at least one session/);
  });
});
