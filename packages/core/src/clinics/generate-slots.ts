/**
 * Slots from a clinic template version over a range of dates, with exact UTC instants computed in
 * Europe/London (issue "Clinic templates, slots and the booking engine", part 2).
 *
 * Rules (documented so they can be questioned):
 * - A session runs on a date when the date is inside the version's effective dates, is the session's
 *   weekday and matches the recurrence (see `recurrenceIncludes`). Dates are London calendar dates.
 * - Slot times are laid out on the wall clock, as the template is written: a slot starts at the session's
 *   start plus its offset and ends `durationMinutes` later, so a 09:00 slot is at 09:00 London time all
 *   year (08:00Z in summer, 09:00Z in winter).
 * - A wall-clock time becomes an instant as the first moment at which the London clock shows that time or
 *   later on that date (`londonWallClockInstant`). So a time that does not exist (01:00–01:59 on the last
 *   Sunday of March) moves forward to the moment the clocks change (02:00 BST, 01:00Z), and a time that
 *   happens twice (01:00–01:59 on the last Sunday of October) takes the earlier instant (BST).
 * - A slot lasts exactly `durationMinutes` of real time: its end instant is its start instant plus its
 *   duration, never later than the instant of its wall-clock end.
 *   - Spring forward: a slot that would lose any of its time to the missing hour (its wall-clock times
 *     reach into 01:00–02:00) is not generated, so 00:30–03:00 with 30-minute slots gives 00:30, 02:00 and
 *     02:30 only: the 01:00 and 01:30 slots never happen on the clock. A slot is never offered shorter than
 *     its template says.
 *   - Fall back: every slot is generated at full length and ambiguous starts take the BST instant, so the
 *     repeated hour (01:00–02:00 GMT) is left empty: a slot from 01:30 to 02:00 runs 01:30 BST to
 *     01:00 GMT (00:30Z–01:00Z), and the next, at 02:00, starts at 02:00Z.
 *   Either way slots never overlap and never leave their session (whose instants follow the same rule),
 *   because the wall-clock-to-instant mapping never runs backwards.
 * - `localStart` is what the London clock shows at `startsAt`; `localEnd` is the end read on the clock in
 *   force during the slot (the reading at its last minute, plus a minute), so an end that falls on a clock
 *   change reads as the slot's own clock would: 00:30–01:00 on 29 March (not '02:00', although the clock
 *   shows 02:00 BST at that instant), and 01:30–02:00 BST on 25 October (not '01:00' GMT). On every
 *   ordinary day both are the template's times.
 * - Each slot's key is templateId/v{version}/{date}/{session index}/{slot index} (`slotKey`): the same
 *   version generates the same keys every time, which is what `regenerateSlots` matches on.
 */
import { Temporal } from 'temporal-polyfill';
import { LONDON, instantToLondon, londonDateTimeToInstant } from '../time/london';
import { addDays, compareDates, daysBetween, maxDate, minDate, parsePlainDate } from '../time/plain-date';
import type { ClinicTemplate, ClinicTemplateVersion, Recurrence, SlotType, TemplateSlot } from './types';
import { validateClinicTemplate } from './validate-template';
import { formatWallClock, parseWallClock } from './wall-clock';

/** Slots are kept generated this far ahead (a rolling horizon). */
export const DEFAULT_HORIZON_WEEKS = 26;
/** The longest range `generateSlots` takes in one call (three years), a guard against runaway loops. */
export const MAX_GENERATION_DAYS = 3 * 366;

/** Inclusive range of London calendar dates, YYYY-MM-DD. */
export interface DateRange {
  from: string;
  to: string;
}

export interface SlotKeyParts {
  templateId: string;
  version: number;
  /** Session date, YYYY-MM-DD. */
  date: string;
  sessionIndex: number;
  slotIndex: number;
}

export interface GeneratedSlot extends SlotKeyParts {
  key: string;
  slotType: SlotType;
  capacity: number;
  durationMinutes: number;
  /** London wall clock ('HH:MM') at `startsAt`, and at `endsAt` as read on the slot's own clock. */
  localStart: string;
  localEnd: string;
  /** Exact instants, ISO 8601 in UTC ('2026-03-30T08:00:00Z'). `endsAt − startsAt` is `durationMinutes`. */
  startsAt: string;
  endsAt: string;
  /** The instants of the session's wall-clock start and end on this date. */
  sessionStartsAt: string;
  sessionEndsAt: string;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

function parseDateArgument(value: string, name: string): Temporal.PlainDate {
  try {
    return parsePlainDate(value);
  } catch {
    throw new RangeError(`${name} ${JSON.stringify(value)} is not a date written YYYY-MM-DD`);
  }
}

/**
 * The rolling horizon from `today`: `weeks` whole weeks of dates, today included
 * (26 weeks from 2026-04-01 is 2026-04-01 to 2026-09-29, 182 days).
 */
export function slotHorizon(today: string, weeks: number = DEFAULT_HORIZON_WEEKS): DateRange {
  const from = parseDateArgument(today, 'today');
  if (!Number.isInteger(weeks) || weeks < 1) {
    throw new RangeError(`weeks must be a whole number of at least 1, not ${String(weeks)}`);
  }
  return { from: from.toString(), to: addDays(from, weeks * 7 - 1).toString() };
}

/** The stable key of a generated slot: templateId/v{version}/{date}/{sessionIndex}/{slotIndex}. */
export function slotKey(parts: SlotKeyParts): string {
  return `${parts.templateId}/v${parts.version}/${parts.date}/${parts.sessionIndex}/${parts.slotIndex}`;
}

/** The parts of a key made by `slotKey`, or null for anything else. A template id may itself contain '/'. */
export function parseSlotKey(key: string): SlotKeyParts | null {
  const parts = key.split('/');
  if (parts.length < 5) return null;
  const [version, date, session, slot] = parts.slice(-4) as [string, string, string, string];
  const templateId = parts.slice(0, -4).join('/');
  if (templateId === '' || !/^v[1-9]\d*$/.test(version) || !/^(0|[1-9]\d*)$/.test(session)) return null;
  if (!/^(0|[1-9]\d*)$/.test(slot) || !isRealIsoDate(date)) return null;
  return {
    templateId,
    version: Number(version.slice(1)),
    date,
    sessionIndex: Number(session),
    slotIndex: Number(slot),
  };
}

/** A real YYYY-MM-DD date, checked by arithmetic (this runs once per stored slot in `regenerateSlots`). */
function isRealIsoDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

/** Monday of the Monday-to-Sunday week containing `date`. */
export function mondayOf(date: Temporal.PlainDate): Temporal.PlainDate {
  return addDays(date, 1 - date.dayOfWeek);
}

/**
 * Whether the recurrence includes `date`, whatever its weekday (the session's weekday is checked apart).
 * - weekly: every date.
 * - every-n-weeks: dates in the week (Monday to Sunday) containing the anchor date, and every nth week
 *   before and after it.
 * - weeks-of-month: the date is the kth occurrence of its weekday in its month (day 1–7 is the first,
 *   8–14 the second, … 29–31 the fifth) for a listed k, or the last occurrence (within 7 days of the end of
 *   the month) when 'last' is listed. A month without a fifth occurrence simply has no fifth-week session.
 */
export function recurrenceIncludes(recurrence: Recurrence, date: string | Temporal.PlainDate): boolean {
  const d = typeof date === 'string' ? parseDateArgument(date, 'date') : date;
  switch (recurrence.kind) {
    case 'weekly':
      return true;
    case 'every-n-weeks': {
      const anchor = parseDateArgument(recurrence.anchorDate, 'anchorDate');
      const weeks = daysBetween(mondayOf(anchor), mondayOf(d)) / 7;
      return ((weeks % recurrence.n) + recurrence.n) % recurrence.n === 0;
    }
    case 'weeks-of-month': {
      const occurrence = Math.ceil(d.day / 7);
      const last = d.day + 7 > d.daysInMonth;
      return recurrence.weeks.some((w) => (w === 'last' ? last : w === occurrence));
    }
  }
}

/** Wall-clock minutes to instants on one London calendar date. */
class LondonDay {
  readonly startMs: number;
  /** True when the date has no clock change (24 hours long): then wall-clock arithmetic is exact. */
  readonly regular: boolean;

  constructor(readonly date: Temporal.PlainDate) {
    this.startMs = date.toZonedDateTime(LONDON).epochMilliseconds;
    this.regular = addDays(date, 1).toZonedDateTime(LONDON).epochMilliseconds - this.startMs === DAY_MS;
  }

  /** The first moment at which the London clock shows `minutes` past midnight, or later, on this date. */
  instant(minutes: number): number {
    if (this.regular) return this.startMs + minutes * MINUTE_MS;
    return firstInstantShowing(this.date, minutes);
  }

  /** Minutes past midnight on the London clock at `ms` (an instant on this date). */
  wallClock(ms: number): number {
    if (this.regular) return (ms - this.startMs) / MINUTE_MS;
    const shown = instantToLondon(Temporal.Instant.fromEpochMilliseconds(ms));
    return shown.hour * 60 + shown.minute;
  }
}

function firstInstantShowing(date: Temporal.PlainDate, minutes: number): number {
  const time = Temporal.PlainTime.from({ hour: Math.floor(minutes / 60), minute: minutes % 60 });
  // 'earlier' gives the BST instant of a repeated time, and for a missing time the instant the same
  // distance before the gap (01:30 → 00:30 GMT), which shows an earlier time than asked for.
  const candidate = londonDateTimeToInstant(date, time, 'earlier');
  const shown = instantToLondon(candidate);
  if (shown.toPlainDate().equals(date) && shown.toPlainTime().equals(time))
    return candidate.epochMilliseconds;
  // The time does not exist: the clock first shows it or later when it jumps forward.
  const transition = shown.getTimeZoneTransition('next');
  if (transition === null) throw new Error(`No clock change after ${candidate.toString()} in ${LONDON}`);
  return transition.epochMilliseconds;
}

/** The first moment the London clock shows `time` ('HH:MM') or later on `date` (see the module comment). */
export function londonWallClockInstant(date: string, time: string): string {
  const minutes = parseWallClock(time);
  if (minutes === null) throw new RangeError(`time ${JSON.stringify(time)} is not a real HH:MM time`);
  const day = new LondonDay(parseDateArgument(date, 'date'));
  return isoInstant(day.instant(minutes));
}

/** One laid-out slot, before it is given an identity. */
export interface SlotTiming {
  date: string;
  sessionIndex: number;
  slotIndex: number;
  slot: TemplateSlot;
  startMs: number;
  endMs: number;
  sessionStartMs: number;
  sessionEndMs: number;
  localStart: number;
  localEnd: number;
}

/** A valid template's slots on the dates from `from` to `to` inclusive, in start order. */
export function layOutSlots(
  template: ClinicTemplate,
  from: Temporal.PlainDate,
  to: Temporal.PlainDate,
): SlotTiming[] {
  const first = maxDate(from, parsePlainDate(template.effectiveFrom));
  const last = template.effectiveTo === null ? to : minDate(to, parsePlainDate(template.effectiveTo));
  const out: SlotTiming[] = [];
  const sessions = template.sessions.map((session, sessionIndex) => ({
    session,
    sessionIndex,
    start: parseWallClock(session.start)!,
    end: parseWallClock(session.end)!,
  }));
  for (let d = first; compareDates(d, last) <= 0; d = addDays(d, 1)) {
    const todays = sessions.filter((s) => s.session.weekday === d.dayOfWeek);
    if (todays.length === 0 || !recurrenceIncludes(template.recurrence, d)) continue;
    const day = new LondonDay(d);
    const date = d.toString();
    for (const { session, sessionIndex, start, end } of todays) {
      const sessionStartMs = day.instant(start);
      const sessionEndMs = day.instant(end);
      session.slots.forEach((slot, slotIndex) => {
        const wallStart = start + slot.offsetMinutes;
        const wallEnd = wallStart + slot.durationMinutes;
        const startMs = day.instant(wallStart);
        const endMs = startMs + slot.durationMinutes * MINUTE_MS;
        // Spring forward: the slot would lose time to the missing hour, so it is not offered.
        if (endMs > day.instant(wallEnd)) return;
        out.push({
          date,
          sessionIndex,
          slotIndex,
          slot,
          startMs,
          endMs,
          sessionStartMs,
          sessionEndMs,
          localStart: day.regular ? wallStart : day.wallClock(startMs),
          // Read on the clock in force during the slot's last minute (see the module comment).
          localEnd: day.regular ? wallEnd : day.wallClock(endMs - MINUTE_MS) + 1,
        });
      });
    }
  }
  return out.sort(
    (a, b) => a.startMs - b.startMs || a.sessionIndex - b.sessionIndex || a.slotIndex - b.slotIndex,
  );
}

/** Parses and checks a range for generation; null when it is empty (`to` before `from`). */
export function parseRange(range: DateRange): { from: Temporal.PlainDate; to: Temporal.PlainDate } | null {
  const from = parseDateArgument(range.from, 'from');
  const to = parseDateArgument(range.to, 'to');
  const days = daysBetween(from, to) + 1;
  if (days <= 0) return null;
  if (days > MAX_GENERATION_DAYS) {
    throw new RangeError(`A range of ${days} days is longer than the ${MAX_GENERATION_DAYS} days allowed`);
  }
  return { from, to };
}

/** Validates a template for generation, throwing a RangeError that lists its problems. */
export function checkedTemplate(template: ClinicTemplate): ClinicTemplate {
  const result = validateClinicTemplate(template);
  if (!result.ok) {
    const problems = result.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    throw new RangeError(`The clinic template is not valid: ${problems}`);
  }
  return result.template;
}

/**
 * ISO 8601 UTC for an instant in whole seconds, as Temporal writes it ('2026-03-29T01:00:00Z'). Formatted
 * with Date (pure arithmetic, no clock), which is many times faster than the Temporal polyfill here.
 */
export function isoInstant(ms: number): string {
  const text = new Date(ms).toISOString();
  return ms % 1000 === 0 ? `${text.slice(0, 19)}Z` : text;
}

/**
 * Every slot of a template version on the dates `from` to `to` (inclusive, London dates), limited to the
 * version's effective dates, in start order. Throws a RangeError for an invalid template, id or version,
 * a malformed date or a range longer than `MAX_GENERATION_DAYS`; a range with `to` before `from` is empty.
 */
export function generateSlots(template: ClinicTemplateVersion, range: DateRange): GeneratedSlot[] {
  const { templateId, version } = template;
  if (typeof templateId !== 'string' || templateId.trim() === '') {
    throw new RangeError('templateId must be a non-empty string');
  }
  if (!Number.isInteger(version) || version < 1) {
    throw new RangeError(`version must be a whole number of at least 1, not ${String(version)}`);
  }
  const valid = checkedTemplate(template);
  const dates = parseRange(range);
  if (dates === null) return [];
  const sessionIso = new Map<number, string>();
  const cachedIso = (ms: number) => {
    let text = sessionIso.get(ms);
    if (text === undefined) {
      text = isoInstant(ms);
      sessionIso.set(ms, text);
    }
    return text;
  };
  return layOutSlots(valid, dates.from, dates.to).map((t) => {
    const parts: SlotKeyParts = {
      templateId,
      version,
      date: t.date,
      sessionIndex: t.sessionIndex,
      slotIndex: t.slotIndex,
    };
    return {
      key: slotKey(parts),
      ...parts,
      slotType: t.slot.slotType,
      capacity: t.slot.capacity,
      durationMinutes: t.slot.durationMinutes,
      localStart: formatWallClock(t.localStart),
      localEnd: formatWallClock(t.localEnd),
      startsAt: isoInstant(t.startMs),
      endsAt: isoInstant(t.endMs),
      sessionStartsAt: cachedIso(t.sessionStartMs),
      sessionEndsAt: cachedIso(t.sessionEndMs),
    };
  });
}
