import { describe, it, expect } from 'vitest';
import { DM01_TESTS, diagnosticClockStart, diagnosticWait, dm01Performance } from './diagnostic-wait';

// Worked examples from the domain spec §3.2.
describe('DM01 6-week diagnostic wait: worked examples (spec §3.2)', () => {
  it.each([
    { id: 'EX-DX-01', census: '2025-02-16', days: 41, sixWeeksOrMore: false },
    { id: 'EX-DX-01', census: '2025-02-17', days: 42, sixWeeksOrMore: true },
  ])(
    '$id: request 2025-01-06, census $census → $days days, 6 weeks or more: $sixWeeksOrMore',
    ({ census, days, sixWeeksOrMore }) => {
      expect(diagnosticWait({ clockStart: '2025-01-06', asOf: census })).toEqual({
        days,
        completedWeeks: Math.floor(days / 7),
        sixWeeksOrMore,
        sixWeekDate: '2025-02-17',
        status: 'waiting',
      });
    },
  );
});

describe('diagnosticWait', () => {
  it('once the test is done the wait is fixed and the patient leaves the census', () => {
    expect(
      diagnosticWait({ clockStart: '2025-01-06', asOf: '2025-03-31', performedOn: '2025-02-10' }),
    ).toMatchObject({
      days: 35,
      sixWeeksOrMore: false,
      status: 'performed',
    });
  });

  it('a test booked after asOf has not happened yet', () => {
    expect(
      diagnosticWait({ clockStart: '2025-01-06', asOf: '2025-02-17', performedOn: '2025-02-20' }),
    ).toMatchObject({
      days: 42,
      status: 'waiting',
    });
  });

  it.each([
    [{ clockStart: '2025-01-06', asOf: '2025-01-05' }],
    [{ clockStart: '2025-01-06', asOf: '2025-02-01', performedOn: '2025-01-01' }],
    [{ clockStart: '2025-01-32', asOf: '2025-02-01' }],
  ])('dates out of order or malformed: RangeError (%j)', (input) => {
    expect(() => diagnosticWait(input)).toThrow(RangeError);
  });
});

describe('diagnosticClockStart', () => {
  it('a request: the request date', () => {
    expect(diagnosticClockStart({ route: 'request', requestedOn: '2025-01-06' })).toBe('2025-01-06');
  });

  it('e-RS: the first UBRN booking or ASI worklist date, whichever is first', () => {
    expect(
      diagnosticClockStart({ route: 'e-rs', ubrnBookedOn: '2025-01-10', asiWorklistOn: '2025-01-08' }),
    ).toBe('2025-01-08');
    expect(diagnosticClockStart({ route: 'e-rs', ubrnBookedOn: '2025-01-10' })).toBe('2025-01-10');
    expect(() => diagnosticClockStart({ route: 'e-rs' })).toThrow(RangeError);
  });
});

describe('dm01Performance', () => {
  it('share of the waiting list at 6 weeks or more, against the 1% standard', () => {
    const waits = [
      ...Array.from({ length: 99 }, () => ({ days: 41, status: 'waiting' as const })),
      { days: 42, status: 'waiting' as const },
      { days: 60, status: 'performed' as const },
    ];
    expect(dm01Performance(waits)).toEqual({
      waiting: 100,
      sixWeeksOrMore: 1,
      percentSixWeeksOrMore: 1,
      maxPercent: 1,
      meetsStandard: true,
    });
    expect(dm01Performance([...waits, { days: 50, status: 'waiting' }]).meetsStandard).toBe(false);
  });

  it('lists 15 key tests in three groups', () => {
    const tests = Object.values(DM01_TESTS);
    expect(tests).toHaveLength(15);
    expect(new Set(tests.map((t) => t.group))).toEqual(
      new Set(['imaging', 'physiological-measurement', 'endoscopy']),
    );
  });
});
