/**
 * Short-notice offers (nhs-domain.md §1.5, §2.1): a slot freed inside the reasonable-notice window is offered in
 * turn to patients who have said they can come at short notice. Such an offer is not a reasonable offer, so the
 * patient may decline it without consequence. The rules here are pure: when a slot may be offered, by which
 * channel, until when a patient may reply, and how an SMS reply and a phone number are read.
 */
import { offerNoticeDays } from '../rtt/reasonable-offer';

/** Replies close this many hours before the appointment: the patient needs time to get there. */
export const SHORT_NOTICE_CLOSES_HOURS_BEFORE = 2;
/** An offer is made only when the patient has at least this long to reply. */
export const SHORT_NOTICE_MIN_REPLY_MINUTES = 60;

/**
 * Communication needs for which an SMS does not suit the patient (as for every other message, see
 * `communications/channels.ts`): they are called instead.
 */
export const NO_SMS_NEEDS: readonly string[] = ['text-relay', 'deafblind-manual', 'email-only'];

export type ShortNoticeChannel = 'sms' | 'call';
export type ShortNoticeReply = 'accept' | 'decline';

const HOUR = 3_600_000;

/**
 * The instant a patient offered the slot now must reply by: `replyHours` from now, but never later than
 * `SHORT_NOTICE_CLOSES_HOURS_BEFORE` before the appointment. Null when that leaves less than
 * `SHORT_NOTICE_MIN_REPLY_MINUTES` to reply: the slot is then too close to offer to anyone.
 */
export function shortNoticeExpiry(now: Date, startsAt: Date, replyHours: number): Date | null {
  const closes = startsAt.getTime() - SHORT_NOTICE_CLOSES_HOURS_BEFORE * HOUR;
  const expires = Math.min(now.getTime() + replyHours * HOUR, closes);
  return expires - now.getTime() >= SHORT_NOTICE_MIN_REPLY_MINUTES * 60_000 ? new Date(expires) : null;
}

/**
 * Whether a slot on `slotDate` (London) is inside the reasonable-notice window counted from `today`: offered
 * today it would give less than `reasonableNoticeDays` of notice. Dates before today are not in the window.
 */
export function insideShortNoticeWindow(
  today: string,
  slotDate: string,
  reasonableNoticeDays: number,
): boolean {
  const notice = offerNoticeDays({ madeOn: today, offeredFor: slotDate });
  return notice >= 0 && notice < reasonableNoticeDays;
}

/**
 * A UK phone number in international form without the plus (`447700900123`), as GOV.UK Notify reports an
 * inbound text's sender; null when it is not a phone number. Spaces, dashes, brackets and a leading + or 00 are
 * ignored; a national number (leading 0) is taken to be a UK one.
 */
export function normalisePhone(raw: string): string | null {
  const trimmed = raw.trim();
  if (!/^\+?[0-9 ()-]+$/.test(trimmed)) return null;
  let digits = trimmed.replace(/[^0-9]/g, '');
  if (digits.startsWith('00')) digits = digits.slice(2);
  else if (digits.startsWith('0')) digits = `44${digits.slice(1)}`;
  return digits.length >= 10 && digits.length <= 15 ? digits : null;
}

/** A UK mobile number (07…, +44 7…): the only numbers an SMS can be sent to. */
export function isUkMobile(phone: string | null | undefined): boolean {
  if (!phone) return false;
  const n = normalisePhone(phone);
  return n !== null && /^447[0-9]{9}$/.test(n);
}

/** How a patient is offered the slot: by SMS (with a reply) when they have a mobile and SMS suits them, else a call. */
export function shortNoticeChannel(patient: {
  phone: string | null;
  communicationNeeds: readonly string[];
  /** The trust sends SMS at all (the access policy's communications setting). */
  smsEnabled: boolean;
}): ShortNoticeChannel {
  const unsuitable = patient.communicationNeeds.some((n) => NO_SMS_NEEDS.includes(n));
  return patient.smsEnabled && !unsuitable && isUkMobile(patient.phone) ? 'sms' : 'call';
}

/** An SMS reply: YES or NO, in any case and with any spaces; anything else is not understood (null). */
export function parseSmsReply(text: string): ShortNoticeReply | null {
  const word = text.replace(/\s/g, '').toUpperCase();
  if (word === 'YES') return 'accept';
  if (word === 'NO') return 'decline';
  return null;
}
