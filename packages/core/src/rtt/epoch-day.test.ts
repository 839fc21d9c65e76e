import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { parsePlainDate } from '../time/plain-date';
import { MAX_EPOCH_DAY, MIN_EPOCH_DAY, epochDayToIso, isoToEpochDay } from './epoch-day';

const EPOCH = Temporal.PlainDate.from('1970-01-01');

describe('isoToEpochDay / epochDayToIso', () => {
  it.each([
    ['1970-01-01', 0],
    ['1969-12-31', -1],
    ['2000-02-29', 11016],
    ['2024-01-01', 19723],
    ['2025-05-08', 20216],
    ['0000-01-01', MIN_EPOCH_DAY],
    ['9999-12-31', MAX_EPOCH_DAY],
  ])('%s is epoch day %i', (iso, day) => {
    expect(isoToEpochDay(iso)).toBe(day);
    expect(epochDayToIso(day)).toBe(iso);
  });

  it.each([
    '2025-02-29',
    '2100-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-04-31',
    '2026-01-00',
    '2026-1-5',
    '',
    '20260105',
    ' 2026-01-05',
    '2026-01-05T00:00',
    '2026/01/05',
    '2026-01-0５',
    '+02026-01-0',
  ])('rejects %j with NaN', (s) => {
    expect(isoToEpochDay(s)).toBeNaN();
  });

  it('rejects non-strings with NaN', () => {
    expect(isoToEpochDay(20260105 as unknown as string)).toBeNaN();
  });

  it.each([MIN_EPOCH_DAY - 1, MAX_EPOCH_DAY + 1, 0.5, NaN])('epochDayToIso(%s) throws a RangeError', (n) => {
    expect(() => epochDayToIso(n)).toThrow(RangeError);
  });

  it('agrees with Temporal on every day it can print', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_EPOCH_DAY, max: MAX_EPOCH_DAY }), (n) => {
        const iso = EPOCH.add({ days: n }).toString();
        expect(epochDayToIso(n)).toBe(iso);
        expect(isoToEpochDay(iso)).toBe(n);
      }),
      { numRuns: 5000 },
    );
  });

  it('accepts exactly the strings parsePlainDate accepts, with the same day difference', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{4}-[01]\d-[0-3]\d$/), (s) => {
        let expected: number;
        try {
          expected = EPOCH.until(parsePlainDate(s), { largestUnit: 'days' }).days;
        } catch {
          expected = NaN;
        }
        expect(isoToEpochDay(s)).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });
});
