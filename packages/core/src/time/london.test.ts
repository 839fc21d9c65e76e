import { describe, it, expect } from 'vitest';
import { Temporal } from 'temporal-polyfill';
import {
  LONDON,
  instantToLondon,
  londonDateOf,
  londonDateOfEpochMilliseconds,
  londonDateTimeToInstant,
} from './london';
import type { Disambiguation } from './london';

const date = (s: string) => Temporal.PlainDate.from(s);
const time = (s: string) => Temporal.PlainTime.from(s);
const instant = (s: string) => Temporal.Instant.from(s);

describe('LONDON', () => {
  it('is the IANA zone name', () => {
    expect(LONDON).toBe('Europe/London');
  });
});

describe('londonDateOf', () => {
  it.each([
    ['2026-06-30T23:30:00Z', '2026-07-01'], // BST: 00:30 local the next day
    ['2026-06-30T22:59:59Z', '2026-06-30'],
    ['2026-06-30T23:00:00Z', '2026-07-01'],
    ['2026-12-31T23:30:00Z', '2026-12-31'], // GMT: same as UTC
    ['2026-12-31T23:59:59Z', '2026-12-31'],
    ['2027-01-01T00:00:00Z', '2027-01-01'],
    ['2026-03-28T23:30:00Z', '2026-03-28'], // night before spring-forward, still GMT
    ['2026-03-29T23:30:00Z', '2026-03-30'], // night after spring-forward, BST
    ['2026-10-24T23:30:00Z', '2026-10-25'], // night before fall-back, still BST
    ['2026-10-25T23:30:00Z', '2026-10-25'], // night after fall-back, GMT
  ])('%s is %s in London', (utc, expected) => {
    expect(londonDateOf(instant(utc)).toString()).toBe(expected);
  });
});

describe('instantToLondon', () => {
  it.each([
    ['2026-01-15T12:00:00Z', '2026-01-15T12:00:00+00:00[Europe/London]'],
    ['2026-07-15T12:00:00Z', '2026-07-15T13:00:00+01:00[Europe/London]'],
    ['2026-03-29T00:59:59Z', '2026-03-29T00:59:59+00:00[Europe/London]'],
    ['2026-03-29T01:00:00Z', '2026-03-29T02:00:00+01:00[Europe/London]'],
    ['2026-10-25T00:59:59Z', '2026-10-25T01:59:59+01:00[Europe/London]'],
    ['2026-10-25T01:00:00Z', '2026-10-25T01:00:00+00:00[Europe/London]'],
  ])('%s → %s', (utc, expected) => {
    const zoned = instantToLondon(instant(utc));
    expect(zoned.toString()).toBe(expected);
    expect(zoned.toInstant().equals(instant(utc))).toBe(true);
  });
});

describe('londonDateTimeToInstant', () => {
  it.each([
    // Ordinary winter and summer days.
    ['2026-01-15', '09:00', '2026-01-15T09:00:00Z'],
    ['2026-07-15', '09:00', '2026-07-15T08:00:00Z'],
    // Spring forward, Sunday 29 March 2026: at 01:00 GMT clocks go to 02:00 BST.
    ['2026-03-29', '00:30', '2026-03-29T00:30:00Z'],
    ['2026-03-29', '00:59:59', '2026-03-29T00:59:59Z'],
    ['2026-03-29', '02:00', '2026-03-29T01:00:00Z'],
    ['2026-03-29', '02:30', '2026-03-29T01:30:00Z'],
    // Fall back, Sunday 25 October 2026: at 02:00 BST clocks go to 01:00 GMT.
    ['2026-10-25', '00:30', '2026-10-24T23:30:00Z'],
    ['2026-10-25', '00:59:59', '2026-10-24T23:59:59Z'],
    ['2026-10-25', '02:00', '2026-10-25T02:00:00Z'],
    ['2026-10-25', '02:30', '2026-10-25T02:30:00Z'],
  ])('%s %s London is %s (unambiguous, same for every disambiguation)', (d, t, expected) => {
    for (const disambiguation of ['compatible', 'earlier', 'later', 'reject'] as const) {
      expect(londonDateTimeToInstant(date(d), time(t), disambiguation).toString()).toBe(expected);
    }
    expect(londonDateTimeToInstant(date(d), time(t)).toString()).toBe(expected);
  });

  describe('skipped time: 01:00–01:59 on 29 March 2026 does not exist', () => {
    it.each<[string, Disambiguation | undefined, string]>([
      ['01:30', undefined, '2026-03-29T01:30:00Z'], // default 'compatible' → 02:30 BST
      ['01:30', 'compatible', '2026-03-29T01:30:00Z'],
      ['01:30', 'later', '2026-03-29T01:30:00Z'],
      ['01:30', 'earlier', '2026-03-29T00:30:00Z'], // → 00:30 GMT
      ['01:00', 'compatible', '2026-03-29T01:00:00Z'], // → 02:00 BST
      ['01:00', 'earlier', '2026-03-29T00:00:00Z'],
      ['01:59:59', 'compatible', '2026-03-29T01:59:59Z'],
    ])('%s with %s → %s', (t, disambiguation, expected) => {
      const result =
        disambiguation === undefined
          ? londonDateTimeToInstant(date('2026-03-29'), time(t))
          : londonDateTimeToInstant(date('2026-03-29'), time(t), disambiguation);
      expect(result.toString()).toBe(expected);
    });

    it.each(['01:00', '01:30', '01:59:59'])("%s with 'reject' throws a RangeError", (t) => {
      expect(() => londonDateTimeToInstant(date('2026-03-29'), time(t), 'reject')).toThrow(RangeError);
      expect(() => londonDateTimeToInstant(date('2026-03-29'), time(t), 'reject')).toThrow(/does not exist/);
    });
  });

  describe('repeated time: 01:00–01:59 on 25 October 2026 happens twice', () => {
    it.each<[string, Disambiguation | undefined, string]>([
      ['01:30', 'earlier', '2026-10-25T00:30:00Z'], // BST occurrence
      ['01:30', 'later', '2026-10-25T01:30:00Z'], // GMT occurrence
      ['01:30', 'compatible', '2026-10-25T00:30:00Z'],
      ['01:30', undefined, '2026-10-25T00:30:00Z'],
      ['01:00', 'earlier', '2026-10-25T00:00:00Z'],
      ['01:00', 'later', '2026-10-25T01:00:00Z'],
    ])('%s with %s → %s', (t, disambiguation, expected) => {
      const result =
        disambiguation === undefined
          ? londonDateTimeToInstant(date('2026-10-25'), time(t))
          : londonDateTimeToInstant(date('2026-10-25'), time(t), disambiguation);
      expect(result.toString()).toBe(expected);
    });

    it.each(['01:00', '01:30', '01:59:59'])("%s with 'reject' throws a RangeError", (t) => {
      expect(() => londonDateTimeToInstant(date('2026-10-25'), time(t), 'reject')).toThrow(RangeError);
      expect(() => londonDateTimeToInstant(date('2026-10-25'), time(t), 'reject')).toThrow(/happens twice/);
    });
  });

  it('round-trips through londonDateOf and instantToLondon', () => {
    const result = londonDateTimeToInstant(date('2026-07-01'), time('00:30'));
    expect(result.toString()).toBe('2026-06-30T23:30:00Z');
    expect(londonDateOf(result).toString()).toBe('2026-07-01');
    expect(instantToLondon(result).toPlainTime().toString()).toBe('00:30:00');
  });
});

describe('londonDateOfEpochMilliseconds', () => {
  it.each([
    ['2026-06-30T23:30:00Z', '2026-07-01'],
    ['2026-12-31T23:30:00Z', '2026-12-31'],
    ['2026-03-29T00:59:59Z', '2026-03-29'],
  ])('%s is %s in London', (iso, expected) => {
    expect(londonDateOfEpochMilliseconds(Date.parse(iso))).toBe(expected);
  });

  it('agrees with the time-zone arithmetic either side of every UTC hour, through both 2026 clock changes', () => {
    const HOUR = 3_600_000;
    for (const day of ['2026-03-28', '2026-03-29', '2026-10-24', '2026-10-25', '2026-12-31']) {
      const midnight = Date.parse(`${day}T00:00:00Z`);
      for (let h = -2; h <= 26; h++) {
        for (const ms of [midnight + h * HOUR - 1, midnight + h * HOUR, midnight + h * HOUR + HOUR / 2]) {
          // Asked twice: the second answer comes from the memo.
          const expected = londonDateOf(Temporal.Instant.fromEpochMilliseconds(ms)).toString();
          expect(londonDateOfEpochMilliseconds(ms), new Date(ms).toISOString()).toBe(expected);
          expect(londonDateOfEpochMilliseconds(ms)).toBe(expected);
        }
      }
    }
  });
});
