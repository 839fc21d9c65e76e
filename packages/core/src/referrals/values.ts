/**
 * Reading the values people type into a trust's spreadsheet: the usual spellings of sources, priorities,
 * clinic types and triage outcomes (any case, spaces, hyphens and dots ignored), and UK or ISO dates.
 */
import { epochDayFromYmd, epochDayToIso, daysInMonth } from '../rtt/epoch-day';
import type { ClinicType, ReferralPriority, ReferralSource, TriageKind } from './types';

/**
 * The comparison key of a typed value: lower case, letters, digits and '&' only. 'Two-Week Wait',
 * 'two week wait' and 'TWO_WEEK_WAIT' all become 'twoweekwait'; 'e-RS' and 'ERS' become 'ers'.
 */
export function spellingKey(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9&]/g, '');
}

function lookup<T extends string>(table: Readonly<Record<T, readonly string[]>>): ReadonlyMap<string, T> {
  const map = new Map<string, T>();
  for (const [value, spellings] of Object.entries(table) as [T, readonly string[]][]) {
    for (const spelling of [value, ...spellings]) {
      const key = spellingKey(spelling);
      const existing = map.get(key);
      if (existing !== undefined && existing !== value) {
        throw new Error(`Spelling ${JSON.stringify(spelling)} would mean both ${existing} and ${value}`);
      }
      map.set(key, value);
    }
  }
  return map;
}

const TWO_WEEK_WAIT_SPELLINGS = [
  '2WW',
  '2 week wait',
  'TWW',
  'USC',
  'urgent suspected cancer',
  'urgent suspected cancer or breast symptomatic',
  'suspected cancer',
  'breast symptomatic',
  'fast track',
] as const;

/** Accepted spellings of each referral source (besides the value itself). */
export const REFERRAL_SOURCE_SPELLINGS = {
  'gp-paper': [
    'GP',
    'GP paper',
    'GP letter',
    'GP referral',
    'GP paper referral',
    'paper',
    'paper referral',
    'letter',
    'general practitioner',
    'GMP',
  ],
  'e-rs': [
    'eRS',
    'e-RS referral',
    'e-Referral',
    'e-Referrals',
    'e-Referral Service',
    'NHS e-Referral Service',
    'Choose and Book',
  ],
  'consultant-to-consultant': [
    'consultant to consultant',
    'C2C',
    'consultant',
    'consultant referral',
    'internal',
    'internal referral',
  ],
  'self-referral': ['self', 'self referral', 'self-referred', 'patient self-referral'],
  'inter-provider-transfer': [
    'inter-provider transfer',
    'IPT',
    'transfer',
    'tertiary',
    'tertiary referral',
    'tertiary transfer',
  ],
  'other-professional': [
    'other professional',
    'other care professional',
    'other healthcare professional',
    'dentist',
    'GDP',
    'optometrist',
    'optician',
    'allied health professional',
    'AHP',
  ],
  'interface-service': [
    'interface',
    'interface service',
    'CATS',
    'clinical assessment service',
    'clinical assessment and treatment service',
    'referral management',
    'referral management service',
    'RMS',
  ],
} as const satisfies Record<ReferralSource, readonly string[]>;

/** Accepted spellings of each priority, including the Data Dictionary PRIORITY TYPE codes 1, 2, 3 (§2.7). */
export const REFERRAL_PRIORITY_SPELLINGS = {
  routine: ['1', 'normal', 'non-urgent'],
  // §2.7: "Soon" must be mapped to Urgent.
  urgent: ['2', 'soon', 'urg'],
  'two-week-wait': ['3', ...TWO_WEEK_WAIT_SPELLINGS],
} as const satisfies Record<ReferralPriority, readonly string[]>;

export const CLINIC_TYPE_SPELLINGS = {
  new: ['routine', 'routine new', 'new routine', 'new patient'],
  'urgent-new': ['urgent', 'urgent new', 'new urgent'],
  'two-week-wait': TWO_WEEK_WAIT_SPELLINGS,
  procedure: ['procedure clinic', 'straight to test', 'STT', 'direct to test'],
} as const satisfies Record<ClinicType, readonly string[]>;

export const TRIAGE_KIND_SPELLINGS = {
  pending: ['awaiting triage', 'not triaged', 'untriaged', 'to triage', 'awaiting'],
  accepted: ['accept'],
  rejected: ['reject', 'returned', 'returned to referrer', 'declined'],
  'advice-and-guidance': ['advice and guidance', 'advice & guidance', 'A&G', 'A and G', 'AG', 'advice'],
} as const satisfies Record<TriageKind, readonly string[]>;

const SOURCES = lookup<ReferralSource>(REFERRAL_SOURCE_SPELLINGS);
const PRIORITIES = lookup<ReferralPriority>(REFERRAL_PRIORITY_SPELLINGS);
const CLINIC_TYPES = lookup<ClinicType>(CLINIC_TYPE_SPELLINGS);
const TRIAGE_KINDS = lookup<TriageKind>(TRIAGE_KIND_SPELLINGS);

/** 'GP letter' → 'gp-paper', 'e-RS' → 'e-rs'; null when not recognised. */
export function parseReferralSource(value: string): ReferralSource | null {
  return SOURCES.get(spellingKey(value)) ?? null;
}

/** 'Routine', 'URGENT', 'Soon', '2WW', 'two week wait', '3' …; null when not recognised. */
export function parseReferralPriority(value: string): ReferralPriority | null {
  return PRIORITIES.get(spellingKey(value)) ?? null;
}

export function parseClinicType(value: string): ClinicType | null {
  return CLINIC_TYPES.get(spellingKey(value)) ?? null;
}

export function parseTriageKind(value: string): TriageKind | null {
  return TRIAGE_KINDS.get(spellingKey(value)) ?? null;
}

export type SpreadsheetDate =
  | { ok: true; date: string }
  /** `format`: not written as a date we read; `not-real`: no such day (31/02/2026). */
  | { ok: false; reason: 'format' | 'not-real' };

// A time of day after the date is allowed and dropped (PAS exports write '06/01/2025 00:00').
const TIME = String.raw`(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?`;
const ISO = new RegExp(String.raw`^(\d{4})-(\d{1,2})-(\d{1,2})${TIME}$`);
const UK = new RegExp(String.raw`^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})${TIME}$`);

/**
 * A date as typed in a UK spreadsheet: `YYYY-MM-DD` or day first, `DD/MM/YYYY` (also `D/M/YYYY`, and `.` or
 * `-` instead of `/`), optionally followed by a time of day, which is ignored. Never month first: 03/31/2026
 * is not a real date. Two-digit years are refused (a format error), as are time zones.
 */
export function parseSpreadsheetDate(value: string): SpreadsheetDate {
  const text = value.trim();
  let year: number;
  let month: number;
  let day: number;
  const iso = ISO.exec(text);
  const uk = iso === null ? UK.exec(text) : null;
  if (iso !== null) {
    [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  } else if (uk !== null) {
    [day, month, year] = [Number(uk[1]), Number(uk[3]), Number(uk[4])];
  } else {
    return { ok: false, reason: 'format' };
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, reason: 'not-real' };
  }
  return { ok: true, date: epochDayToIso(epochDayFromYmd(year, month, day)) };
}
