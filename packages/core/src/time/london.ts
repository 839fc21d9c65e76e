import { Temporal } from 'temporal-polyfill';

export const LONDON = 'Europe/London';

/**
 * How to resolve a London wall-clock time that does not exist (clocks go forward in March) or
 * happens twice (clocks go back in October). Same meaning as Temporal's `disambiguation` option.
 */
export const DISAMBIGUATIONS = ['compatible', 'earlier', 'later', 'reject'] as const;
export type Disambiguation = (typeof DISAMBIGUATIONS)[number];

/** The calendar date in Europe/London at the given instant. */
export function londonDateOf(instant: Temporal.Instant): Temporal.PlainDate {
  return instantToLondon(instant).toPlainDate();
}

/** The given instant as a London zoned date-time (offset +00:00 in GMT, +01:00 in BST). */
export function instantToLondon(instant: Temporal.Instant): Temporal.ZonedDateTime {
  return instant.toZonedDateTimeISO(LONDON);
}

/**
 * The instant at which London's wall clock shows `time` on `date`.
 *
 * - 'compatible' (default): a skipped time moves forward by the gap (01:30 on the spring-forward
 *   day becomes 02:30 BST); a repeated time takes the earlier (BST) occurrence.
 * - 'earlier' / 'later': pick the earlier or later candidate.
 * - 'reject': throw a RangeError for skipped or repeated times.
 */
export function londonDateTimeToInstant(
  date: Temporal.PlainDate,
  time: Temporal.PlainTime,
  disambiguation: Disambiguation = 'compatible',
): Temporal.Instant {
  const wallClock = date.toPlainDateTime(time);
  if (disambiguation !== 'reject') {
    return wallClock.toZonedDateTime(LONDON, { disambiguation }).toInstant();
  }
  const earlier = wallClock.toZonedDateTime(LONDON, { disambiguation: 'earlier' });
  const later = wallClock.toZonedDateTime(LONDON, { disambiguation: 'later' });
  if (!earlier.toPlainDateTime().equals(wallClock)) {
    throw new RangeError(`${wallClock.toString()} does not exist in ${LONDON} (the clocks go forward)`);
  }
  if (!earlier.toInstant().equals(later.toInstant())) {
    throw new RangeError(`${wallClock.toString()} happens twice in ${LONDON} (the clocks go back)`);
  }
  return earlier.toInstant();
}

const HOUR_MS = 3_600_000;
/** London dates by UTC hour: a bounded memo, emptied when full. */
const datesByHour = new Map<number, string>();
const DATES_BY_HOUR_MAX = 50_000;

/**
 * The calendar date (YYYY-MM-DD) in Europe/London at an instant given in epoch milliseconds.
 *
 * London's date only ever changes on a whole UTC hour (midnight is 00:00 UTC in GMT and 23:00 UTC in BST, and the
 * clocks change at 01:00 UTC), so the answer is the same for every instant in a UTC hour and is remembered by
 * hour: every request asks for today, and the time-zone arithmetic is the dearest part of that.
 */
export function londonDateOfEpochMilliseconds(epochMilliseconds: number): string {
  const hour = Math.floor(epochMilliseconds / HOUR_MS);
  const known = datesByHour.get(hour);
  if (known !== undefined) return known;
  const date = londonDateOf(Temporal.Instant.fromEpochMilliseconds(epochMilliseconds)).toString();
  if (datesByHour.size >= DATES_BY_HOUR_MAX) datesByHour.clear();
  datesByHour.set(hour, date);
  return date;
}

/** The first instant of a London calendar day (YYYY-MM-DD), in epoch milliseconds (midnight always exists here). */
export function londonDayStartEpochMilliseconds(isoDate: string): number {
  return londonDateTimeToInstant(Temporal.PlainDate.from(isoDate), Temporal.PlainTime.from('00:00'))
    .epochMilliseconds;
}
