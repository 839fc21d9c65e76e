/**
 * A clinic's schedule as the person types it, and what it becomes: a template version for the API. Slots are
 * laid out in rows ("4 slots of 15 minutes, new, 1 patient each, after a break of 0 minutes") that expand, in
 * order from the session start, into the slot list the API takes; the server's errors about slot j are put
 * back on the row that made it.
 */
import { SLOT_TYPES, type Recurrence, type RecurrenceKind, type SlotType } from '@pathflow/core';
import type { ErrorSummaryItem } from '../../components/error-summary';
import {
  EMPTY_DATE,
  dateFieldId,
  datePartsOf,
  isBlankDate,
  isoFromParts,
  type DateParts,
} from '../../components/date-input';
import type { ClinicVersion, SlotLayout, VersionFields } from '../../api/clinics';

/** The most slots the API takes in one session. */
export const MAX_SESSION_SLOTS = 200;
export const MAX_SESSIONS = 50;
export const WEEKS_OF_MONTH_CHOICES = ['1', '2', '3', '4', '5', 'last'] as const;

export interface LayoutRow {
  key: number;
  /** Minutes of break before the row's first slot (blank is none). */
  gap: string;
  count: string;
  minutes: string;
  slotType: SlotType;
  capacity: string;
}

export interface SessionDraft {
  key: number;
  weekday: string;
  start: string;
  end: string;
  rows: LayoutRow[];
}

export interface ScheduleDraft {
  effectiveFrom: DateParts;
  effectiveTo: DateParts;
  kind: RecurrenceKind;
  n: string;
  anchorDate: DateParts;
  weeks: string[];
  sessions: SessionDraft[];
}

/** Errors for a form: the summary in order, and the first message for each field (by its element id). */
export interface FormErrors {
  summary: ErrorSummaryItem[];
  fields: Record<string, string>;
}

export const noErrors = (): FormErrors => ({ summary: [], fields: {} });

/** Adds an error: to the summary (with `context` in front) and, if the field has none yet, on the field. */
export function addError(
  errors: FormErrors,
  fieldId: string | undefined,
  text: string,
  context = '',
  inline = text,
): void {
  errors.summary.push(fieldId ? { text: `${context}${text}`, fieldId } : { text: `${context}${text}` });
  if (fieldId && !errors.fields[fieldId]) errors.fields[fieldId] = inline;
}

let nextKey = 1;
/** A key for React lists of rows and sessions (never reused, so a removed row's inputs are not recycled). */
export const newKey = () => nextKey++;

export const newRow = (over: Partial<LayoutRow> = {}): LayoutRow => ({
  key: newKey(),
  gap: '0',
  count: '4',
  minutes: '15',
  slotType: 'new',
  capacity: '1',
  ...over,
});

export const newSession = (over: Partial<SessionDraft> = {}): SessionDraft => ({
  key: newKey(),
  weekday: '1',
  start: '09:00',
  end: '12:00',
  rows: [newRow()],
  ...over,
});

export const emptySchedule = (): ScheduleDraft => ({
  effectiveFrom: EMPTY_DATE,
  effectiveTo: EMPTY_DATE,
  kind: 'weekly',
  n: '2',
  anchorDate: EMPTY_DATE,
  weeks: [],
  sessions: [newSession()],
});

// Element ids, which the error summary links to.
export const ids = {
  effectiveFrom: 'effectiveFrom',
  effectiveTo: 'effectiveTo',
  recurrence: 'recurrence',
  n: 'recurrence-n',
  anchorDate: 'recurrence-anchorDate',
  weeks: 'recurrence-weeks',
  session: (i: number, field: 'weekday' | 'start' | 'end') => `sessions-${i}-${field}`,
  row: (i: number, r: number, field: keyof Omit<LayoutRow, 'key'>) => `sessions-${i}-rows-${r}-${field}`,
};

/** "9:00" or "9.00" → "09:00"; anything else is sent as typed, for the server to name the problem. */
export function normaliseTime(value: string): string {
  const match = /^(\d{1,2})[:.](\d{2})$/.exec(value.trim());
  return match ? `${match[1]!.padStart(2, '0')}:${match[2]}` : value.trim();
}

/** Minutes after midnight of an 'HH:MM' wall-clock time, or null. */
export function minutesOf(value: string): number | null {
  const match = /^(\d{2}):(\d{2})$/.exec(normaliseTime(value));
  if (!match) return null;
  const [h, m] = [Number(match[1]), Number(match[2])];
  return h < 24 && m < 60 ? h * 60 + m : null;
}

const wholeNumber = (value: string): number | null => (/^\d+$/.test(value.trim()) ? Number(value) : null);

interface Expanded {
  slots: SlotLayout[];
  /** For each slot, the index of the row it came from. */
  rowOf: number[];
}

/** The session's rows as slots, one after another from the session start; or the problems with the rows. */
function expandRows(session: SessionDraft, i: number, errors: FormErrors | null): Expanded | null {
  const slots: SlotLayout[] = [];
  const rowOf: number[] = [];
  let cursor = 0;
  let ok = true;
  session.rows.forEach((row, r) => {
    const where = `Session ${i + 1}, slot row ${r + 1}: `;
    const fail = (field: keyof Omit<LayoutRow, 'key'>, text: string) => {
      ok = false;
      if (errors) addError(errors, ids.row(i, r, field), text, where);
    };
    const gap = row.gap.trim() === '' ? 0 : wholeNumber(row.gap);
    const count = wholeNumber(row.count);
    const minutes = wholeNumber(row.minutes);
    const capacity = wholeNumber(row.capacity);
    if (gap === null) fail('gap', 'Enter the break before these slots as a whole number of minutes, or 0');
    if (count === null || count < 1 || count > MAX_SESSION_SLOTS)
      fail('count', `Enter the number of slots as a whole number from 1 to ${MAX_SESSION_SLOTS}`);
    if (minutes === null)
      fail('minutes', 'Enter how long each slot is as a whole number of minutes, like 15');
    if (capacity === null)
      fail('capacity', 'Enter how many patients each slot takes as a whole number, like 1');
    if (gap === null || count === null || minutes === null || capacity === null) return;
    cursor += gap;
    for (let k = 0; k < count && slots.length <= MAX_SESSION_SLOTS; k++) {
      slots.push({ offsetMinutes: cursor, durationMinutes: minutes, slotType: row.slotType, capacity });
      rowOf.push(r);
      cursor += minutes;
    }
  });
  if (ok && slots.length > MAX_SESSION_SLOTS) {
    ok = false;
    if (errors) {
      addError(
        errors,
        ids.row(i, 0, 'count'),
        `A session can have at most ${MAX_SESSION_SLOTS} slots`,
        `Session ${i + 1}: `,
      );
    }
  }
  return ok ? { slots, rowOf } : null;
}

export interface PreviewSlot {
  start: number;
  end: number;
  slotType: SlotType;
  capacity: number;
  row: number;
}

/** The session's slots as they will be made, for the preview table, or null until the rows make sense. */
export function previewSession(session: SessionDraft): PreviewSlot[] | null {
  const start = minutesOf(session.start);
  const expanded = expandRows(session, 0, null);
  if (start === null || !expanded) return null;
  return expanded.slots.map((s, j) => ({
    start: start + s.offsetMinutes,
    end: start + s.offsetMinutes + s.durationMinutes,
    slotType: s.slotType,
    capacity: s.capacity,
    row: expanded.rowOf[j]!,
  }));
}

export interface BuiltSchedule {
  fields: VersionFields;
  /** For each session, the row each slot came from. */
  rowOf: number[][];
}

/** The draft as a template version, or the problems the person must fix before it can be sent. */
export function buildSchedule(draft: ScheduleDraft, errors: FormErrors): BuiltSchedule | null {
  const before = errors.summary.length;
  let effectiveFrom = '';
  if (isBlankDate(draft.effectiveFrom))
    addError(errors, dateFieldId(ids.effectiveFrom), 'Enter the first date');
  else {
    effectiveFrom = isoFromParts(draft.effectiveFrom) ?? '';
    if (!effectiveFrom)
      addError(errors, dateFieldId(ids.effectiveFrom), 'The first date must be a real date, like 30 11 2026');
  }
  let effectiveTo: string | null = null;
  if (!isBlankDate(draft.effectiveTo)) {
    effectiveTo = isoFromParts(draft.effectiveTo);
    if (!effectiveTo)
      addError(errors, dateFieldId(ids.effectiveTo), 'The last date must be a real date, like 31 3 2027');
  }
  let recurrence: Recurrence = { kind: 'weekly' };
  if (draft.kind === 'every-n-weeks') {
    const n = wholeNumber(draft.n);
    if (n === null) addError(errors, ids.n, 'Enter how many weeks apart the clinics are, like 2');
    let anchorDate = effectiveFrom;
    if (!isBlankDate(draft.anchorDate)) {
      anchorDate = isoFromParts(draft.anchorDate) ?? '';
      if (!anchorDate)
        addError(errors, dateFieldId(ids.anchorDate), 'The date to count from must be a real date');
    }
    recurrence = { kind: 'every-n-weeks', n: n ?? 0, anchorDate };
  } else if (draft.kind === 'weeks-of-month') {
    if (draft.weeks.length === 0) addError(errors, ids.weeks, 'Select at least one week of the month');
    const weeks = WEEKS_OF_MONTH_CHOICES.filter((w) => draft.weeks.includes(w)).map((w) =>
      w === 'last' ? ('last' as const) : (Number(w) as 1 | 2 | 3 | 4 | 5),
    );
    recurrence = { kind: 'weeks-of-month', weeks };
  }
  const sessions: VersionFields['sessions'] = [];
  const rowOf: number[][] = [];
  draft.sessions.forEach((s, i) => {
    const expanded = expandRows(s, i, errors);
    sessions.push({
      weekday: Number(s.weekday),
      start: normaliseTime(s.start),
      end: normaliseTime(s.end),
      slots: expanded?.slots ?? [],
    });
    rowOf.push(expanded?.rowOf ?? []);
  });
  if (errors.summary.length > before) return null;
  return { fields: { effectiveFrom, effectiveTo, recurrence, sessions }, rowOf };
}

const SLOT_FIELD_TO_ROW: Record<string, keyof Omit<LayoutRow, 'key'>> = {
  durationMinutes: 'minutes',
  slotType: 'slotType',
  capacity: 'capacity',
};

/**
 * Where a server error about the schedule goes: the element id and the words to put before it in the summary
 * (which session, which slot). Null for a field that is not part of the schedule.
 */
export function scheduleFieldOf(
  field: string,
  rowOf: number[][],
): { id: string; context: string; inline?: string } | null {
  const path = field.replace(/^\/body\/?/, '');
  if (path === 'effectiveFrom') return { id: dateFieldId(ids.effectiveFrom), context: '' };
  if (path === 'effectiveTo') return { id: dateFieldId(ids.effectiveTo), context: '' };
  if (path === 'recurrence' || path === 'recurrence/kind') return { id: ids.recurrence, context: '' };
  if (path === 'recurrence/n') return { id: ids.n, context: '' };
  if (path === 'recurrence/anchorDate') return { id: dateFieldId(ids.anchorDate), context: '' };
  if (path.startsWith('recurrence/weeks')) return { id: ids.weeks, context: '' };
  if (path === 'sessions') return { id: ids.session(0, 'weekday'), context: '' };
  const session = /^sessions\/(\d+)(?:\/(weekday|start|end|slots)(?:\/(\d+)(?:\/(\w+))?)?)?$/.exec(path);
  if (!session) return null;
  const i = Number(session[1]);
  const context = `Session ${i + 1}: `;
  const part = session[2];
  if (part === undefined || part === 'weekday') return { id: ids.session(i, 'weekday'), context };
  if (part === 'start' || part === 'end') return { id: ids.session(i, part), context };
  if (session[3] === undefined) return { id: ids.row(i, 0, 'count'), context };
  const j = Number(session[3]);
  const rows = rowOf[i] ?? [];
  const r = rows[j] ?? 0;
  const firstOfRow = rows.indexOf(r) === j;
  const slotField = session[4] ?? '';
  const rowField =
    SLOT_FIELD_TO_ROW[slotField] ?? (slotField === 'offsetMinutes' && firstOfRow ? 'gap' : 'count');
  return {
    id: ids.row(i, r, rowField),
    context: `Session ${i + 1}, slot ${j + 1}: `,
    inline: `Slot ${j + 1}: `,
  };
}

/** A stored version as a draft (slots in start order, grouped into rows), to change from `effectiveFrom`. */
export function draftFromVersion(v: ClinicVersion, effectiveFrom: string): ScheduleDraft {
  const recurrence = v.recurrence;
  return {
    effectiveFrom: datePartsOf(effectiveFrom),
    effectiveTo: datePartsOf(v.effectiveTo),
    kind: recurrence.kind,
    n: recurrence.kind === 'every-n-weeks' ? String(recurrence.n) : '2',
    anchorDate: recurrence.kind === 'every-n-weeks' ? datePartsOf(recurrence.anchorDate) : EMPTY_DATE,
    weeks: recurrence.kind === 'weeks-of-month' ? recurrence.weeks.map(String) : [],
    sessions: v.sessions.map((s) => {
      const slots = [...s.slots].sort((a, b) => a.offsetMinutes - b.offsetMinutes);
      const rows: LayoutRow[] = [];
      let cursor = 0;
      let last: { row: LayoutRow; count: number } | null = null;
      for (const slot of slots) {
        const gap = slot.offsetMinutes - cursor;
        const same =
          last !== null &&
          gap === 0 &&
          last.row.minutes === String(slot.durationMinutes) &&
          last.row.slotType === slot.slotType &&
          last.row.capacity === String(slot.capacity);
        if (same && last) {
          last.count += 1;
          last.row.count = String(last.count);
        } else {
          const row = newRow({
            gap: String(Math.max(0, gap)),
            count: '1',
            minutes: String(slot.durationMinutes),
            slotType: slot.slotType,
            capacity: String(slot.capacity),
          });
          rows.push(row);
          last = { row, count: 1 };
        }
        cursor = slot.offsetMinutes + slot.durationMinutes;
      }
      return newSession({
        weekday: String(s.weekday),
        start: s.start,
        end: s.end,
        rows: rows.length > 0 ? rows : [newRow()],
      });
    }),
  };
}

export const isSlotType = (value: string): value is SlotType =>
  (SLOT_TYPES as readonly string[]).includes(value);

/**
 * The server's field errors put on their fields: the page's own fields first (`pageField` gives the element
 * id for a `/body/...` path), then the schedule's; any others go in the summary alone. With no field errors,
 * the summary says `failed` and the server's detail.
 */
export function errorsFromServer(
  problem: { errors: { field: string; message: string }[]; detail: string; title: string },
  rowOf: number[][],
  pageField: (field: string) => string | null,
  failed: string,
): FormErrors {
  const errors = noErrors();
  for (const e of problem.errors) {
    const own = pageField(e.field);
    if (own) {
      addError(errors, own, e.message);
      continue;
    }
    const place = scheduleFieldOf(e.field, rowOf);
    if (place) addError(errors, place.id, e.message, place.context, `${place.inline ?? ''}${e.message}`);
    else addError(errors, undefined, e.message);
  }
  if (errors.summary.length === 0) {
    addError(
      errors,
      undefined,
      `${failed} ${problem.detail || problem.title || 'There is a problem with the service.'}`,
    );
  }
  return errors;
}
