/**
 * The six-week notice rule (issue "Clinic templates, slots and the booking engine", part 1): a template
 * change or cancellation whose first affected session is less than six weeks (42 days) away needs a
 * service manager's approval. The request → approve/reject workflow, its reasons and its audit belong to
 * the server; this module says whether approval is needed and from which date a change takes effect.
 *
 * Choices:
 * - Days are London calendar days from `today` to the first affected session date: 41 days away needs
 *   approval, 42 days (exactly six weeks) does not. A first affected date today or in the past (0 or
 *   fewer days) needs approval too.
 * - No affected date (the change alters no session) needs no approval.
 * - A session is affected when its generated slots differ in start, end, type or capacity, or when the
 *   template's clinician, location or specialty changes on a date that has slots (patients would see a
 *   different person or go to a different place). A change of service name alone affects nothing.
 */
import { type Temporal } from 'temporal-polyfill';
import { daysBetween, parsePlainDate } from '../time/plain-date';
import {
  DEFAULT_HORIZON_WEEKS,
  checkedTemplate,
  layOutSlots,
  parseRange,
  slotHorizon,
} from './generate-slots';
import type { ClinicTemplate } from './types';

export const NOTICE_WEEKS_WITHOUT_APPROVAL = 6;
export const NOTICE_DAYS_WITHOUT_APPROVAL = NOTICE_WEEKS_WITHOUT_APPROVAL * 7;

function parseDateArgument(value: string, name: string): Temporal.PlainDate {
  try {
    return parsePlainDate(value);
  } catch {
    throw new RangeError(`${name} ${JSON.stringify(value)} is not a date written YYYY-MM-DD`);
  }
}

export interface ChangeNoticeInput {
  today: string;
  /** First session date the change affects (from `firstAffectedDate`), or null when none is. */
  firstAffectedDate: string | null;
}

/** Whole days of notice a change gives (first affected date − today), or null when nothing is affected. */
export function noticeDays({ today, firstAffectedDate }: ChangeNoticeInput): number | null {
  const from = parseDateArgument(today, 'today');
  if (firstAffectedDate === null) return null;
  return daysBetween(from, parseDateArgument(firstAffectedDate, 'firstAffectedDate'));
}

/** True when the first affected session is less than six weeks (42 days) from today. */
export function changeNeedsApproval(input: ChangeNoticeInput): boolean {
  const days = noticeDays(input);
  return days !== null && days < NOTICE_DAYS_WITHOUT_APPROVAL;
}

export interface FirstAffectedDateInput {
  /** The version in force now. */
  previous: ClinicTemplate;
  /**
   * The proposed version. It supersedes `previous` from its own `effectiveFrom`: before that date the
   * previous version goes on unchanged. For a cancellation pass the previous version with an earlier
   * `effectiveTo` (it then runs up to that date and stops).
   */
  next: ClinicTemplate;
  today: string;
  /** How far ahead to look, in weeks from today (default 26); at least 6, so the approval answer is exact. */
  weeks?: number;
}

/** Per date, what a patient or a booking clerk would see of that date's sessions. */
function signatures(template: ClinicTemplate, from: Temporal.PlainDate, to: Temporal.PlainDate) {
  const owner = JSON.stringify([template.clinicianId, template.locationId, template.specialtyCode]);
  const byDate = new Map<string, string[]>();
  for (const t of layOutSlots(template, from, to)) {
    const list = byDate.get(t.date) ?? [owner];
    list.push(`${t.startMs}/${t.endMs}/${t.slot.slotType}/${t.slot.capacity}`);
    byDate.set(t.date, list);
  }
  return byDate;
}

/**
 * The first date from `today` (inclusive) within `weeks` weeks whose sessions the change alters, or null
 * when it alters none in that window. Feed it to `changeNeedsApproval`. Both versions must be valid
 * (a RangeError otherwise).
 */
export function firstAffectedDate(input: FirstAffectedDateInput): string | null {
  const weeks = input.weeks ?? DEFAULT_HORIZON_WEEKS;
  if (!Number.isInteger(weeks) || weeks < NOTICE_WEEKS_WITHOUT_APPROVAL) {
    throw new RangeError(`weeks must be a whole number of at least ${NOTICE_WEEKS_WITHOUT_APPROVAL}`);
  }
  const previous = checkedTemplate(input.previous);
  const next = checkedTemplate(input.next);
  const range = parseRange(slotHorizon(input.today, weeks))!;
  const before = signatures(previous, range.from, range.to);
  const nextFrom = parsePlainDate(next.effectiveFrom);
  const after = signatures(next, range.from, range.to);
  // After the change: the previous version on dates before the next one starts, the next one from then on.
  const dates = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const date of dates) {
    const superseded = daysBetween(nextFrom, parsePlainDate(date)) >= 0;
    const was = before.get(date);
    const will = superseded ? after.get(date) : was;
    if (JSON.stringify(was ?? null) !== JSON.stringify(will ?? null)) return date;
  }
  return null;
}
