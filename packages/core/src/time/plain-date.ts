import { Temporal } from 'temporal-polyfill';

/** Strict ISO calendar date: four-digit year, two-digit month and day, nothing else. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Parses an ISO `YYYY-MM-DD` date. Anything else (other lengths, times, offsets, calendar
 * annotations, surrounding whitespace, impossible dates such as 2026-02-30) throws a RangeError.
 */
export function parsePlainDate(s: string): Temporal.PlainDate {
  if (typeof s !== 'string' || !ISO_DATE.test(s)) {
    throw new RangeError(`Invalid date ${JSON.stringify(s)}: expected YYYY-MM-DD`);
  }
  const [year, month, day] = s.split('-').map(Number) as [number, number, number];
  try {
    return Temporal.PlainDate.from({ year, month, day }, { overflow: 'reject' });
  } catch {
    throw new RangeError(`Invalid date ${JSON.stringify(s)}: no such calendar date`);
  }
}

/** Calendar days from `a` to `b` (b − a); negative when `b` is before `a`. Time zones play no part. */
export function daysBetween(a: Temporal.PlainDate, b: Temporal.PlainDate): number {
  return a.until(b, { largestUnit: 'days' }).days;
}

export function addDays(date: Temporal.PlainDate, days: number): Temporal.PlainDate {
  return date.add({ days });
}

export function addWeeks(date: Temporal.PlainDate, weeks: number): Temporal.PlainDate {
  return date.add({ weeks });
}

/**
 * Whole completed weeks from `start` to `asOf`: floor(days / 7). Day 0–6 is week 0, day 7 is week 1.
 * If `asOf` is before `start` the result is negative (floor, so −1 day gives −1).
 */
export function weeksWaited(start: Temporal.PlainDate, asOf: Temporal.PlainDate): number {
  return Math.floor(daysBetween(start, asOf) / 7);
}

/** −1, 0 or 1, suitable for `Array.prototype.sort`. */
export function compareDates(a: Temporal.PlainDate, b: Temporal.PlainDate): -1 | 0 | 1 {
  // Temporal guarantees −1, 0 or 1; its type declarations just say number.
  return Temporal.PlainDate.compare(a, b) as -1 | 0 | 1;
}

/** True when `a` is strictly before `b`. */
export function isBefore(a: Temporal.PlainDate, b: Temporal.PlainDate): boolean {
  return compareDates(a, b) < 0;
}

/** True when `a` is strictly after `b`. */
export function isAfter(a: Temporal.PlainDate, b: Temporal.PlainDate): boolean {
  return compareDates(a, b) > 0;
}

/** The earliest of one or more dates. */
export function minDate(first: Temporal.PlainDate, ...rest: Temporal.PlainDate[]): Temporal.PlainDate {
  return rest.reduce((min, d) => (isBefore(d, min) ? d : min), first);
}

/** The latest of one or more dates. */
export function maxDate(first: Temporal.PlainDate, ...rest: Temporal.PlainDate[]): Temporal.PlainDate {
  return rest.reduce((max, d) => (isAfter(d, max) ? d : max), first);
}
