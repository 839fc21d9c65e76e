/** Words and dates for clinics and slots on screen. */
import { SLOT_TYPE_NAMES, WEEKDAY_NAMES, type Recurrence } from '@pathflow/core';
import { calendarDate } from '../ptl/ptl-format';
import { formatLongDate } from '../referrals/referral-format';

const DAY_MS = 86_400_000;

/** "urgent-new" → "Urgent new". */
export function slotTypeLabel(slotType: string): string {
  const name = (SLOT_TYPE_NAMES as Record<string, string>)[slotType] ?? slotType;
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export const SLOT_STATUS_LABELS: Record<string, string> = {
  open: 'Open',
  cancelled: 'Cancelled',
  removed: 'Removed',
};

/** Today in the UK, YYYY-MM-DD. */
export function londonToday(): string {
  return calendarDate(new Date().toISOString());
}

/** A calendar date `days` after `iso` (no time zone: calendar arithmetic on UTC noon). */
export function addDays(iso: string, days: number): string {
  const date = new Date(`${iso}T12:00:00Z`);
  return new Date(date.getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

/** The Monday of the week `iso` falls in. */
export function mondayOf(iso: string): string {
  const weekday = new Date(`${iso}T12:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(iso, -((weekday + 6) % 7));
}

/** A valid YYYY-MM-DD from the address, or null. */
export function dateParam(value: string | null): string | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const date = new Date(`${value}T12:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value ? null : value;
}

/** Minutes after midnight as the NHS writes a time: "9am", "9:15am", "midday", "2:30pm". */
export function wallClockLabel(minutes: number): string {
  const h = Math.floor(minutes / 60) % 24;
  const m = minutes % 60;
  if (m === 0 && h === 12) return 'midday';
  if (m === 0 && h === 0) return 'midnight';
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  return `${hour12}${m === 0 ? '' : `:${String(m).padStart(2, '0')}`}${h < 12 ? 'am' : 'pm'}`;
}

/** "09:00" → "9am" (as typed when it is not a time). */
export function timeLabel(hhmm: string): string {
  const match = /^(\d{2}):(\d{2})$/.exec(hhmm);
  return match ? wallClockLabel(Number(match[1]) * 60 + Number(match[2])) : hhmm;
}

export const WEEKDAY_LABELS: Record<number, string> = WEEKDAY_NAMES;

const ORDINALS: Record<string, string> = { 1: '1st', 2: '2nd', 3: '3rd', 4: '4th', 5: '5th', last: 'last' };

/** "Every week", "Every 2 weeks, counting from the week of 30 November 2026", "The 1st and 3rd weeks of each month". */
export function describeRecurrence(r: Recurrence): string {
  if (r.kind === 'weekly') return 'Every week';
  if (r.kind === 'every-n-weeks') {
    return r.n === 1
      ? 'Every week'
      : `Every ${r.n} weeks, counting from the week of ${formatLongDate(r.anchorDate)}`;
  }
  const words = r.weeks.map((w) => ORDINALS[String(w)] ?? String(w));
  const list = words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}` : (words[0] ?? '');
  return `The ${list} ${words.length > 1 ? 'weeks' : 'week'} of each month`;
}

/** "Monday 30 November 2026". */
export function formatWeekdayDate(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(`${iso}T12:00:00Z`));
}

/** "2026-11-30" → "30 11 2026", as typed into a date input (for hints). */
export function exampleDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${Number(d)} ${Number(m)} ${y}`;
}

/** Whole calendar days from `from` to `to` (YYYY-MM-DD), negative when `to` is earlier. */
export function daysBetweenDates(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / DAY_MS);
}
