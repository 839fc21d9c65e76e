/** Words and dates for clinics and slots on screen. */
import { SLOT_TYPE_NAMES } from '@pathflow/core';
import { calendarDate } from '../ptl/ptl-format';

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
