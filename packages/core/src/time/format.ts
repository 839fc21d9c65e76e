import type { Temporal } from 'temporal-polyfill';

// Hard-coded English names so output never depends on the runtime's Intl data or locale.
const MONTHS_LONG = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

const MONTHS_SHORT = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;

// Temporal's ISO dayOfWeek: 1 = Monday … 7 = Sunday.
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** e.g. `23 Nov 2026`, `5 Jan 2026` (day not zero-padded). */
export function formatUkDate(d: Temporal.PlainDate): string {
  const { year, month, day } = d;
  return `${day} ${MONTHS_SHORT[month - 1]} ${year}`;
}

/** e.g. `Monday 23 November 2026`. */
export function formatUkDateLong(d: Temporal.PlainDate): string {
  const { year, month, day, dayOfWeek } = d;
  return `${WEEKDAYS[dayOfWeek - 1]} ${day} ${MONTHS_LONG[month - 1]} ${year}`;
}
