/**
 * When a waiting patient is due for waiting-list validation (spec §2.6):
 * - re-validate when the wait reaches 12, 26 and 52 weeks (NHS England validation letter, Dec 2022);
 * - contact the patient after 12 weeks of waiting and then every 12 weeks without other contact.
 *
 * Both are measured from the start of the current RTT clock. Due from day 84 (12 weeks reached), not from
 * day 85. Validation never changes a clock and nobody is removed for not replying (see `validation-contact`).
 */
import type { Temporal } from 'temporal-polyfill';
import { addDays, compareDates, daysBetween, parsePlainDate } from '../time/plain-date';

export const VALIDATION_MILESTONE_WEEKS = [12, 26, 52] as const;
/** Contact the patient every 12 weeks (84 days) without other contact. */
export const VALIDATION_CONTACT_INTERVAL_DAYS = 84;

export const VALIDATION_DUE_REASONS = [
  'milestone-12-weeks',
  'milestone-26-weeks',
  'milestone-52-weeks',
  'contact-every-12-weeks',
] as const;
export type ValidationDueReason = (typeof VALIDATION_DUE_REASONS)[number];

export interface ValidationDueInput {
  /** ISO start of the current RTT clock. */
  clockStart: string;
  /** Last completed validation of this pathway, or null. */
  lastValidatedOn: string | null;
  /** Last contact with the patient about this pathway (appointment, letter, validation reply…), or null. */
  lastContactOn: string | null;
  asOf: string;
}

export interface ValidationDue {
  /** Validation is due on asOf: include the pathway in the administrative validation batch. */
  due: boolean;
  /** When due, the earliest date from which it has been due; otherwise the next date it falls due. */
  dueOn: string;
  /** What is due (when due) or what falls due on `dueOn` (when not). */
  reasons: ValidationDueReason[];
}

function parse(value: string, field: string): Temporal.PlainDate {
  try {
    return parsePlainDate(value);
  } catch {
    throw new RangeError(`${field} ${JSON.stringify(value)} is not a date written YYYY-MM-DD`);
  }
}

/** Whether, and from when, a waiting pathway is due for validation on `asOf`. */
export function validationDue(input: ValidationDueInput): ValidationDue {
  const start = parse(input.clockStart, 'clockStart');
  const asOf = parse(input.asOf, 'asOf');
  const validated = input.lastValidatedOn === null ? null : parse(input.lastValidatedOn, 'lastValidatedOn');
  const contact = input.lastContactOn === null ? null : parse(input.lastContactOn, 'lastContactOn');

  const requirements: { date: Temporal.PlainDate; reason: ValidationDueReason; met: boolean }[] = [];
  for (const weeks of VALIDATION_MILESTONE_WEEKS) {
    const date = addDays(start, weeks * 7);
    // A validation counts for a milestone only if done once the milestone is reached.
    const met =
      validated !== null && compareDates(validated, date) >= 0 && compareDates(validated, asOf) <= 0;
    requirements.push({ date, reason: `milestone-${weeks}-weeks`, met });
  }
  const anchor =
    contact !== null && compareDates(contact, start) > 0 && compareDates(contact, asOf) <= 0
      ? contact
      : start;
  requirements.push({
    date: addDays(anchor, VALIDATION_CONTACT_INTERVAL_DAYS),
    reason: 'contact-every-12-weeks',
    met: false,
  });

  const pending = requirements.filter((r) => !r.met && daysBetween(r.date, asOf) >= 0);
  if (pending.length > 0) {
    const earliest = pending.reduce((a, b) => (compareDates(b.date, a.date) < 0 ? b : a));
    return { due: true, dueOn: earliest.date.toString(), reasons: pending.map((r) => r.reason) };
  }
  const upcoming = requirements.filter((r) => !r.met && daysBetween(r.date, asOf) < 0);
  // The contact cadence never ends, so there is always an upcoming requirement.
  const next = upcoming.reduce((a, b) => (compareDates(b.date, a.date) < 0 ? b : a));
  return {
    due: false,
    dueOn: next.date.toString(),
    reasons: upcoming.filter((r) => compareDates(r.date, next.date) === 0).map((r) => r.reason),
  };
}

/**
 * The pathways due for validation on `asOf`, longest waiters first (earliest clock start). Returns a new
 * array; the caller's list is not reordered.
 */
export function validationBatch<T extends Omit<ValidationDueInput, 'asOf'>>(
  pathways: readonly T[],
  asOf: string,
): T[] {
  return pathways
    .map((p) => ({ p, start: parse(p.clockStart, 'clockStart'), due: validationDue({ ...p, asOf }).due }))
    .filter((x) => x.due)
    .sort((a, b) => compareDates(a.start, b.start))
    .map((x) => x.p);
}
