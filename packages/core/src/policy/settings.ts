/**
 * The access policy's settings (§2, §8.4): what a trust localises from the national elective access policy.
 * Official rules are fixed in code; the values marked [INFERRED] in the spec are settings, with the typical trust
 * values as defaults. A trust changes them by adding a version with the date it takes effect (`policyInForce`).
 */

export interface AccessPolicySettings {
  booking: {
    /** Notice for an offer to count as reasonable (official: 3 weeks). */
    reasonableNoticeDays: number;
    /** Soonest a rebooking after a hospital cancellation may be (days after today). [INFERRED] */
    rebookMinNoticeDays: number;
  };
  partialBooking: {
    /** Invitation sent this many weeks before the due date. [INFERRED: 4–6] */
    inviteWeeksBeforeDue: number;
    /** Days the patient has to reply to the invitation. [INFERRED: 14] */
    replyWindowDays: number;
    /** Reminders sent before follow-up (one by default). [INFERRED] */
    reminders: number;
    /** Days after a reminder before the entry becomes a follow-up task. [INFERRED] */
    reminderReplyDays: number;
  };
  dna: {
    /** Under this age on the day of the appointment a patient is a child: "was not brought". */
    childUnderYears: number;
    /** Days to complete the decision or review task a DNA creates. [INFERRED] */
    reviewWithinDays: number;
    /** Tell the GP when a child or vulnerable adult was not brought. [OFFICIAL principle] */
    notifyGpForSafeguarding: boolean;
  };
  patientCancellation: {
    /** The second offered date is within this many weeks of the first declined one (official: 6). */
    secondOfferWithinWeeks: number;
    /** A delay asked for beyond this many weeks goes to clinical review (official: 6). */
    delayReviewOverWeeks: number;
    /** Declined reasonable offers after which active monitoring may be agreed (official: 2). */
    declinedOffersForActiveMonitoring: number;
    /** Patient cancellations that trigger a clinical review. [INFERRED] */
    cancellationsForReview: number;
  };
  hospitalCancellation: {
    /** An operation cancelled at the last minute is rebooked within this many days (official: 28). */
    operationRebookWithinDays: number;
    /** A move to within this many hours of the original is a postponement, once (corroborated: 24). */
    postponementWithinHours: number;
  };
  followUp: {
    /** A follow-up with no latest clinically appropriate date is overdue this many days after its due date. */
    overdueAfterDueDays: number;
  };
  pifu: {
    /** Time-limited PIFU windows allowed, in months (spec: 3–24). */
    minMonths: number;
    maxMonths: number;
  };
  communications: {
    /** Reminders this many days before the appointment. [INFERRED: 7 and 2] */
    reminderDaysBefore: number[];
    /** Send SMS confirmations and reminders when the patient has a mobile and SMS suits them. */
    sms: boolean;
    /** Send email copies when the patient has an email address. */
    email: boolean;
  };
  shortNotice: {
    /** Hours a patient has to accept a short-notice offer before it moves on. [INFERRED] */
    replyHours: number;
    /** Patients offered the slot, in turn, before it is left for the clerks. [INFERRED] */
    maxCandidates: number;
  };
}

export const DEFAULT_ACCESS_POLICY: AccessPolicySettings = {
  booking: { reasonableNoticeDays: 21, rebookMinNoticeDays: 1 },
  partialBooking: { inviteWeeksBeforeDue: 6, replyWindowDays: 14, reminders: 1, reminderReplyDays: 7 },
  dna: { childUnderYears: 18, reviewWithinDays: 5, notifyGpForSafeguarding: true },
  patientCancellation: {
    secondOfferWithinWeeks: 6,
    delayReviewOverWeeks: 6,
    declinedOffersForActiveMonitoring: 2,
    cancellationsForReview: 2,
  },
  hospitalCancellation: { operationRebookWithinDays: 28, postponementWithinHours: 24 },
  followUp: { overdueAfterDueDays: 0 },
  pifu: { minMonths: 3, maxMonths: 24 },
  communications: { reminderDaysBefore: [7, 2], sms: true, email: true },
  shortNotice: { replyHours: 4, maxCandidates: 5 },
};
