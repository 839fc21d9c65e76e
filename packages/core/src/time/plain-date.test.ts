import { describe, it, expect } from 'vitest';
import { Temporal } from 'temporal-polyfill';
import {
  addDays,
  addWeeks,
  compareDates,
  daysBetween,
  isAfter,
  isBefore,
  maxDate,
  minDate,
  parsePlainDate,
  weeksWaited,
} from './plain-date';

const d = (s: string) => Temporal.PlainDate.from(s);

describe('parsePlainDate', () => {
  it.each(['2026-01-05', '2024-02-29', '2026-12-31', '2000-02-29', '1999-01-01'])('accepts %s', (s) => {
    const parsed = parsePlainDate(s);
    expect(parsed.toString()).toBe(s);
    expect(parsed.calendarId).toBe('iso8601');
  });

  it.each([
    ['2026-02-30', /no such calendar date/],
    ['2025-02-29', /no such calendar date/],
    ['2100-02-29', /no such calendar date/],
    ['2026-13-01', /no such calendar date/],
    ['2026-00-10', /no such calendar date/],
    ['2026-04-31', /no such calendar date/],
    ['2026-1-5', /expected YYYY-MM-DD/],
    ['', /expected YYYY-MM-DD/],
    ['20260105', /expected YYYY-MM-DD/],
    [' 2026-01-05', /expected YYYY-MM-DD/],
    ['2026-01-05 ', /expected YYYY-MM-DD/],
    ['2026-01-05T00:00', /expected YYYY-MM-DD/],
    ['2026-01-05Z', /expected YYYY-MM-DD/],
    ['2026-01-05[u-ca=gregory]', /expected YYYY-MM-DD/],
    ['+002026-01-05', /expected YYYY-MM-DD/],
    ['05/01/2026', /expected YYYY-MM-DD/],
    ['2026-01-0５', /expected YYYY-MM-DD/],
  ])('rejects %j with a RangeError', (s, message) => {
    expect(() => parsePlainDate(s)).toThrow(RangeError);
    expect(() => parsePlainDate(s)).toThrow(message);
  });
});

describe('daysBetween', () => {
  it.each([
    ['2026-01-05', '2026-01-05', 0],
    ['2026-01-05', '2026-01-06', 1],
    ['2026-01-06', '2026-01-05', -1],
    ['2028-02-28', '2028-03-01', 2], // leap year
    ['2026-02-28', '2026-03-01', 1], // not a leap year
    ['2100-02-28', '2100-03-01', 1], // century, not a leap year
    ['2000-02-28', '2000-03-01', 2], // 400-year leap year
    ['2026-03-28', '2026-03-30', 2], // across spring-forward (29 March 2026)
    ['2026-10-24', '2026-10-26', 2], // across fall-back (25 October 2026)
    ['2026-12-31', '2027-01-01', 1],
    ['2024-01-01', '2025-01-01', 366],
    ['2026-01-01', '2027-01-01', 365],
    ['2026-03-30', '2026-03-28', -2],
  ])('%s → %s = %i', (a, b, expected) => {
    expect(daysBetween(d(a), d(b))).toBe(expected);
  });
});

describe('addDays / addWeeks', () => {
  it.each([
    ['2028-02-28', 1, '2028-02-29'],
    ['2028-02-28', 2, '2028-03-01'],
    ['2026-02-28', 1, '2026-03-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-03-28', 2, '2026-03-30'],
  ])('addDays(%s, %i) = %s', (start, n, expected) => {
    expect(addDays(d(start), n).toString()).toBe(expected);
  });

  it.each([
    ['2026-01-05', 1, '2026-01-12'],
    ['2026-01-05', 18, '2026-05-11'],
    ['2026-01-05', 0, '2026-01-05'],
    ['2026-01-12', -1, '2026-01-05'],
    ['2028-02-22', 1, '2028-02-29'],
  ])('addWeeks(%s, %i) = %s', (start, n, expected) => {
    expect(addWeeks(d(start), n).toString()).toBe(expected);
  });
});

describe('weeksWaited', () => {
  it.each([
    ['2026-01-05', '2026-01-05', 0],
    ['2026-01-05', '2026-01-11', 0], // 6 days
    ['2026-01-05', '2026-01-12', 1], // 7 days
    ['2026-01-05', '2026-01-18', 1], // 13 days
    ['2026-01-05', '2026-01-19', 2], // 14 days
    ['2026-01-05', '2026-05-10', 17], // 125 days
    ['2026-01-05', '2026-05-11', 18], // 126 days
    ['2026-01-05', '2026-01-04', -1], // floor of a negative
  ])('%s to %s = %i', (start, asOf, expected) => {
    expect(weeksWaited(d(start), d(asOf))).toBe(expected);
  });
});

describe('comparisons', () => {
  it.each([
    ['2026-01-05', '2026-01-06', -1, true, false],
    ['2026-01-06', '2026-01-05', 1, false, true],
    ['2026-01-05', '2026-01-05', 0, false, false],
    ['2025-12-31', '2026-01-01', -1, true, false],
  ] as const)('%s vs %s', (a, b, cmp, before, after) => {
    expect(compareDates(d(a), d(b))).toBe(cmp);
    expect(isBefore(d(a), d(b))).toBe(before);
    expect(isAfter(d(a), d(b))).toBe(after);
  });

  it('compareDates sorts dates chronologically', () => {
    const sorted = ['2026-03-01', '2025-12-31', '2026-02-28'].map(d).sort(compareDates);
    expect(sorted.map(String)).toEqual(['2025-12-31', '2026-02-28', '2026-03-01']);
  });

  it('minDate / maxDate pick the earliest / latest', () => {
    const dates = ['2026-03-01', '2025-12-31', '2026-02-28'].map(d) as [
      Temporal.PlainDate,
      ...Temporal.PlainDate[],
    ];
    expect(minDate(...dates).toString()).toBe('2025-12-31');
    expect(maxDate(...dates).toString()).toBe('2026-03-01');
    expect(minDate(d('2026-01-05')).toString()).toBe('2026-01-05');
    expect(maxDate(d('2026-01-05')).toString()).toBe('2026-01-05');
  });
});
