/** Formatting for the patient tracking list, in the NHS's style and UK time. */
const TIME_ZONE = 'Europe/London';

const shortDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

const londonDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar date (YYYY-MM-DD) of a date or a moment, in UK time. */
export function calendarDate(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : londonDay.format(date);
}

/** "2026-11-23" (or a moment on that day in the UK) → "23 Nov 2026". "Sept" is spelt "Sep", as the NHS does. */
export function formatShortDate(value: string): string {
  const day = calendarDate(value);
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return value;
  return shortDate.format(date).replace('Sept', 'Sep');
}

/** "9990000018" → "999 000 0018". Anything that is not 10 digits is shown as it is. */
export function formatNhsNumber(nhsNumber: string): string {
  const digits = nhsNumber.replace(/\s/g, '');
  return /^\d{10}$/.test(digits)
    ? `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`
    : nhsNumber;
}

const percent = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

/** 58.25 → "58.3%". */
export function formatPercent(value: number): string {
  return `${percent.format(value)}%`;
}
