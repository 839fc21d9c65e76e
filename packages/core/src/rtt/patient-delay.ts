/**
 * Tasks that keep a running clock honest without ever pausing it (spec §1.4): thinking time, patient
 * requests to delay, repeated cancellations, and the 12-weekly review of patients on active monitoring for
 * delay reasons. None of these changes a clock; each only says when a person must act.
 */
import { addDays, daysBetween, parsePlainDate } from '../time/plain-date';

/** "Thinking time": a discussion is due when more than 14 days pass without agreed next steps. */
export const THINKING_TIME_DAYS = 14;
/** A patient request to delay by more than 6 weeks needs a clinical review of its impact. */
export const PATIENT_DELAY_REVIEW_DAYS = 42;
/** Patients on active monitoring for delay reasons are clinically reviewed every 12 weeks. */
export const ACTIVE_MONITORING_REVIEW_DAYS = 84;
/**
 * Patient cancellations after which a clinician reviews the pathway. The spec leaves the number to local
 * policy [INFERRED]; 2 is a common trust value. Reaching it never discharges anyone.
 */
export const DEFAULT_CANCELLATIONS_BEFORE_REVIEW = 2;

export interface ThinkingTimeInput {
  /** ISO date treatment was offered and the patient asked for time to think. */
  offeredOn: string;
  /** ISO date next steps were agreed, or null while none are. */
  nextStepsAgreedOn: string | null;
  asOf: string;
}

export interface ThinkingTimeStatus {
  /** The last day next steps can be agreed before a discussion is due (offeredOn + 14 days). */
  agreeBy: string;
  /** A "discuss with the patient" task is due: more than 14 days have passed without agreed next steps. */
  discussionDue: boolean;
}

/** Thinking time (§1.4, EX-RTT-26): the clock runs throughout; after 14 days without next steps, discuss. */
export function thinkingTimeStatus(input: ThinkingTimeInput): ThinkingTimeStatus {
  const offered = parsePlainDate(input.offeredOn);
  const agreeBy = addDays(offered, THINKING_TIME_DAYS);
  const asOf = parsePlainDate(input.asOf);
  const agreed = input.nextStepsAgreedOn === null ? null : parsePlainDate(input.nextStepsAgreedOn);
  // Agreed next steps (on or before asOf) close the question, even if agreed late.
  const agreedByAsOf = agreed !== null && daysBetween(agreed, asOf) >= 0;
  return {
    agreeBy: agreeBy.toString(),
    discussionDue: !agreedByAsOf && daysBetween(offered, asOf) > THINKING_TIME_DAYS,
  };
}

/** A requested delay of more than 6 weeks (42 days) needs a clinical review; the clock keeps running. */
export function patientDelayNeedsClinicalReview(requestedDelayDays: number): boolean {
  if (!Number.isInteger(requestedDelayDays) || requestedDelayDays < 0) {
    throw new RangeError(
      `A requested delay is a whole number of days, zero or more; got ${requestedDelayDays}`,
    );
  }
  return requestedDelayDays > PATIENT_DELAY_REVIEW_DAYS;
}

/**
 * Repeated patient cancellations call for a clinical review (never an automatic discharge); the clock keeps
 * running. `threshold` is local policy.
 */
export function cancellationsNeedClinicalReview(
  patientCancellations: number,
  threshold: number = DEFAULT_CANCELLATIONS_BEFORE_REVIEW,
): boolean {
  return patientCancellations >= threshold;
}

/**
 * When the next clinical review of a patient on active monitoring for delay reasons is due: 12 weeks after
 * the later of the start of monitoring and the last review.
 */
export function activeMonitoringReviewDue(
  activeMonitoringFrom: string,
  lastReviewOn: string | null = null,
): string {
  const from = parsePlainDate(activeMonitoringFrom);
  const last = lastReviewOn === null ? from : parsePlainDate(lastReviewOn);
  const base = daysBetween(from, last) > 0 ? last : from;
  return addDays(base, ACTIVE_MONITORING_REVIEW_DAYS).toString();
}
