/**
 * The clinic template rules: one template version in, every problem out (never just the first), each with
 * the slash-separated path of the field at fault, or the template back, normalised.
 *
 * Choices (documented so they can be questioned):
 * - A template belongs to a clinician (`clinicianId`) or to a service: with `clinicianId: null` the
 *   `serviceName` is required. Identifiers and names are trimmed, 1–200 characters.
 * - `specialtyCode` is a three-digit treatment function code.
 * - Sessions are wall-clock times in Europe/London within one calendar day ('00:00' to '23:59', no session
 *   runs past midnight) and must end after they start. Two sessions on the same weekday may not overlap
 *   (one clinician, one place); they may touch (09:00–13:00 and 13:00–17:00).
 * - Slots may not overlap one another within a session: a slot is the clinician's time. Seeing patients in
 *   parallel is written as one slot with a capacity above 1, not as overlapping slots. Slots may touch and
 *   may leave gaps (admin time, breaks), and may be listed in any order; their position in the list is
 *   their index in the slot key, so reordering a published layout is a change (a new version).
 * - Every slot must lie wholly inside its session; a session needs at least one slot, a template at least
 *   one session.
 * - Whole minutes only. A slot lasts 5 to 480 minutes. Capacity is a whole number from 1 to 100 (the upper
 *   bound is a typing guard, not a clinical rule).
 * - `every-n-weeks` takes n from 1 to 52 (n = 1 is the same as weekly).
 * - `weeks-of-month` takes a non-empty list of 1–5 and 'last', each at most once. 5 and 'last' may both be
 *   given; they pick the same date in a month that has a fifth occurrence, and that date has one session.
 * - Unknown fields are ignored and left out of the returned template.
 */
import type { Temporal } from 'temporal-polyfill';
import { compareDates, parsePlainDate } from '../time/plain-date';
import {
  RECURRENCE_KINDS,
  SLOT_TYPES,
  WEEKS_OF_MONTH,
  type ClinicTemplate,
  type Recurrence,
  type SlotType,
  type TemplateError,
  type TemplateSession,
  type TemplateSlot,
  type TemplateValidation,
  type WeekOfMonth,
  type Weekday,
} from './types';
import { formatWallClock, looksLikeWallClock, parseWallClock } from './wall-clock';

export const MIN_SLOT_MINUTES = 5;
export const MAX_SLOT_MINUTES = 480;
export const MAX_SLOT_CAPACITY = 100;
export const MAX_EVERY_N_WEEKS = 52;
export const MAX_TEMPLATE_TEXT_LENGTH = 200;

const SPECIALTY_CODE = /^\d{3}$/;
const SLOT_TYPE_LIST = 'new, follow-up, urgent new, two-week wait or procedure';
export const WEEKDAY_NAMES = {
  1: 'Monday',
  2: 'Tuesday',
  3: 'Wednesday',
  4: 'Thursday',
  5: 'Friday',
  6: 'Saturday',
  7: 'Sunday',
} as const satisfies Record<Weekday, string>;

type Issue = (path: string, message: string) => void;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}

function isWholeNumber(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** Trimmed text of 1–200 characters, or null (after reporting) when missing, blank, too long or not text. */
function requiredText(value: unknown, path: string, missing: string, issue: Issue): string | null {
  if (typeof value !== 'string' || value.trim() === '') {
    issue(path, missing);
    return null;
  }
  const trimmed = value.trim();
  if (trimmed.length > MAX_TEMPLATE_TEXT_LENGTH) {
    issue(path, `This must be ${MAX_TEMPLATE_TEXT_LENGTH} characters or fewer`);
    return null;
  }
  return trimmed;
}

function date(value: unknown, path: string, what: string, issue: Issue): Temporal.PlainDate | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    issue(path, `Enter ${what} as YYYY-MM-DD, like 2026-04-06`);
    return null;
  }
  try {
    return parsePlainDate(value);
  } catch {
    issue(path, `${value} is not a real date`);
    return null;
  }
}

function wallClock(value: unknown, path: string, what: string, issue: Issue): number | null {
  const minutes = parseWallClock(value);
  if (minutes !== null) return minutes;
  if (looksLikeWallClock(value)) issue(path, `${String(value)} is not a real time`);
  else issue(path, `Enter the ${what} time as HH:MM on the 24-hour clock, like 09:00`);
  return null;
}

function validateRecurrence(value: unknown, issue: Issue): Recurrence | null {
  if (!isRecord(value)) {
    issue('recurrence', 'Choose how often the clinic runs: weekly, every few weeks or on weeks of the month');
    return null;
  }
  if (!isOneOf(RECURRENCE_KINDS, value.kind)) {
    issue(
      'recurrence/kind',
      "Choose how often the clinic runs: 'weekly', 'every-n-weeks' or 'weeks-of-month'",
    );
    return null;
  }
  switch (value.kind) {
    case 'weekly':
      return { kind: 'weekly' };
    case 'every-n-weeks': {
      let n: number | null = null;
      if (isWholeNumber(value.n, 1, MAX_EVERY_N_WEEKS)) n = value.n;
      else {
        issue(
          'recurrence/n',
          `Enter the number of weeks between clinics as a whole number from 1 to ${MAX_EVERY_N_WEEKS}`,
        );
      }
      const anchor = date(
        value.anchorDate,
        'recurrence/anchorDate',
        'a date in a week the clinic runs',
        issue,
      );
      return n === null || anchor === null
        ? null
        : { kind: 'every-n-weeks', n, anchorDate: anchor.toString() };
    }
    case 'weeks-of-month': {
      const weeks = value.weeks;
      if (!Array.isArray(weeks) || weeks.length === 0) {
        issue('recurrence/weeks', "Choose at least one week of the month (1 to 5, or 'last')");
        return null;
      }
      const seen = new Set<WeekOfMonth>();
      let ok = true;
      weeks.forEach((week: unknown, i) => {
        if (!(WEEKS_OF_MONTH as readonly unknown[]).includes(week)) {
          issue(`recurrence/weeks/${i}`, "A week of the month must be 1, 2, 3, 4, 5 or 'last'");
          ok = false;
          return;
        }
        const w = week as WeekOfMonth;
        if (seen.has(w)) {
          issue(`recurrence/weeks/${i}`, `Week ${String(w)} is listed more than once`);
          ok = false;
        }
        seen.add(w);
      });
      return ok ? { kind: 'weeks-of-month', weeks: [...(weeks as WeekOfMonth[])] } : null;
    }
  }
}

interface CheckedSlot {
  index: number;
  offset: number | null;
  duration: number | null;
  /** False when the slot was reported for reaching outside its session. */
  fits: boolean;
  slot: TemplateSlot | null;
}

function validateSlot(value: unknown, path: string, issue: Issue): Omit<CheckedSlot, 'index' | 'fits'> {
  if (!isRecord(value)) {
    issue(path, 'Each slot must give its offset, duration, slot type and capacity');
    return { offset: null, duration: null, slot: null };
  }
  let offset: number | null = null;
  if (isWholeNumber(value.offsetMinutes, 0, 24 * 60 - 1)) offset = value.offsetMinutes;
  else
    issue(
      `${path}/offsetMinutes`,
      'Enter when the slot starts as whole minutes after the session starts (0 or more)',
    );
  let duration: number | null = null;
  if (isWholeNumber(value.durationMinutes, MIN_SLOT_MINUTES, MAX_SLOT_MINUTES))
    duration = value.durationMinutes;
  else {
    issue(
      `${path}/durationMinutes`,
      `Enter the length of the slot as a whole number of minutes from ${MIN_SLOT_MINUTES} to ${MAX_SLOT_MINUTES}`,
    );
  }
  let slotType: SlotType | null = null;
  if (isOneOf(SLOT_TYPES, value.slotType)) slotType = value.slotType;
  else issue(`${path}/slotType`, `Choose the slot type: ${SLOT_TYPE_LIST}`);
  let capacity: number | null = null;
  if (isWholeNumber(value.capacity, 1, MAX_SLOT_CAPACITY)) capacity = value.capacity;
  else {
    issue(
      `${path}/capacity`,
      `Enter how many patients the slot takes as a whole number from 1 to ${MAX_SLOT_CAPACITY}`,
    );
  }
  const slot =
    offset !== null && duration !== null && slotType !== null && capacity !== null
      ? { offsetMinutes: offset, durationMinutes: duration, slotType, capacity }
      : null;
  return { offset, duration, slot };
}

interface CheckedSession {
  index: number;
  weekday: Weekday | null;
  start: number | null;
  end: number | null;
  session: TemplateSession | null;
}

/** 'HH:MM to HH:MM' for minutes inside the session, or minutes into it when the session start is unknown. */
function span(sessionStart: number | null, from: number, to: number): string {
  return sessionStart !== null && sessionStart + to < 24 * 60
    ? `${formatWallClock(sessionStart + from)} to ${formatWallClock(sessionStart + to)}`
    : `minutes ${from} to ${to} of the session`;
}

function validateSession(value: unknown, index: number, issue: Issue): CheckedSession {
  const path = `sessions/${index}`;
  const none: CheckedSession = { index, weekday: null, start: null, end: null, session: null };
  if (!isRecord(value)) {
    issue(path, 'Each session must give its weekday, start and end times and slots');
    return none;
  }
  let weekday: Weekday | null = null;
  if (isWholeNumber(value.weekday, 1, 7)) weekday = value.weekday as Weekday;
  else issue(`${path}/weekday`, 'Enter the day of the week as a number from 1 (Monday) to 7 (Sunday)');
  const start = wallClock(value.start, `${path}/start`, 'start', issue);
  let end = wallClock(value.end, `${path}/end`, 'end', issue);
  if (start !== null && end !== null && end <= start) {
    issue(`${path}/end`, `The session must end after it starts (${formatWallClock(start)})`);
    end = null;
  }
  const length = start !== null && end !== null ? end - start : null;

  const checked: CheckedSlot[] = [];
  if (!Array.isArray(value.slots) || value.slots.length === 0) {
    issue(`${path}/slots`, 'Add at least one slot to the session');
  } else {
    value.slots.forEach((raw: unknown, i) => {
      const slotPath = `${path}/slots/${i}`;
      const result = validateSlot(raw, slotPath, issue);
      const { offset, duration } = result;
      let fits = true;
      if (length !== null && offset !== null) {
        if (offset >= length) {
          issue(
            `${slotPath}/offsetMinutes`,
            `The slot starts ${offset} minutes into a session that lasts ${length} minutes (${span(start, 0, length)})`,
          );
          fits = false;
        } else if (duration !== null && offset + duration > length) {
          issue(
            `${slotPath}/durationMinutes`,
            `The slot runs ${offset + duration - length} minutes past the end of its session at ${formatWallClock(end!)}`,
          );
          fits = false;
        }
      }
      checked.push({ index: i, ...result, fits, slot: fits ? result.slot : null });
    });
    // Overlaps: sweep the slots in start order; each slot is compared with the one that reaches furthest
    // so far, and the later one (by start, then by position in the list) is reported. A slot already
    // reported for not fitting in its session is left out.
    const timed = checked
      .filter((s) => s.fits && s.offset !== null && s.duration !== null)
      .sort((a, b) => a.offset! - b.offset! || a.index - b.index);
    let furthest: CheckedSlot | null = null;
    for (const s of timed) {
      if (furthest !== null && s.offset! < furthest.offset! + furthest.duration!) {
        issue(
          `${path}/slots/${s.index}/offsetMinutes`,
          `This slot (${span(start, s.offset!, s.offset! + s.duration!)}) overlaps the slot from ${span(
            start,
            furthest.offset!,
            furthest.offset! + furthest.duration!,
          )}: slots in a session may not overlap (give one slot a capacity above 1 to see patients in parallel)`,
        );
        s.slot = null;
      }
      if (furthest === null || s.offset! + s.duration! > furthest.offset! + furthest.duration!) furthest = s;
    }
  }

  const slots = checked.map((s) => s.slot);
  const session: TemplateSession | null =
    weekday !== null && start !== null && end !== null && slots.length > 0 && !slots.includes(null)
      ? { weekday, start: formatWallClock(start), end: formatWallClock(end), slots: slots as TemplateSlot[] }
      : null;
  return { index, weekday, start, end, session };
}

/** Every problem with a clinic template version, or the template (trimmed, unknown fields dropped). */
export function validateClinicTemplate(input: unknown): TemplateValidation {
  const errors: TemplateError[] = [];
  const issue: Issue = (path, message) => {
    errors.push({ path, message });
  };
  if (!isRecord(input)) {
    return {
      ok: false,
      errors: [{ path: '', message: 'The clinic template must be an object with its fields' }],
    };
  }

  let clinicianId: string | null = null;
  let clinicianOk = true;
  if (input.clinicianId !== null) {
    clinicianId = requiredText(
      input.clinicianId,
      'clinicianId',
      "Enter the clinician's identifier, or null for a clinic run by a service",
      issue,
    );
    clinicianOk = clinicianId !== null;
  }
  let serviceName: string | undefined;
  if (input.serviceName !== undefined && input.serviceName !== null && input.serviceName !== '') {
    serviceName =
      requiredText(input.serviceName, 'serviceName', 'Enter the name of the service as text', issue) ??
      undefined;
  } else if (input.clinicianId === null) {
    issue('serviceName', 'Enter the name of the service, because the clinic has no named clinician');
  }
  const serviceOk = !errors.some((e) => e.path === 'serviceName');
  const locationId = requiredText(input.locationId, 'locationId', 'Enter the location of the clinic', issue);
  let specialtyCode: string | null = null;
  if (typeof input.specialtyCode === 'string' && SPECIALTY_CODE.test(input.specialtyCode.trim())) {
    specialtyCode = input.specialtyCode.trim();
  } else {
    issue('specialtyCode', 'Enter the specialty as a 3-digit treatment function code, like 110');
  }

  const from = date(input.effectiveFrom, 'effectiveFrom', 'the date the template starts', issue);
  let to: Temporal.PlainDate | null = null;
  let toOk = true;
  if (input.effectiveTo !== null) {
    to = date(
      input.effectiveTo,
      'effectiveTo',
      'the last date the template applies (or null if it has no end date)',
      issue,
    );
    toOk = to !== null;
    if (from !== null && to !== null && compareDates(to, from) < 0) {
      issue('effectiveTo', `The last date must be the same as or after the start date (${from.toString()})`);
      toOk = false;
    }
  }

  const recurrence = validateRecurrence(input.recurrence, issue);

  const sessions: CheckedSession[] = [];
  if (!Array.isArray(input.sessions) || input.sessions.length === 0) {
    issue('sessions', 'Add at least one session to the template');
  } else {
    input.sessions.forEach((raw: unknown, i) => sessions.push(validateSession(raw, i, issue)));
    // Sessions on the same weekday may touch but not overlap; the later one (by start) is reported.
    const timed = sessions
      .filter((s) => s.weekday !== null && s.start !== null && s.end !== null)
      .sort((a, b) => a.weekday! - b.weekday! || a.start! - b.start! || a.index - b.index);
    let furthest: CheckedSession | null = null;
    for (const s of timed) {
      if (furthest !== null && furthest.weekday === s.weekday && s.start! < furthest.end!) {
        const day = WEEKDAY_NAMES[s.weekday!];
        issue(
          `sessions/${s.index}/start`,
          `This session (${day} ${formatWallClock(s.start!)} to ${formatWallClock(s.end!)}) overlaps another ${day} session (${formatWallClock(furthest.start!)} to ${formatWallClock(furthest.end!)})`,
        );
        s.session = null;
      }
      if (furthest === null || furthest.weekday !== s.weekday || s.end! > furthest.end!) furthest = s;
    }
  }

  if (
    errors.length > 0 ||
    !clinicianOk ||
    !serviceOk ||
    locationId === null ||
    specialtyCode === null ||
    from === null ||
    !toOk ||
    recurrence === null ||
    sessions.some((s) => s.session === null)
  ) {
    return { ok: false, errors };
  }
  const template: ClinicTemplate = {
    clinicianId,
    ...(serviceName === undefined ? {} : { serviceName }),
    locationId,
    specialtyCode,
    effectiveFrom: from.toString(),
    effectiveTo: to === null ? null : to.toString(),
    recurrence,
    sessions: sessions.map((s) => s.session!),
  };
  return { ok: true, template };
}
