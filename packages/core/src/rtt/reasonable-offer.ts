/**
 * Reasonable offers (spec §1.5) and the patient-initiated delay route to active monitoring (§1.4, §8.3).
 */
import { addDays, daysBetween, parsePlainDate } from '../time/plain-date';
import { isoToEpochDay } from './epoch-day';

/** An offer is reasonable with at least 3 weeks' notice: offered date − date the offer was made ≥ 21 days. */
export const REASONABLE_OFFER_MIN_DAYS = 21;
/** After a declined first date, the second offered date should be within 6 weeks of the first date. */
export const SECOND_OFFER_WINDOW_DAYS = 42;
/** Declined reasonable offers after which a clinician may agree active monitoring (32) with the patient. */
export const DECLINED_REASONABLE_OFFERS_FOR_ACTIVE_MONITORING = 2;

export interface Offer {
  /** ISO date the offer was made to the patient. */
  madeOn: string;
  /** ISO date of the appointment or admission offered. */
  offeredFor: string;
}

export interface DeclinedOffer extends Offer {
  declinedOn: string;
  reason?: string;
}

/** Days' notice an offer gives (offeredFor − madeOn). */
export function offerNoticeDays(offer: Offer): number {
  // Epoch days: no allocation on every booking. A date that is not one is reported by parsePlainDate.
  const madeOn = isoToEpochDay(offer.madeOn);
  const offeredFor = isoToEpochDay(offer.offeredFor);
  if (Number.isNaN(madeOn) || Number.isNaN(offeredFor))
    return daysBetween(parsePlainDate(offer.madeOn), parsePlainDate(offer.offeredFor));
  return offeredFor - madeOn;
}

/** `offeredFor − madeOn ≥ 21` days (§1.5). Shorter notice may be offered and accepted, but may be declined freely. */
export function isReasonableOffer(offer: Offer): boolean {
  return offerNoticeDays(offer) >= REASONABLE_OFFER_MIN_DAYS;
}

/** The latest date a second offer should be for, after the patient declined `firstOfferedFor` (+6 weeks). */
export function secondOfferLatestDate(firstOfferedFor: string): string {
  return addDays(parsePlainDate(firstOfferedFor), SECOND_OFFER_WINDOW_DAYS).toString();
}

/** True when the second offered date is within 6 weeks of the first (declined) offered date. */
export function isSecondOfferWithinSixWeeks(firstOfferedFor: string, secondOfferedFor: string): boolean {
  const gap = daysBetween(parsePlainDate(firstOfferedFor), parsePlainDate(secondOfferedFor));
  return gap <= SECOND_OFFER_WINDOW_DAYS;
}

export interface ActiveMonitoringForDelayInput {
  declinedOffers: readonly DeclinedOffer[];
  /** A clinician has discussed the delay with the patient. */
  clinicalConversationHeld: boolean;
  /** The patient agrees to active monitoring. */
  patientAgrees: boolean;
}

export interface ActiveMonitoringForDelay {
  /** Whether the clinician may record hospital-initiated active monitoring (32), stopping the clock. */
  allowed: boolean;
  /** Declined offers that were reasonable; only these count towards the two. */
  reasonableDeclined: number;
  /** Plain-English reasons it is not (yet) allowed; empty when allowed. */
  reasons: string[];
}

/**
 * The patient-initiated delay route (§1.4): after the patient declines two reasonable offers, a clinician
 * MAY, after a clinical conversation and with the patient's agreement, start active monitoring (32). It is
 * never automatic; offers with less than 21 days' notice do not count.
 */
export function activeMonitoringForDelay(input: ActiveMonitoringForDelayInput): ActiveMonitoringForDelay {
  const reasonableDeclined = input.declinedOffers.filter(isReasonableOffer).length;
  const reasons: string[] = [];
  if (reasonableDeclined < DECLINED_REASONABLE_OFFERS_FOR_ACTIVE_MONITORING) {
    reasons.push(
      `The patient has declined ${reasonableDeclined} reasonable offer${reasonableDeclined === 1 ? '' : 's'} (at least 21 days' notice); two are needed.`,
    );
  }
  if (!input.clinicalConversationHeld)
    reasons.push('A clinician must first discuss the delay with the patient.');
  if (!input.patientAgrees) reasons.push('The patient must agree to active monitoring.');
  return { allowed: reasons.length === 0, reasonableDeclined, reasons };
}
