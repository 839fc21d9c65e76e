/** 'HH:MM' wall-clock times as minutes since midnight, and back. */

/** Two-digit hours and minutes; whether the time is real is checked separately. */
const HH_MM = /^(\d{2}):(\d{2})$/;

export const MINUTES_PER_DAY = 24 * 60;

/** Minutes since midnight for a real 'HH:MM' time (00:00 to 23:59), or null. */
export function parseWallClock(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = HH_MM.exec(value);
  if (match === null) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 23 || minutes > 59) return null;
  return hours * 60 + minutes;
}

/** 'HH:MM' for minutes since midnight (0 to 1439). */
export function formatWallClock(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/** True for a string shaped like 'HH:MM', real or not (so '25:00' can be told apart from 'nine'). */
export function looksLikeWallClock(value: unknown): boolean {
  return typeof value === 'string' && HH_MM.test(value);
}
