/** Calendar dates (YYYY-MM-DD) for the dashboards and the home page: London weeks, Monday to Sunday. */
import { calendarDate } from '../ptl/ptl-format';

const DAY_MS = 86_400_000;
const dayMonth = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const weekdayDayMonth = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  timeZone: 'UTC',
});

const utc = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** The date `days` after `iso` (before, when negative). */
export const addDays = (iso: string, days: number): string =>
  new Date(utc(iso).getTime() + days * DAY_MS).toISOString().slice(0, 10);

/** Today in London. */
export const londonToday = (): string => calendarDate(new Date().toISOString());

/** The Monday of the week `iso` is in. */
export const mondayOf = (iso: string): string => addDays(iso, -((utc(iso).getUTCDay() + 6) % 7));

/** "23 Nov" ("Sep", not "Sept", as the NHS writes it). */
export const formatDayMonth = (iso: string): string => dayMonth.format(utc(iso)).replace('Sept', 'Sep');

/** "23 Nov to 29 Nov". */
export const formatWeek = (start: string, end: string): string =>
  `${formatDayMonth(start)} to ${formatDayMonth(end)}`;

/** "Sunday 29 November". */
export const formatWeekday = (iso: string): string => weekdayDayMonth.format(utc(iso)).replace(',', '');
