/**
 * The referral-intake rules: one referral in, every problem out (never just the first), or a normalised
 * `ValidReferral` with its RTT clock start computed by `rttClockStart` (spec §1.3).
 *
 * Choices (documented so they can be questioned):
 * - A UBRN is required for e-RS and refused for every other source except `interface-service`, whose onward
 *   referral may come by e-RS (S5); the UBRN conversion date likewise. The ASI worklist date is e-RS only.
 * - e-RS needs the UBRN conversion date or the ASI worklist date (or both: the earlier is the start, S3).
 *   Its received date is optional (it defaults to the clock start) and, when given, not before the start.
 * - The original clock start is required for an inter-provider transfer (S7) and an interface service
 *   (S2/S5), refused otherwise, and never after the received date.
 * - Dates must be real, not in the future (`context.today`) and not before 2000 (a typo guard: RTT began
 *   in 2007, so an earlier date is a mistyped year).
 * - Two-week wait (urgent suspected cancer or breast symptomatic, §2.7, §3.1) is refused for self-referrals
 *   and consultant-to-consultant referrals: USC referrals come from a GP or another primary care
 *   professional; a hospital consultant who suspects cancer makes a consultant upgrade onto the cancer
 *   pathway instead [INFERRED]. If `context.twoWeekWaitSpecialties` is given, only those specialties take it.
 * - A self-referral needs a specialty in `context.selfReferralSpecialties` (S6); it needs no referrer name.
 * - Triage: an accepted referral keeps the referral's priority unless another is given, and needs a clinic
 *   type; a two-week-wait clinic only for a two-week-wait priority, an urgent new clinic not for routine.
 *   A rejection needs a reason. Fields that belong to another outcome are refused, not dropped.
 * - The clock start is where the RTT clock starts if the referral opens a period. A rejection or an advice
 *   and guidance reply at triage does not change it; recording the decision (and any stop) is the
 *   pathway's business, as is linking a consultant-to-consultant referral to a clock already running.
 */
import { type RttReferralSource, rttClockStart } from '../rtt/clock-start';
import { isoToEpochDay } from '../rtt/epoch-day';
import { validateNhsNumber } from '../nhs-number/nhs-number';
import {
  CLINIC_TYPES,
  REFERRAL_FIELDS,
  REFERRAL_PRIORITIES,
  REFERRAL_SOURCES,
  TRIAGE_KINDS,
  type ClinicType,
  type ReferralContext,
  type ReferralError,
  type ReferralField,
  type ReferralInput,
  type ReferralPriority,
  type ReferralSource,
  type ReferralValidation,
  type TriageKind,
  type TriageOutcome,
} from './types';

/** Dates before this are refused as mistyped (RTT clocks began in 2007). */
export const EARLIEST_REFERRAL_DATE = '2000-01-01';
export const MAX_REFERRER_NAME_LENGTH = 200;
export const MAX_TRIAGE_TEXT_LENGTH = 2000;

/** Sources that may not be two-week wait (see the module comment). */
export const NOT_TWO_WEEK_WAIT_SOURCES = [
  'self-referral',
  'consultant-to-consultant',
] as const satisfies readonly ReferralSource[];

/** Sources that may carry a UBRN and a UBRN conversion date. */
export const UBRN_SOURCES = ['e-rs', 'interface-service'] as const satisfies readonly ReferralSource[];
/** Sources that carry the clock start from elsewhere, and must. */
export const ORIGINAL_CLOCK_START_SOURCES = [
  'inter-provider-transfer',
  'interface-service',
] as const satisfies readonly ReferralSource[];

/** The name of each field, as shown in messages (and the default spreadsheet column headers). */
export const REFERRAL_FIELD_LABELS = {
  nhsNumber: 'NHS number',
  source: 'Referral source',
  ubrn: 'UBRN',
  ersConversionDate: 'UBRN conversion date',
  asiWorklistDate: 'ASI worklist date',
  receivedDate: 'Received date',
  originalClockStart: 'Original clock start',
  specialtyCode: 'Specialty code',
  priority: 'Priority',
  referrerName: 'Referrer',
  referrerOrgCode: 'Referrer ODS code',
  triage: 'Triage outcome',
  'triage.priority': 'Triage priority',
  'triage.clinicType': 'Clinic type',
  'triage.reason': 'Rejection reason',
  'triage.note': 'Advice and guidance note',
} as const satisfies Record<ReferralField, string>;

const UBRN = /^\d{12}$/;
const SPECIALTY_CODE = /^\d{3}$/;
const ODS_CODE = /^[A-Z0-9]{3,10}$/;
const SEPARATORS = /[\s-]/g;
const EARLIEST_DAY = isoToEpochDay(EARLIEST_REFERRAL_DATE);

const PRIORITY_LIST = 'routine, urgent or two-week wait';
const SOURCE_LIST =
  'GP paper, e-RS, consultant to consultant, self-referral, inter-provider transfer, other professional or interface service';
const CLINIC_TYPE_LIST = 'new, urgent new, two-week wait or procedure';
const TRIAGE_LIST = 'pending, accepted, rejected or advice and guidance';

function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}

/** Trimmed text, or null when absent or blank. Numbers (from a JSON body) are read as their digits. */
function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const s =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean'
        ? String(value)
        : `[${typeof value}]`;
  const trimmed = s.trim();
  return trimmed === '' ? null : trimmed;
}

function compactDigits(value: string): string {
  return value.replace(SEPARATORS, '');
}

/** An ISO date the rules have accepted, with its epoch day for comparisons. */
interface CheckedDate {
  iso: string;
  day: number;
}

/**
 * The ISO `YYYY-MM-DD` date of an input field checked against today and the earliest date: the date, null
 * when absent, or undefined when present but wrong (the error is already pushed).
 */
function checkDate(
  field: ReferralField,
  value: unknown,
  today: number,
  errors: ReferralError[],
): CheckedDate | null | undefined {
  const s = text(value);
  if (s === null) return null;
  const label = REFERRAL_FIELD_LABELS[field];
  const day = isoToEpochDay(s);
  if (Number.isNaN(day)) {
    errors.push({ field, message: `${label} must be a real date` });
    return undefined;
  }
  if (day > today) {
    errors.push({ field, message: `${label} must be today or in the past` });
    return undefined;
  }
  if (day < EARLIEST_DAY) {
    errors.push({ field, message: `${label} must be in 2000 or later` });
    return undefined;
  }
  return { iso: s, day };
}

function present(value: unknown): boolean {
  return text(value) !== null;
}

function required(value: string | null | undefined, what: string, source: ReferralSource): string {
  if (value === null || value === undefined) {
    throw new RangeError(`A ${source} referral needs ${what} to compute its clock start`);
  }
  return value;
}

/**
 * The `rttClockStart` route (§1.3) of a referral's source and dates. Throws a RangeError when a date the
 * route needs is missing (`validateReferral` makes sure it is not).
 */
export function referralRttSource(referral: {
  source: ReferralSource;
  receivedDate?: string | null;
  ersConversionDate?: string | null;
  asiWorklistDate?: string | null;
  originalClockStart?: string | null;
}): RttReferralSource {
  const { source } = referral;
  const received = (): string => required(referral.receivedDate, 'a received date', source);
  const original = (): string => required(referral.originalClockStart, 'the original clock start', source);
  switch (source) {
    case 'gp-paper':
    case 'consultant-to-consultant':
    case 'other-professional':
      return { route: 'consultant-led', receivedOn: received() };
    case 'self-referral':
      return { route: 'self-referral', receivedOn: received() };
    case 'e-rs':
      return {
        route: 'e-rs',
        ubrnConvertedOn: referral.ersConversionDate ?? undefined,
        asiWorklistOn: referral.asiWorklistDate ?? undefined,
      };
    case 'inter-provider-transfer':
      return { route: 'inter-provider-transfer', originalStart: original(), receivedOn: received() };
    case 'interface-service':
      return {
        route: 'interface-service',
        interfaceReceivedOn: original(),
        onwardReceivedOn: received(),
        onwardUbrnConvertedOn: referral.ersConversionDate ?? undefined,
      };
  }
}

function twoWeekWaitProblem(
  source: ReferralSource | null,
  specialtyCode: string | null,
  context: ReferralContext,
): string | null {
  if (source !== null && isOneOf(NOT_TWO_WEEK_WAIT_SOURCES, source)) {
    return source === 'self-referral'
      ? 'A self-referral cannot be two-week wait: urgent suspected cancer referrals come from a GP or another care professional'
      : 'A consultant-to-consultant referral cannot be two-week wait: make it urgent and upgrade the patient onto the cancer pathway';
  }
  if (
    specialtyCode !== null &&
    context.twoWeekWaitSpecialties !== undefined &&
    !context.twoWeekWaitSpecialties.has(specialtyCode)
  ) {
    return `Specialty ${specialtyCode} does not take two-week-wait referrals`;
  }
  return null;
}

function checkLength(field: ReferralField, value: string | null, max: number, errors: ReferralError[]): void {
  if (value !== null && value.length > max) {
    errors.push({ field, message: `${REFERRAL_FIELD_LABELS[field]} must be ${max} characters or fewer` });
  }
}

function checkTriage(
  input: ReferralInput,
  priority: ReferralPriority | null,
  source: ReferralSource | null,
  specialtyCode: string | null,
  context: ReferralContext,
  errors: ReferralError[],
): TriageOutcome | null {
  const triage = input.triage ?? {};
  const rawKind = text(triage.kind);
  let kind: TriageKind;
  if (rawKind === null) {
    kind = 'pending';
  } else if (isOneOf(TRIAGE_KINDS, rawKind)) {
    kind = rawKind;
  } else {
    errors.push({ field: 'triage', message: `Triage outcome must be ${TRIAGE_LIST}` });
    return null;
  }

  const reason = text(triage.reason);
  const note = text(triage.note);
  const rawPriority = text(triage.priority);
  const rawClinicType = text(triage.clinicType);
  if (kind !== 'accepted' && rawPriority !== null) {
    errors.push({ field: 'triage.priority', message: 'Only an accepted referral has a triage priority' });
  }
  if (kind !== 'accepted' && rawClinicType !== null) {
    errors.push({ field: 'triage.clinicType', message: 'Only an accepted referral has a clinic type' });
  }
  if (kind !== 'rejected' && reason !== null) {
    errors.push({ field: 'triage.reason', message: 'Only a rejected referral has a rejection reason' });
  }
  if (kind !== 'advice-and-guidance' && note !== null) {
    errors.push({
      field: 'triage.note',
      message: 'Only advice and guidance has an advice and guidance note',
    });
  }

  switch (kind) {
    case 'pending':
      return { kind };
    case 'rejected':
      if (reason === null) {
        errors.push({ field: 'triage.reason', message: 'Enter a reason for rejecting the referral' });
        return null;
      }
      checkLength('triage.reason', reason, MAX_TRIAGE_TEXT_LENGTH, errors);
      return { kind, reason };
    case 'advice-and-guidance':
      checkLength('triage.note', note, MAX_TRIAGE_TEXT_LENGTH, errors);
      return note === null ? { kind } : { kind, note };
    case 'accepted': {
      let acceptedPriority: ReferralPriority | null = priority;
      if (rawPriority !== null) {
        if (isOneOf(REFERRAL_PRIORITIES, rawPriority)) {
          acceptedPriority = rawPriority;
          if (rawPriority === 'two-week-wait' && priority !== 'two-week-wait') {
            const problem = twoWeekWaitProblem(source, specialtyCode, context);
            if (problem !== null) errors.push({ field: 'triage.priority', message: problem });
          }
        } else {
          acceptedPriority = null;
          errors.push({ field: 'triage.priority', message: `Triage priority must be ${PRIORITY_LIST}` });
        }
      }
      let clinicType: ClinicType | null = null;
      if (rawClinicType === null) {
        errors.push({ field: 'triage.clinicType', message: 'Enter a clinic type for the accepted referral' });
      } else if (isOneOf(CLINIC_TYPES, rawClinicType)) {
        clinicType = rawClinicType;
      } else {
        errors.push({ field: 'triage.clinicType', message: `Clinic type must be ${CLINIC_TYPE_LIST}` });
      }
      if (
        clinicType === 'two-week-wait' &&
        acceptedPriority !== null &&
        acceptedPriority !== 'two-week-wait'
      ) {
        errors.push({
          field: 'triage.clinicType',
          message: 'A two-week-wait clinic is only for a two-week-wait priority',
        });
      }
      if (clinicType === 'urgent-new' && acceptedPriority === 'routine') {
        errors.push({
          field: 'triage.clinicType',
          message: 'An urgent new clinic is not for a routine priority',
        });
      }
      return acceptedPriority === null || clinicType === null
        ? null
        : { kind, priority: acceptedPriority, clinicType };
    }
  }
}

const FIELD_ORDER = new Map<string, number>(REFERRAL_FIELDS.map((f, i) => [f, i]));

/** Sorts problems into form order (stable), so each field's problems read top to bottom. */
export function sortByField<T extends { field: ReferralField | null }>(errors: T[]): T[] {
  const order = (f: ReferralField | null): number => (f === null ? -1 : (FIELD_ORDER.get(f) ?? 99));
  return errors.sort((a, b) => order(a.field) - order(b.field));
}

/**
 * Checks one referral against the intake rules (see the module comment) and returns every problem, in
 * field order, with plain-English messages; or the normalised referral with its RTT clock start.
 * Throws a RangeError if `context.today` is not a YYYY-MM-DD date (a programming error, not user input).
 */
export function validateReferral(input: ReferralInput, context: ReferralContext): ReferralValidation {
  const today = isoToEpochDay(context.today);
  if (Number.isNaN(today)) {
    throw new RangeError(`context.today ${JSON.stringify(context.today)} is not a date written YYYY-MM-DD`);
  }
  const errors: ReferralError[] = [];

  // NHS number (§4).
  let nhsNumber: string | null = null;
  const rawNhs = text(input.nhsNumber);
  if (rawNhs === null) {
    errors.push({ field: 'nhsNumber', message: 'Enter an NHS number' });
  } else {
    const checked = validateNhsNumber(rawNhs);
    if (checked.valid) nhsNumber = checked.value;
    else errors.push({ field: 'nhsNumber', message: checked.message });
  }

  // Source.
  let source: ReferralSource | null = null;
  const rawSource = text(input.source);
  if (rawSource === null) {
    errors.push({ field: 'source', message: 'Enter a referral source' });
  } else if (isOneOf(REFERRAL_SOURCES, rawSource)) {
    source = rawSource;
  } else {
    errors.push({ field: 'source', message: `Referral source must be ${SOURCE_LIST}` });
  }
  const isErs = source === 'e-rs';
  const takesUbrn = source !== null && isOneOf(UBRN_SOURCES, source);

  // UBRN (§1.2, §7.4): 12 digits; e-RS only.
  let ubrn: string | null = null;
  const rawUbrn = text(input.ubrn);
  if (rawUbrn === null) {
    if (isErs) errors.push({ field: 'ubrn', message: 'Enter the UBRN for an e-RS referral' });
  } else if (source !== null && !takesUbrn) {
    errors.push({ field: 'ubrn', message: 'Only an e-RS referral has a UBRN' });
  } else if (UBRN.test(compactDigits(rawUbrn))) {
    ubrn = compactDigits(rawUbrn);
  } else {
    errors.push({ field: 'ubrn', message: 'UBRN must be 12 digits' });
  }

  // e-RS dates (S3). A date that does not belong to the source is refused without checking it further.
  let conversion: CheckedDate | null | undefined = null;
  let asi: CheckedDate | null | undefined = null;
  if (source !== null && !takesUbrn && present(input.ersConversionDate)) {
    errors.push({ field: 'ersConversionDate', message: 'Only an e-RS referral has a UBRN conversion date' });
  } else {
    conversion = checkDate('ersConversionDate', input.ersConversionDate, today, errors);
  }
  if (source !== null && !isErs && present(input.asiWorklistDate)) {
    errors.push({ field: 'asiWorklistDate', message: 'Only an e-RS referral has an ASI worklist date' });
  } else {
    asi = checkDate('asiWorklistDate', input.asiWorklistDate, today, errors);
  }
  if (isErs && conversion === null && asi === null) {
    errors.push({
      field: 'ersConversionDate',
      message: 'Enter the UBRN conversion date or the ASI worklist date for an e-RS referral',
    });
  }

  // Received date: required except for e-RS.
  const received = checkDate('receivedDate', input.receivedDate, today, errors);
  if (received === null && !isErs) {
    errors.push({ field: 'receivedDate', message: 'Enter a received date' });
  }
  if (isErs && received && (conversion || asi)) {
    const start = Math.min(conversion?.day ?? Infinity, asi?.day ?? Infinity);
    if (received.day < start) {
      errors.push({
        field: 'receivedDate',
        message: 'Received date must be on or after the UBRN conversion date or the ASI worklist date',
      });
    }
  }

  // Original clock start (S7 transfers, S2/S5 interface services).
  let original: CheckedDate | null | undefined = null;
  const needsOriginal = source !== null && isOneOf(ORIGINAL_CLOCK_START_SOURCES, source);
  if (source !== null && !needsOriginal && present(input.originalClockStart)) {
    errors.push({
      field: 'originalClockStart',
      message: 'Only an inter-provider transfer or an interface service referral has an original clock start',
    });
  } else {
    original = checkDate('originalClockStart', input.originalClockStart, today, errors);
  }
  if (needsOriginal && original === null) {
    errors.push({
      field: 'originalClockStart',
      message:
        source === 'inter-provider-transfer'
          ? 'Enter the original clock start for an inter-provider transfer'
          : 'Enter the original clock start: the date the interface service received the referral',
    });
  } else if (needsOriginal && original && received && original.day > received.day) {
    errors.push({
      field: 'originalClockStart',
      message: 'Original clock start must be on or before the received date',
    });
  }

  // Specialty (treatment function code).
  let specialtyCode: string | null = null;
  const rawSpecialty = text(input.specialtyCode);
  if (rawSpecialty === null) {
    errors.push({ field: 'specialtyCode', message: 'Enter a specialty code' });
  } else if (!SPECIALTY_CODE.test(rawSpecialty)) {
    errors.push({
      field: 'specialtyCode',
      message: 'Specialty code must be 3 digits (a treatment function code)',
    });
  } else if (!context.specialtyCodes.has(rawSpecialty)) {
    errors.push({
      field: 'specialtyCode',
      message: `Specialty code ${rawSpecialty} is not one of your organisation's specialties`,
    });
  } else {
    specialtyCode = rawSpecialty;
  }
  if (
    source === 'self-referral' &&
    specialtyCode !== null &&
    !context.selfReferralSpecialties.has(specialtyCode)
  ) {
    errors.push({ field: 'source', message: `Specialty ${specialtyCode} does not accept self-referrals` });
  }

  // Priority (§2.7).
  let priority: ReferralPriority | null = null;
  const rawPriority = text(input.priority);
  if (rawPriority === null) {
    errors.push({ field: 'priority', message: 'Enter a priority' });
  } else if (isOneOf(REFERRAL_PRIORITIES, rawPriority)) {
    priority = rawPriority;
    if (priority === 'two-week-wait') {
      const problem = twoWeekWaitProblem(source, specialtyCode, context);
      if (problem !== null) errors.push({ field: 'priority', message: problem });
    }
  } else {
    errors.push({ field: 'priority', message: `Priority must be ${PRIORITY_LIST}` });
  }

  // Referrer.
  const referrerName = text(input.referrerName);
  if (referrerName === null && source !== 'self-referral') {
    errors.push({ field: 'referrerName', message: 'Enter the referrer' });
  }
  checkLength('referrerName', referrerName, MAX_REFERRER_NAME_LENGTH, errors);
  const rawOrg = text(input.referrerOrgCode);
  const referrerOrgCode = rawOrg === null ? null : rawOrg.toUpperCase();
  if (referrerOrgCode !== null && !ODS_CODE.test(referrerOrgCode)) {
    errors.push({
      field: 'referrerOrgCode',
      message: 'Referrer ODS code must be 3 to 10 letters and numbers, like A81001',
    });
  }

  const triage = checkTriage(input, priority, source, specialtyCode, context, errors);

  if (
    errors.length > 0 ||
    nhsNumber === null ||
    source === null ||
    specialtyCode === null ||
    priority === null ||
    triage === null
  ) {
    return { ok: false, errors: sortByField(errors) };
  }

  const receivedDate = received?.iso ?? null;
  const dates = {
    ersConversionDate: conversion?.iso ?? null,
    asiWorklistDate: asi?.iso ?? null,
    originalClockStart: original?.iso ?? null,
  };
  // Validated above: every source but e-RS has a received date, and e-RS has a conversion or ASI date.
  const clock = rttClockStart(referralRttSource({ source, receivedDate, ...dates }));
  if (clock.start === null) throw new Error(`Rule ${clock.rule} starts no clock for a ${source} referral`);

  return {
    ok: true,
    referral: {
      nhsNumber,
      source,
      ubrn,
      ...dates,
      receivedDate: receivedDate ?? clock.start,
      specialtyCode,
      priority,
      referrerName,
      referrerOrgCode,
      triage,
      clockStart: clock.start,
      clockStartRule: clock.rule,
    },
  };
}
