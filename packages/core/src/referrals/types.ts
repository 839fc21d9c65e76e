/**
 * Referral intake types (spec §1.2–§1.3, §2.7, §4, §7.4).
 *
 * Two shapes: a loose `ReferralInput` (what a form, an API body or a spreadsheet row gives: anything may be
 * missing or wrong, every field is reported) and a strict `ValidReferral` (what `validateReferral` returns:
 * normalised values, a `TriageOutcome` union and the computed RTT clock start).
 */
import type { RttStartRule } from '../rtt/clock-start';
import { RTT_PRIORITIES, type RttPriority } from '../rtt/status-codes';

/**
 * How the referral reached the provider, and so which §1.3 clock-start rule applies:
 * - `gp-paper`: a GP referral letter (post, fax, email): S1/S10, the date received.
 * - `e-rs`: an NHS e-Referral Service referral: S3, the UBRN conversion or ASI worklist date.
 * - `consultant-to-consultant`: from another consultant: S1, the date received.
 * - `self-referral`: only to specialties that accept them (S6), the date received.
 * - `inter-provider-transfer`: S7, the original clock start carried in the IPTAMDS.
 * - `other-professional`: dentist, optometrist, other permitted care professional: S1, the date received.
 * - `interface-service`: sent on by an interface / referral-management / assessment service (CATS, MSK
 *   triage): S2 (S5 when sent on by e-RS), the date the interface service received the original referral.
 */
export const REFERRAL_SOURCES = [
  'gp-paper',
  'e-rs',
  'consultant-to-consultant',
  'self-referral',
  'inter-provider-transfer',
  'other-professional',
  'interface-service',
] as const;
export type ReferralSource = (typeof REFERRAL_SOURCES)[number];

/** Plain names, for messages and screens. */
export const REFERRAL_SOURCE_NAMES = {
  'gp-paper': 'GP paper referral',
  'e-rs': 'e-RS',
  'consultant-to-consultant': 'consultant to consultant',
  'self-referral': 'self-referral',
  'inter-provider-transfer': 'inter-provider transfer',
  'other-professional': 'other care professional',
  'interface-service': 'interface service',
} as const satisfies Record<ReferralSource, string>;

/** Data Dictionary PRIORITY TYPE 1, 2, 3 (§2.7); the same values the RTT engine takes. */
export const REFERRAL_PRIORITIES = RTT_PRIORITIES;
export type ReferralPriority = RttPriority;

export const REFERRAL_PRIORITY_NAMES = {
  routine: 'routine',
  urgent: 'urgent',
  'two-week-wait': 'two-week wait',
} as const satisfies Record<ReferralPriority, string>;

/** The clinic a referral accepted at triage is booked into. `procedure` includes straight-to-test. */
export const CLINIC_TYPES = ['new', 'urgent-new', 'two-week-wait', 'procedure'] as const;
export type ClinicType = (typeof CLINIC_TYPES)[number];

export const TRIAGE_KINDS = ['pending', 'accepted', 'rejected', 'advice-and-guidance'] as const;
export type TriageKind = (typeof TRIAGE_KINDS)[number];

/** The clinical triage outcome of a valid referral. */
export type TriageOutcome =
  | { kind: 'pending' }
  | { kind: 'accepted'; priority: ReferralPriority; clinicType: ClinicType }
  | { kind: 'rejected'; reason: string }
  | { kind: 'advice-and-guidance'; note?: string };

/**
 * A triage outcome as entered. A `TriageOutcome` is assignable to it. Missing or `pending` kind means not
 * yet triaged. An accepted referral without a priority keeps the referral's priority.
 */
export interface TriageInput {
  kind?: TriageKind | null;
  priority?: ReferralPriority | null;
  clinicType?: ClinicType | null;
  reason?: string | null;
  note?: string | null;
}

/**
 * A referral as entered (form, API body, spreadsheet row). Nothing is trusted: `validateReferral` reports
 * every problem. Dates are ISO `YYYY-MM-DD` (spreadsheet dates are converted by `mapRows`).
 */
export interface ReferralInput {
  /** 10 digits, spaces or hyphens allowed ('943 476 5919'). */
  nhsNumber?: string | null;
  source?: ReferralSource | null;
  /** e-RS Unique Booking Reference Number, 12 digits (spaces allowed). e-RS only (and interface service). */
  ubrn?: string | null;
  /** e-RS: the date the patient converted (booked) the UBRN. */
  ersConversionDate?: string | null;
  /** e-RS: the date the UBRN reached the provider's Appointment Slot Issue worklist (no slots). */
  asiWorklistDate?: string | null;
  /** The date the provider received the referral. Optional for e-RS only, where it defaults to the clock start. */
  receivedDate?: string | null;
  /**
   * The clock start carried with the referral: for an inter-provider transfer, the original start from the
   * IPTAMDS (S7); for an interface service, the date it received the original referral (S2, S5).
   */
  originalClockStart?: string | null;
  /** Treatment function code, 3 digits (e.g. '110' trauma and orthopaedics). */
  specialtyCode?: string | null;
  priority?: ReferralPriority | null;
  /** Name of the referring clinician or service. Optional for a self-referral. */
  referrerName?: string | null;
  /** ODS code of the referring organisation (e.g. GP practice 'A81001'). */
  referrerOrgCode?: string | null;
  triage?: TriageInput | null;
}

/** A field that can carry a problem: a `ReferralInput` field, or a part of the triage outcome. */
export type ReferralField =
  keyof ReferralInput | 'triage.priority' | 'triage.clinicType' | 'triage.reason' | 'triage.note';

/** Every field, in the order a form or spreadsheet shows them (problems are sorted by it). */
export const REFERRAL_FIELDS = [
  'nhsNumber',
  'source',
  'ubrn',
  'ersConversionDate',
  'asiWorklistDate',
  'receivedDate',
  'originalClockStart',
  'specialtyCode',
  'priority',
  'referrerName',
  'referrerOrgCode',
  'triage',
  'triage.priority',
  'triage.clinicType',
  'triage.reason',
  'triage.note',
] as const satisfies readonly ReferralField[];

export interface ReferralError {
  field: ReferralField;
  message: string;
}

export interface ReferralContext {
  /** Today's date, YYYY-MM-DD (core never reads the clock). Dates after it are refused. */
  today: string;
  /** The organisation's specialties (treatment function codes). */
  specialtyCodes: ReadonlySet<string>;
  /** Specialties that accept self-referrals (locally agreed, rule S6). */
  selfReferralSpecialties: ReadonlySet<string>;
  /**
   * Specialties that take two-week-wait (urgent suspected cancer) referrals. When absent, any specialty
   * may (the organisation has not configured its cancer pathways).
   */
  twoWeekWaitSpecialties?: ReadonlySet<string>;
}

/** A referral that passed every rule: normalised, with its RTT clock start. */
export interface ValidReferral {
  /** 10 digits, no spaces. */
  nhsNumber: string;
  source: ReferralSource;
  /** 12 digits, no spaces; null when not an e-RS referral. */
  ubrn: string | null;
  ersConversionDate: string | null;
  asiWorklistDate: string | null;
  /** As entered; for e-RS without one, the clock start. */
  receivedDate: string;
  originalClockStart: string | null;
  specialtyCode: string;
  priority: ReferralPriority;
  referrerName: string | null;
  /** Upper case. */
  referrerOrgCode: string | null;
  triage: TriageOutcome;
  /** The RTT clock start from `rttClockStart` (§1.3), and the rule that gave it. */
  clockStart: string;
  clockStartRule: RttStartRule;
}

export type ReferralValidation =
  { ok: true; referral: ValidReferral } | { ok: false; errors: ReferralError[] };
