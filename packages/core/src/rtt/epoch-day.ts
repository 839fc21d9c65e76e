/**
 * Calendar dates as integer "epoch days" (days since 1970-01-01, proleptic Gregorian, no time zone).
 *
 * The RTT engine evaluates millions of pathways, so its hot path must not allocate a `Temporal.PlainDate`
 * per event. ISO `YYYY-MM-DD` strings are parsed straight to an integer here, the rules work on integers,
 * and the result is turned back into ISO strings at the edge. Day differences of epoch days are exactly
 * `Temporal.PlainDate#until(…, { largestUnit: 'days' })` (checked by a property test against Temporal).
 */

/** Days from 0000-03-01 to 1970-01-01 in the era-based algorithm below. */
const UNIX_EPOCH_OFFSET = 719468;
const DAYS_PER_ERA = 146097;

/** The first and last epoch days that print as a four-digit ISO year (0000-01-01 and 9999-12-31). */
export const MIN_EPOCH_DAY = -719528;
export const MAX_EPOCH_DAY = 2932896;

function isLeapYear(y: number): boolean {
  return (y & 3) === 0 && (y % 100 !== 0 || y % 400 === 0);
}

/** Days in month `m` (1–12) of year `y`. */
export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * Epoch day of a valid Gregorian year, month (1–12) and day. The caller guarantees validity
 * (H. Hinnant's `days_from_civil`).
 */
export function epochDayFromYmd(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = (((153 * mp + 2) / 5) | 0) + day - 1;
  const doe = yoe * 365 + ((yoe / 4) | 0) - ((yoe / 100) | 0) + doy;
  return era * DAYS_PER_ERA + doe - UNIX_EPOCH_OFFSET;
}

/**
 * Parses a strict ISO `YYYY-MM-DD` calendar date to an epoch day, or returns `NaN` when the string is not
 * exactly that (wrong length, separators, non-ASCII digits, month 13, 2025-02-29…). No allocation; the
 * caller decides how to report `NaN` (test with `Number.isNaN` or `x !== x`).
 */
export function isoToEpochDay(s: string): number {
  if (typeof s !== 'string' || s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45)
    return NaN;
  const y0 = s.charCodeAt(0) - 48;
  const y1 = s.charCodeAt(1) - 48;
  const y2 = s.charCodeAt(2) - 48;
  const y3 = s.charCodeAt(3) - 48;
  const m0 = s.charCodeAt(5) - 48;
  const m1 = s.charCodeAt(6) - 48;
  const d0 = s.charCodeAt(8) - 48;
  const d1 = s.charCodeAt(9) - 48;
  // Each digit minus 48 must lie in 0..9; `>>> 0` turns negatives into huge numbers, so one test per digit.
  if (
    y0 >>> 0 > 9 ||
    y1 >>> 0 > 9 ||
    y2 >>> 0 > 9 ||
    y3 >>> 0 > 9 ||
    m0 >>> 0 > 9 ||
    m1 >>> 0 > 9 ||
    d0 >>> 0 > 9 ||
    d1 >>> 0 > 9
  ) {
    return NaN;
  }
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = m0 * 10 + m1;
  const day = d0 * 10 + d1;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  return epochDayFromYmd(year, month, day);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/**
 * The ISO `YYYY-MM-DD` string of an epoch day (H. Hinnant's `civil_from_days`). Throws a RangeError for a
 * non-integer or for a day outside years 0000–9999, which cannot be written as a four-digit ISO year.
 */
export function epochDayToIso(epochDay: number): string {
  if (!Number.isInteger(epochDay) || epochDay < MIN_EPOCH_DAY || epochDay > MAX_EPOCH_DAY) {
    throw new RangeError(`Epoch day ${epochDay} is not a whole day in the years 0000–9999`);
  }
  const z = epochDay + UNIX_EPOCH_OFFSET;
  const era = Math.floor(z / DAYS_PER_ERA);
  const doe = z - era * DAYS_PER_ERA;
  const yoe = ((doe - ((doe / 1460) | 0) + ((doe / 36524) | 0) - ((doe / 146096) | 0)) / 365) | 0;
  const doy = doe - (365 * yoe + ((yoe / 4) | 0) - ((yoe / 100) | 0));
  const mp = ((5 * doy + 2) / 153) | 0;
  const day = doy - (((153 * mp + 2) / 5) | 0) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}
