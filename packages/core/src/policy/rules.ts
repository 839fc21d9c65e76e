/**
 * The access policy's rules (§2): what a DNA, a cancellation, a declined offer, a hospital cancellation, a
 * partial-booking entry, a follow-up and a PIFU plan lead to, given the settings in force. Pure: every date is a
 * parameter (ISO `YYYY-MM-DD` London days), nothing reads the clock.
 *
 * Settings are checked by `validatePolicySettings`. Official values (§1.4, §1.5, §2.3, §2.4) may be made stricter
 * by a trust, never looser; the [INFERRED] values have sensible ranges. The limits are in `POLICY_SETTING_LIMITS`.
 */
import { Temporal } from 'temporal-polyfill';
import { addDays, addWeeks, daysBetween, londonDateTimeToInstant, maxDate, parsePlainDate } from '../time';
import { DEFAULT_ACCESS_POLICY, type AccessPolicySettings } from './settings';

// ---------------------------------------------------------------------------------------------------------------
// Validating settings

type IntLimit = { kind: 'int'; min: number; max: number; why?: string };
type BoolLimit = { kind: 'bool' };
type IntListLimit = { kind: 'int-list'; min: number; max: number; maxItems: number; why?: string };
type Limit = IntLimit | BoolLimit | IntListLimit;

type LimitsOf<T> = { [S in keyof T]: { [K in keyof T[S]]: Limit } };

/**
 * What each setting may be. Official values are bounds in the direction that protects patients:
 * - `booking.reasonableNoticeDays` ≥ 21 (an offer with less than 3 weeks' notice is never "reasonable", §1.5);
 * - `partialBooking.replyWindowDays` ≥ 14 (at least 14 days to reply, §2.6);
 * - `dna.childUnderYears` ≥ 18 (everyone under 18 is a child: "was not brought", §2.2);
 * - `patientCancellation.secondOfferWithinWeeks` ≤ 6 and `delayReviewOverWeeks` ≤ 6 (§1.4, §8.3);
 * - `patientCancellation.declinedOffersForActiveMonitoring` ≥ 2 (active monitoring after 2 declined offers, §1.4);
 * - `hospitalCancellation.operationRebookWithinDays` ≤ 28 (the 28-day rule, §2.4);
 * - `hospitalCancellation.postponementWithinHours` ≤ 24 (a postponement is within 24 hours, §2.4).
 */
export const POLICY_SETTING_LIMITS: LimitsOf<AccessPolicySettings> = {
  booking: {
    reasonableNoticeDays: {
      kind: 'int',
      min: 21,
      max: 42,
      why: 'an offer needs at least 3 weeks’ notice to be reasonable',
    },
    rebookMinNoticeDays: { kind: 'int', min: 0, max: 14 },
  },
  partialBooking: {
    inviteWeeksBeforeDue: { kind: 'int', min: 1, max: 26 },
    replyWindowDays: { kind: 'int', min: 14, max: 42, why: 'patients have at least 14 days to reply' },
    reminders: { kind: 'int', min: 0, max: 3 },
    reminderReplyDays: { kind: 'int', min: 1, max: 28 },
  },
  dna: {
    childUnderYears: { kind: 'int', min: 18, max: 25, why: 'everyone under 18 is a child' },
    reviewWithinDays: { kind: 'int', min: 1, max: 14 },
    notifyGpForSafeguarding: { kind: 'bool' },
  },
  patientCancellation: {
    secondOfferWithinWeeks: {
      kind: 'int',
      min: 1,
      max: 6,
      why: 'the second date is offered within 6 weeks of the first',
    },
    delayReviewOverWeeks: {
      kind: 'int',
      min: 1,
      max: 6,
      why: 'a delay of more than 6 weeks always has a clinical review',
    },
    declinedOffersForActiveMonitoring: {
      kind: 'int',
      min: 2,
      max: 5,
      why: 'active monitoring may be agreed only after at least 2 declined reasonable offers',
    },
    cancellationsForReview: { kind: 'int', min: 1, max: 10 },
  },
  hospitalCancellation: {
    operationRebookWithinDays: {
      kind: 'int',
      min: 1,
      max: 28,
      why: 'an operation cancelled at the last minute is rebooked within 28 days',
    },
    postponementWithinHours: {
      kind: 'int',
      min: 1,
      max: 24,
      why: 'only a move within 24 hours is a postponement',
    },
  },
  followUp: { overdueAfterDueDays: { kind: 'int', min: 0, max: 90 } },
  pifu: { minMonths: { kind: 'int', min: 1, max: 60 }, maxMonths: { kind: 'int', min: 1, max: 60 } },
  communications: {
    reminderDaysBefore: { kind: 'int-list', min: 1, max: 28, maxItems: 5 },
    sms: { kind: 'bool' },
    email: { kind: 'bool' },
  },
  shortNotice: {
    replyHours: { kind: 'int', min: 1, max: 72 },
    maxCandidates: { kind: 'int', min: 1, max: 50 },
  },
};

/** A problem with a settings object: `path` is a JSON pointer inside the settings (`/partialBooking/reminders`). */
export interface PolicyProblem {
  path: string;
  message: string;
}

export type PolicyValidation =
  { ok: true; settings: AccessPolicySettings } | { ok: false; problems: PolicyProblem[] };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isWhole(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function checkValue(limit: Limit, value: unknown, path: string, problems: PolicyProblem[]): void {
  const because = 'why' in limit && limit.why ? ` (${limit.why})` : '';
  switch (limit.kind) {
    case 'bool':
      if (typeof value !== 'boolean') problems.push({ path, message: 'must be true or false' });
      return;
    case 'int':
      if (!isWhole(value)) {
        problems.push({ path, message: 'must be a whole number' });
      } else if (value < limit.min || value > limit.max) {
        problems.push({ path, message: `must be from ${limit.min} to ${limit.max}${because}` });
      }
      return;
    case 'int-list': {
      if (!Array.isArray(value)) {
        problems.push({ path, message: 'must be a list of whole numbers' });
        return;
      }
      if (value.length > limit.maxItems) {
        problems.push({ path, message: `must have at most ${limit.maxItems} items` });
      }
      const seen = new Set<number>();
      value.forEach((item: unknown, i) => {
        if (!isWhole(item)) {
          problems.push({ path: `${path}/${i}`, message: 'must be a whole number' });
        } else if (item < limit.min || item > limit.max) {
          problems.push({ path: `${path}/${i}`, message: `must be from ${limit.min} to ${limit.max}` });
        } else if (seen.has(item)) {
          problems.push({ path: `${path}/${i}`, message: 'must not repeat an earlier value' });
        } else {
          seen.add(item);
        }
      });
      return;
    }
  }
}

/**
 * Checks settings, full or partial, merged over `base` (the defaults unless given): each section given replaces
 * only the fields it names; a list replaces the list. Every problem is reported with its path; unknown sections
 * and fields are refused. The result is a fresh object (neither input is changed); lists come back sorted
 * (reminder days, largest first).
 */
export function validatePolicySettings(
  input: unknown,
  base: AccessPolicySettings = DEFAULT_ACCESS_POLICY,
): PolicyValidation {
  const problems: PolicyProblem[] = [];
  if (!isPlainObject(input)) {
    return { ok: false, problems: [{ path: '', message: 'must be an object' }] };
  }
  const merged: Record<string, Record<string, unknown>> = {};
  for (const section of Object.keys(POLICY_SETTING_LIMITS)) {
    const fromBase: unknown = (base as unknown as Record<string, unknown>)[section];
    merged[section] = isPlainObject(fromBase) ? { ...fromBase } : {};
  }
  for (const [section, given] of Object.entries(input)) {
    const limits = (POLICY_SETTING_LIMITS as Record<string, Record<string, Limit>>)[section];
    if (!limits || !Object.hasOwn(POLICY_SETTING_LIMITS, section)) {
      problems.push({ path: `/${section}`, message: 'is not a setting' });
      continue;
    }
    if (!isPlainObject(given)) {
      problems.push({ path: `/${section}`, message: 'must be an object' });
      continue;
    }
    for (const [field, value] of Object.entries(given)) {
      const limit = Object.hasOwn(limits, field) ? limits[field] : undefined;
      const path = `/${section}/${field}`;
      if (!limit) {
        problems.push({ path, message: 'is not a setting' });
        continue;
      }
      checkValue(limit, value, path, problems);
      merged[section]![field] = Array.isArray(value) ? [...(value as unknown[])] : value;
    }
  }
  // Values from the base are checked too (a stored version may predate a limit).
  for (const [section, limits] of Object.entries(POLICY_SETTING_LIMITS) as [
    string,
    Record<string, Limit>,
  ][]) {
    const given = isPlainObject(input[section]) ? input[section] : {};
    for (const [field, limit] of Object.entries(limits)) {
      if (Object.hasOwn(given, field)) continue;
      checkValue(limit, merged[section]![field], `/${section}/${field}`, problems);
    }
  }
  if (problems.length === 0) {
    const pifu = merged.pifu as AccessPolicySettings['pifu'];
    if (pifu.minMonths > pifu.maxMonths) {
      problems.push({ path: '/pifu/minMonths', message: 'must not be more than maxMonths' });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const settings = merged as unknown as AccessPolicySettings;
  settings.communications.reminderDaysBefore = [...settings.communications.reminderDaysBefore].sort(
    (a, b) => b - a,
  );
  return { ok: true, settings };
}

/**
 * Stored settings (perhaps written before a field existed) read over the defaults: every field that is present
 * and valid is kept; anything missing, unknown or out of range falls back to the default. Never throws.
 */
export function settingsOverDefaults(stored: unknown): AccessPolicySettings {
  const result = validatePolicySettings(stored);
  if (result.ok) return result.settings;
  if (!isPlainObject(stored)) return copyPolicy(DEFAULT_ACCESS_POLICY);
  const bad = new Set(result.problems.map((p) => p.path.split('/').slice(0, 3).join('/')));
  const cleaned: Record<string, Record<string, unknown>> = {};
  for (const [section, fields] of Object.entries(stored)) {
    if (!isPlainObject(fields) || bad.has(`/${section}`)) continue;
    const kept: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(fields)) {
      if (!bad.has(`/${section}/${field}`)) kept[field] = value;
    }
    cleaned[section] = kept;
  }
  const again = validatePolicySettings(cleaned);
  return again.ok ? again.settings : copyPolicy(DEFAULT_ACCESS_POLICY);
}

function copyPolicy(p: AccessPolicySettings): AccessPolicySettings {
  return JSON.parse(JSON.stringify(p)) as AccessPolicySettings;
}

export interface PolicyVersion {
  /** The first day (London) the version is in force. */
  effectiveFrom: string;
  settings: AccessPolicySettings;
}

/** The version in force on `date`: the latest `effectiveFrom` on or before it; the defaults when there is none. */
export function policyInForce(versions: readonly PolicyVersion[], date: string): AccessPolicySettings {
  let best: PolicyVersion | undefined;
  for (const v of versions) {
    if (v.effectiveFrom <= date && (!best || v.effectiveFrom > best.effectiveFrom)) best = v;
  }
  return best ? best.settings : DEFAULT_ACCESS_POLICY;
}

// ---------------------------------------------------------------------------------------------------------------
// DNAs (§2.2)

export interface DnaInput {
  /** The first appointment after the referral that started the clock. */
  firstAppointment: boolean;
  /** The provider can show the appointment was clearly communicated to the patient. */
  communicated: boolean;
  ageYearsOnDay: number;
  /** Learning disability, safeguarding concerns, lacking capacity. */
  vulnerable: boolean;
  /** Urgent suspected cancer (Two Week Wait) priority. */
  twoWeekWait: boolean;
}

export type DnaTask = 'dna-decision' | 'clinical-review' | 'safeguarding-review';

export interface DnaActions {
  /** Record status 33 (stop and nullify the clock). */
  recordNullification: boolean;
  tasks: DnaTask[];
  notifyGp: boolean;
  /** Never: a clinician always decides (no "two strikes" rule). */
  mayDischargeAutomatically: false;
  rule: string;
}

/**
 * What a DNA (or "was not brought") leads to (§2.2, §1.4 rule 5e/5f):
 * - first appointment, routine or urgent, communication evidenced: status 33 (nullify) and a clinician decides to
 *   discharge or rebook (`dna-decision`, rule `ACC-2.2-first-dna`);
 * - first appointment without evidence it was communicated: no nullification; a clinical review (rebook);
 * - any later DNA: the clock continues; a clinical review (`ACC-2.2-later-dna`);
 * - Two Week Wait: no nullification; a clinical review (`ACC-2.2-2ww-dna`);
 * - a child (under `policy.dna.childUnderYears`) or vulnerable adult: a safeguarding review INSTEAD of the
 *   decision or review task (its outcomes include rebooking and discharge with safeguarding agreement, so one
 *   clinician decision covers both), and the GP is told when the policy says so (EX-ACC-04).
 * Nobody is ever discharged automatically.
 */
export function dnaActions(input: DnaInput, policy: AccessPolicySettings): DnaActions {
  const safeguarding = input.ageYearsOnDay < policy.dna.childUnderYears || input.vulnerable;
  let recordNullification = false;
  let task: DnaTask;
  let rule: string;
  if (input.twoWeekWait) {
    task = 'clinical-review';
    rule = 'ACC-2.2-2ww-dna';
  } else if (input.firstAppointment && input.communicated) {
    recordNullification = true;
    task = 'dna-decision';
    rule = 'ACC-2.2-first-dna';
  } else if (input.firstAppointment) {
    task = 'clinical-review';
    rule = 'ACC-2.2-first-dna-not-communicated';
  } else {
    task = 'clinical-review';
    rule = 'ACC-2.2-later-dna';
  }
  if (safeguarding) {
    task = 'safeguarding-review';
    rule = `${rule}-safeguarding`;
  }
  return {
    recordNullification,
    tasks: [task],
    notifyGp: safeguarding && policy.dna.notifyGpForSafeguarding,
    mayDischargeAutomatically: false,
    rule,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Patient cancellations and declined offers (§2.3, §1.4 "patient-initiated delay")

export interface PatientCancellationInput {
  /** The patient's cancellations on this pathway, including this one. */
  cancellationsSoFar: number;
  /** The delay the patient asked for, in days, if any. */
  requestedDelayDays?: number | null;
  /** The date of the cancelled appointment (the first declined date). */
  cancelledDate: string;
}

export interface PatientCancellationActions {
  tasks: 'clinical-review'[];
  /** The second date should be offered on or before this day. */
  secondOfferBy: string;
  rule: string;
}

/**
 * A patient cancellation (§2.3): the clock continues. A delay asked for over `delayReviewOverWeeks` weeks, or
 * `cancellationsForReview` cancellations or more, goes to a clinical review (discharge only as a clinical
 * decision, never because of cancellations). The second date is offered within `secondOfferWithinWeeks` weeks
 * of the cancelled date.
 */
export function patientCancellationActions(
  input: PatientCancellationInput,
  policy: AccessPolicySettings,
): PatientCancellationActions {
  const c = policy.patientCancellation;
  const longDelay = (input.requestedDelayDays ?? 0) > c.delayReviewOverWeeks * 7;
  const repeated = input.cancellationsSoFar >= c.cancellationsForReview;
  const rule = longDelay
    ? 'ACC-2.3-delay-over-6-weeks'
    : repeated
      ? 'ACC-2.3-repeated-cancellations'
      : 'ACC-2.3-cancellation';
  return {
    tasks: longDelay || repeated ? ['clinical-review'] : [],
    secondOfferBy: addWeeks(parsePlainDate(input.cancelledDate), c.secondOfferWithinWeeks).toString(),
    rule,
  };
}

export interface DeclinedOfferInput {
  /** Reasonable offers the patient has declined on this pathway, including this one. */
  declinedReasonable: number;
  /** The date of the first declined offer (the appointment or TCI date, not the day it was declined). */
  firstDeclinedFor: string;
}

export interface DeclinedOfferActions {
  tasks: 'active-monitoring-decision'[];
  /** The next date offered should be on or before this day (6 weeks after the first declined date). */
  secondOfferBy: string;
  /** The earliest date an offer made on `madeOn` may be for and still be reasonable (3 weeks' notice). */
  minNoticeDate(madeOn: string): string;
  rule: string;
}

/**
 * A declined offer (§1.4, §2.3, EX-ACC-03): the second date within 6 weeks of the first declined date, with 3
 * weeks' notice to be reasonable; after `declinedOffersForActiveMonitoring` declined reasonable offers a
 * clinician may agree active monitoring with the patient (status 32), so a decision task is made.
 */
export function declinedOfferActions(
  input: DeclinedOfferInput,
  policy: AccessPolicySettings,
): DeclinedOfferActions {
  const c = policy.patientCancellation;
  const am = input.declinedReasonable >= c.declinedOffersForActiveMonitoring;
  const notice = policy.booking.reasonableNoticeDays;
  return {
    tasks: am ? ['active-monitoring-decision'] : [],
    secondOfferBy: addWeeks(parsePlainDate(input.firstDeclinedFor), c.secondOfferWithinWeeks).toString(),
    minNoticeDate: (madeOn) => addDays(parsePlainDate(madeOn), notice).toString(),
    rule: am ? 'ACC-2.3-declined-offers-active-monitoring' : 'ACC-2.3-declined-offer',
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Hospital cancellations (§2.4)

/** The last day a last-minute cancelled operation may be rebooked for (EX-ACC-01: 28 days after). */
export function operationRebookBy(cancelledOn: string, policy: AccessPolicySettings): string {
  return addDays(
    parsePlainDate(cancelledOn),
    policy.hospitalCancellation.operationRebookWithinDays,
  ).toString();
}

/**
 * The 28-day rule was broken: treated after the rebook-by day, or not treated and today is past it. (A patient
 * who chose a later date is not a breach: the caller does not ask in that case.)
 */
export function operationRebookBreached(
  cancelledOn: string,
  treatedOn: string | null,
  today: string,
  policy: AccessPolicySettings,
): boolean {
  const by = operationRebookBy(cancelledOn, policy);
  return treatedOn !== null ? treatedOn > by : today > by;
}

export interface ProviderMoveInput {
  originalStartsAt: Date;
  newStartsAt: Date;
  /** Earlier moves of this operation counted as postponements. */
  earlierPostponements: number;
}

/**
 * A hospital move of an operation (§2.4, EX-ACC-02): to within `postponementWithinHours` of the original time
 * (either way) is a postponement, once; a second move, or a move further, is a cancellation.
 */
export function classifyProviderMove(
  input: ProviderMoveInput,
  policy: AccessPolicySettings,
): 'postponement' | 'cancellation' {
  if (input.earlierPostponements > 0) return 'cancellation';
  const hours = Math.abs(input.newStartsAt.getTime() - input.originalStartsAt.getTime()) / 3_600_000;
  return hours <= policy.hospitalCancellation.postponementWithinHours ? 'postponement' : 'cancellation';
}

// ---------------------------------------------------------------------------------------------------------------
// Partial booking (§2.1, §2.6)

export interface PartialBookingDates {
  /** The day the invitation goes: `inviteWeeksBeforeDue` weeks before the due date, not before the day added. */
  inviteOn: string;
  /** The patient replies by this day (the reply window after the invitation). */
  replyBy(invitedOn: string): string;
  /** With no reply by this day after a reminder, a person follows it up. */
  followUpOn(remindedOn: string): string;
}

export function partialBookingDates(
  input: { dueDate: string; addedOn: string },
  policy: AccessPolicySettings,
): PartialBookingDates {
  const p = policy.partialBooking;
  const due = parsePlainDate(input.dueDate);
  const inviteOn = maxDate(addWeeks(due, -p.inviteWeeksBeforeDue), parsePlainDate(input.addedOn));
  return {
    inviteOn: inviteOn.toString(),
    replyBy: (invitedOn) => addDays(parsePlainDate(invitedOn), p.replyWindowDays).toString(),
    followUpOn: (remindedOn) => addDays(parsePlainDate(remindedOn), p.reminderReplyDays).toString(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Follow-ups (§2.8)

export interface FollowUpStatus {
  overdue: boolean;
  /** Days past the LCAD (or the due date plus `overdueAfterDueDays` when there is none); 0 when not overdue. */
  daysOverdue: number;
  /** Past the latest clinically appropriate date (false when there is none). */
  pastLatest: boolean;
}

/** Overdue = today > LCAD, or > due date (+ `followUp.overdueAfterDueDays`) when there is no LCAD. */
export function followUpStatus(
  input: { dueDate: string; latestDate: string | null },
  today: string,
  policy: AccessPolicySettings,
): FollowUpStatus {
  const limit =
    input.latestDate !== null
      ? parsePlainDate(input.latestDate)
      : addDays(parsePlainDate(input.dueDate), policy.followUp.overdueAfterDueDays);
  const days = daysBetween(limit, parsePlainDate(today));
  return {
    overdue: days > 0,
    daysOverdue: Math.max(0, days),
    pastLatest: input.latestDate !== null && today > input.latestDate,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Patient-initiated follow-up (§2.8)

export type PifuKind = 'time-limited' | 'open-ended';

/**
 * The day a time-limited PIFU window ends (and the patient is discharged): `months` calendar months after it
 * starts (EX-PIFU-01: 6 months from 2025-01-15 → 2025-07-15; from 31 August, 6 months → 28 or 29 February).
 * Open-ended PIFU never ends by itself: null.
 */
export function pifuEnd(input: { kind: PifuKind; startsOn: string; months: number | null }): string | null {
  if (input.kind === 'open-ended') return null;
  if (input.months === null || !Number.isInteger(input.months) || input.months < 1) {
    throw new RangeError('A time-limited PIFU plan needs a whole number of months');
  }
  return parsePlainDate(input.startsOn).add({ months: input.months }, { overflow: 'constrain' }).toString();
}

/** Why `months` cannot be used for a PIFU plan of this kind under the policy, or null when it can. */
export function pifuMonthsProblem(
  kind: PifuKind,
  months: number | null | undefined,
  policy: AccessPolicySettings,
): string | null {
  if (kind === 'open-ended') {
    return months === null || months === undefined ? null : 'must be left out for open-ended PIFU';
  }
  if (months === null || months === undefined) return 'is required for time-limited PIFU';
  if (!Number.isInteger(months)) return 'must be a whole number of months';
  if (months < policy.pifu.minMonths || months > policy.pifu.maxMonths) {
    return `must be from ${policy.pifu.minMonths} to ${policy.pifu.maxMonths} months`;
  }
  return null;
}

export interface PifuPlanDates {
  kind: PifuKind;
  startsOn: string;
  months: number | null;
  endsOn: string | null;
}

export type PifuOutcome = 'continue' | 'restart' | 'end';

export interface PifuAfterRequest {
  status: 'active' | 'ended';
  startsOn: string;
  endsOn: string | null;
  /** The end-of-window job must be moved (the window restarted). */
  rescheduleEnd: boolean;
}

/**
 * After the patient asked to be seen and a clinician recorded the outcome (EX-PIFU-02): `continue` keeps the
 * window as it was; `restart` starts it again on `requestOn` (the same length); `end` closes the plan.
 */
export function pifuAfterRequest(input: {
  outcome: PifuOutcome;
  requestOn: string;
  plan: PifuPlanDates;
}): PifuAfterRequest {
  const { plan } = input;
  switch (input.outcome) {
    case 'continue':
      return { status: 'active', startsOn: plan.startsOn, endsOn: plan.endsOn, rescheduleEnd: false };
    case 'restart': {
      const endsOn = pifuEnd({ kind: plan.kind, startsOn: input.requestOn, months: plan.months });
      return { status: 'active', startsOn: input.requestOn, endsOn, rescheduleEnd: endsOn !== plan.endsOn };
    }
    case 'end':
      return { status: 'ended', startsOn: plan.startsOn, endsOn: plan.endsOn, rescheduleEnd: false };
  }
}

/**
 * When work planned for a London day happens (an invitation, a reminder, a PIFU discharge): `time` (default
 * 09:00) on that day in London, in epoch milliseconds. Daylight saving is Temporal's business.
 */
export function policyJobInstant(date: string, time = '09:00'): number {
  return londonDateTimeToInstant(parsePlainDate(date), Temporal.PlainTime.from(time)).epochMilliseconds;
}
