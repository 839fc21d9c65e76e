/**
 * Which date an RTT clock starts on (spec §1.3): the first clock of a pathway (rules S1–S10) and the only
 * five ways a new clock starts after a completed period (rule 3, N1–N5). The engine takes the result as
 * `referralReceived` (first clock) or as the date of the 10/11 event that starts a new clock.
 */
import type { Temporal } from 'temporal-polyfill';
import { maxDate, minDate, parsePlainDate } from '../time/plain-date';
import type { RttEvent } from './engine';

export type RttReferralSource =
  /** S1 (also a letter by post, S10): a referral to a consultant-led service. */
  | { route: 'consultant-led'; receivedOn: string }
  /** S6: a self-referral, where locally agreed and ratified by a care professional. */
  | { route: 'self-referral'; receivedOn: string }
  /** S10: referral by phone, followed or not by a letter: the letter's receipt date if one came. */
  | { route: 'phone'; phoneOn: string; letterReceivedOn?: string }
  /**
   * S2, S5: via an interface, referral-management or assessment service (CATS, RAS, MSK triage): the date
   * the interface service received the original referral. Neither the onward referral's receipt nor, for a
   * paper referral sent on by e-RS (S5), the UBRN conversion is the start.
   */
  | {
      route: 'interface-service';
      interfaceReceivedOn: string;
      onwardReceivedOn?: string;
      onwardUbrnConvertedOn?: string;
    }
  /**
   * S3: an e-RS referral: the UBRN conversion (booking) date; if there were no slots, the date the UBRN
   * reached the provider's Appointment Slot Issue worklist; the earliest of these and any earlier activity on
   * the UBRN. `createdOn` (the GP creating the UBRN) and `bookedByProviderOn` are never the start. After a
   * provider rejection and re-referral, pass the original conversion date.
   */
  | {
      route: 'e-rs';
      ubrnConvertedOn?: string;
      asiWorklistOn?: string;
      earlierActivityOn?: string;
      createdOn?: string;
      bookedByProviderOn?: string;
    }
  /** S4: two UBRNs on one period (interface, then secondary care): the first UBRN's conversion date. */
  | { route: 'e-rs-two-ubrns'; firstUbrnConvertedOn: string; secondUbrnConvertedOn?: string }
  /** S7: tertiary or inter-provider transfer: the original start date from the IPTAMDS. */
  | { route: 'inter-provider-transfer'; originalStart: string; receivedOn?: string }
  /** S8: referred elsewhere for a diagnostic or opinion only: no new clock, the sender keeps reporting. */
  | { route: 'diagnostic-or-opinion-only' }
  /** S9: moved from Scotland, Wales or Northern Ireland: the English provider's receipt; never backdated. */
  | { route: 'cross-border'; englishProviderReceivedOn: string; originalReferralOn?: string };

export type RttStartRule = 'S1' | 'S2' | 'S3' | 'S4' | 'S5' | 'S6' | 'S7' | 'S8' | 'S9' | 'S10';

export interface RttClockStart {
  /** ISO date the clock starts, or null when the route starts no clock (S8). */
  start: string | null;
  rule: RttStartRule;
}

function date(value: string, field: string): Temporal.PlainDate {
  try {
    return parsePlainDate(value);
  } catch {
    throw new RangeError(`${field} ${JSON.stringify(value)} is not a date written YYYY-MM-DD`);
  }
}

function optionalDate(value: string | undefined, field: string): Temporal.PlainDate | undefined {
  return value === undefined ? undefined : date(value, field);
}

function earliest(dates: (Temporal.PlainDate | undefined)[], what: string): Temporal.PlainDate {
  const present = dates.filter((d): d is Temporal.PlainDate => d !== undefined);
  const [first, ...rest] = present;
  if (first === undefined) throw new RangeError(`${what}: at least one date is needed`);
  return minDate(first, ...rest);
}

/** The start date of the first clock on a pathway, and the §1.3 rule that gives it. */
export function rttClockStart(source: RttReferralSource): RttClockStart {
  switch (source.route) {
    case 'consultant-led':
      return { start: date(source.receivedOn, 'receivedOn').toString(), rule: 'S1' };
    case 'self-referral':
      return { start: date(source.receivedOn, 'receivedOn').toString(), rule: 'S6' };
    case 'phone': {
      const phone = date(source.phoneOn, 'phoneOn');
      const letter = optionalDate(source.letterReceivedOn, 'letterReceivedOn');
      return { start: (letter ?? phone).toString(), rule: 'S10' };
    }
    case 'interface-service': {
      const received = date(source.interfaceReceivedOn, 'interfaceReceivedOn');
      optionalDate(source.onwardReceivedOn, 'onwardReceivedOn');
      const viaERs = optionalDate(source.onwardUbrnConvertedOn, 'onwardUbrnConvertedOn') !== undefined;
      return { start: received.toString(), rule: viaERs ? 'S5' : 'S2' };
    }
    case 'e-rs': {
      optionalDate(source.createdOn, 'createdOn');
      optionalDate(source.bookedByProviderOn, 'bookedByProviderOn');
      const start = earliest(
        [
          optionalDate(source.ubrnConvertedOn, 'ubrnConvertedOn'),
          optionalDate(source.asiWorklistOn, 'asiWorklistOn'),
          optionalDate(source.earlierActivityOn, 'earlierActivityOn'),
        ],
        'An e-RS clock start needs the UBRN conversion date, the ASI worklist date or an earlier activity date',
      );
      return { start: start.toString(), rule: 'S3' };
    }
    case 'e-rs-two-ubrns':
      optionalDate(source.secondUbrnConvertedOn, 'secondUbrnConvertedOn');
      return { start: date(source.firstUbrnConvertedOn, 'firstUbrnConvertedOn').toString(), rule: 'S4' };
    case 'inter-provider-transfer':
      optionalDate(source.receivedOn, 'receivedOn');
      return { start: date(source.originalStart, 'originalStart').toString(), rule: 'S7' };
    case 'diagnostic-or-opinion-only':
      return { start: null, rule: 'S8' };
    case 'cross-border':
      optionalDate(source.originalReferralOn, 'originalReferralOn');
      return {
        start: date(source.englishProviderReceivedOn, 'englishProviderReceivedOn').toString(),
        rule: 'S9',
      };
  }
}

/** The five situations in which a new clock starts after a completed period (rule 3a–e). */
export type RttNewClockReason =
  /** N1 (3a): second side of a bilateral procedure: fit and ready = clinically appropriate and available. */
  | { rule: 'N1'; clinicallyReadyOn: string; patientAvailableOn: string }
  /**
   * N2 (3b): a substantively new or different treatment, not already in the agreed care plan: the decision
   * date; or the onward-referral date if referred for diagnostics or an opinion with a view to treatment; or,
   * if referred to a different provider, the date that provider receives it.
   */
  | {
      rule: 'N2';
      decisionCommunicatedOn: string;
      referredForDiagnosticsOrOpinionOn?: string;
      otherProviderReceivedOn?: string;
    }
  /** N3 (3c): re-referred as a new referral: its receipt date. */
  | { rule: 'N3'; newReferralReceivedOn: string }
  /**
   * N4 (3d): decision to treat after active monitoring: the decision date, or the earlier date of a referral
   * for diagnostics with a view to treatment. Recorded with status 11.
   */
  | { rule: 'N4'; decisionCommunicatedOn: string; referredForDiagnosticsOn?: string }
  /**
   * N5 (3e): rebooking after a first-appointment DNA nullified the clock: the date the patient contacts the
   * trust, or the earlier date a clinician decided to offer another first appointment (even with no slot).
   */
  | { rule: 'N5'; patientContactedOn?: string; clinicianDecidedOn?: string };

export interface RttNewClockStart {
  start: string;
  rule: RttNewClockReason['rule'];
  /** The status code of the event that starts the new clock: 11 after active monitoring, else 10. */
  code: '10' | '11';
}

/** The start date of a new clock after a completed period (rule 3), and the code to record it with. */
export function newRttClockStart(reason: RttNewClockReason): RttNewClockStart {
  switch (reason.rule) {
    case 'N1': {
      const start = maxDate(
        date(reason.clinicallyReadyOn, 'clinicallyReadyOn'),
        date(reason.patientAvailableOn, 'patientAvailableOn'),
      );
      return { start: start.toString(), rule: 'N1', code: '10' };
    }
    case 'N2': {
      const decision = date(reason.decisionCommunicatedOn, 'decisionCommunicatedOn');
      const onward = optionalDate(
        reason.referredForDiagnosticsOrOpinionOn,
        'referredForDiagnosticsOrOpinionOn',
      );
      const otherProvider = optionalDate(reason.otherProviderReceivedOn, 'otherProviderReceivedOn');
      return { start: (otherProvider ?? onward ?? decision).toString(), rule: 'N2', code: '10' };
    }
    case 'N3':
      return {
        start: date(reason.newReferralReceivedOn, 'newReferralReceivedOn').toString(),
        rule: 'N3',
        code: '10',
      };
    case 'N4': {
      const start = earliest(
        [
          date(reason.decisionCommunicatedOn, 'decisionCommunicatedOn'),
          optionalDate(reason.referredForDiagnosticsOn, 'referredForDiagnosticsOn'),
        ],
        'N4',
      );
      return { start: start.toString(), rule: 'N4', code: '11' };
    }
    case 'N5': {
      const start = earliest(
        [
          optionalDate(reason.patientContactedOn, 'patientContactedOn'),
          optionalDate(reason.clinicianDecidedOn, 'clinicianDecidedOn'),
        ],
        'A new clock after a first-appointment DNA needs the date the patient contacted the trust or the date a clinician decided to offer another appointment',
      );
      return { start: start.toString(), rule: 'N5', code: '10' };
    }
  }
}

/** The event that starts the new clock, ready to append to a pathway's events. */
export function newRttClockEvent(reason: RttNewClockReason): RttEvent {
  const { start, code } = newRttClockStart(reason);
  return { date: start, code };
}
