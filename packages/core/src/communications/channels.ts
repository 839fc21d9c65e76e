/**
 * Channel choice: which ways of writing to a patient suit them (letter, SMS, email), and which letter format,
 * from their recorded communication needs (the Accessible Information Standard, §7.6), their contact details and
 * the access policy's settings. Pure: the server reads the patient and the policy and asks this.
 *
 * Precedence (each rule applies after the ones above it):
 * 1. Letter format: braille, then large print, then easy read, then standard. Braille is printed for the
 *    braille transcription service (noted in `handling`); large print beats easy read because a reader who
 *    cannot see standard type cannot read an easy-read letter either (EX-AIS-01: "large-print letter template;
 *    no standard letter").
 * 2. Email only (`email-only`): with an email address, email and nothing else (no letter, no SMS). Without one,
 *    a letter (the need cannot be met, so it is noted in `handling` for the team to fix).
 * 3. SMS: only when the policy sends SMS, the phone is a UK mobile, and no need rules it out: text relay
 *    (the patient uses a relay service for calls, not texts to read alone), deafblind manual, email only.
 * 4. Email: when the policy sends email and the patient has an address, or always for `email-only`.
 * 5. Notes for whoever prints and posts (`handling`): braille, audio, BSL, deafblind manual, and the interpreter
 *    language (which the letter also states, in a sentence of its own).
 */
import type { LetterFormat } from './letter';
import { isUkMobile } from '../booking/short-notice';

export type Channel = 'letter' | 'sms' | 'email';
export const CHANNELS: readonly Channel[] = ['letter', 'sms', 'email'];

export interface ChannelInputs {
  /** The patient's communication needs (core `COMMUNICATION_NEEDS`); unknown values are ignored. */
  needs: readonly string[];
  phone: string | null;
  email: string | null;
  interpreterLanguage: string | null;
  /** The access policy's `communications` settings. */
  policy: { sms: boolean; email: boolean };
}

export type ChannelRuledOut = 'email-only' | 'no-mobile' | 'no-email' | 'needs-rule-out-sms' | 'policy-off';

export interface ChannelChoice {
  letter: boolean;
  sms: boolean;
  email: boolean;
  letterFormat: LetterFormat;
  /** Why each channel that is not used is left out. */
  ruledOut: Partial<Record<Channel, ChannelRuledOut>>;
  /** For the people who print and post: never shown to the patient. */
  handling: string[];
  /** The spoken language of the interpreter the patient needs, if any. */
  interpreterLanguage: string | null;
}

/** A plausible email address (something@something.something, no spaces). */
export function isEmailAddress(email: string | null | undefined): boolean {
  return typeof email === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim());
}

const NO_SMS_NEEDS = ['text-relay', 'deafblind-manual'] as const;

/** The channels and letter format that suit a patient. See the precedence above. */
export function chooseChannels(input: ChannelInputs): ChannelChoice {
  const needs = new Set(input.needs);
  const handling: string[] = [];
  const ruledOut: Partial<Record<Channel, ChannelRuledOut>> = {};

  let letterFormat: LetterFormat = 'standard';
  if (needs.has('braille')) letterFormat = 'braille';
  else if (needs.has('large-print')) letterFormat = 'large-print';
  else if (needs.has('easy-read')) letterFormat = 'easy-read';

  if (needs.has('braille'))
    handling.push('Braille: send to the braille transcription service before posting.');
  if (needs.has('audio')) handling.push('Audio: an audio version of this letter is needed.');
  if (needs.has('bsl')) handling.push('BSL: the patient needs a British Sign Language interpreter.');
  if (needs.has('deafblind-manual'))
    handling.push('Deafblind manual: the patient needs a deafblind communicator.');
  const language = input.interpreterLanguage?.trim() || null;
  if (language !== null) handling.push(`Interpreter: ${language}.`);

  const hasEmail = isEmailAddress(input.email);
  const emailOnly = needs.has('email-only');

  let email = hasEmail && (input.policy.email || emailOnly);
  if (!email) ruledOut.email = hasEmail ? 'policy-off' : 'no-email';

  let letter = true;
  if (emailOnly && hasEmail) {
    letter = false;
    ruledOut.letter = 'email-only';
  } else if (emailOnly) {
    handling.push('Email only: the patient asked for email, but no email address is recorded.');
  }

  let sms = false;
  if (emailOnly) ruledOut.sms = 'email-only';
  else if (NO_SMS_NEEDS.some((n) => needs.has(n))) ruledOut.sms = 'needs-rule-out-sms';
  else if (!isUkMobile(input.phone)) ruledOut.sms = 'no-mobile';
  else if (!input.policy.sms) ruledOut.sms = 'policy-off';
  else sms = true;

  if (emailOnly && hasEmail) email = true;
  return { letter, sms, email, letterFormat, ruledOut, handling, interpreterLanguage: language };
}
