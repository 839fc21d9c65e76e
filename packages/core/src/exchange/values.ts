/**
 * Reading the values other systems write into their exports: dates with month names (e-RS writes
 * '03-Nov-2026'), sexes as words or Data Dictionary codes, booking statuses, specialties by code or by name,
 * ODS codes inside an organisation's name, postcodes and patient names. Each reader answers null (or a
 * reason) for a value it cannot read: nothing is guessed.
 */
import { daysInMonth, epochDayFromYmd, epochDayToIso } from '../rtt/epoch-day';
import { parseSpreadsheetDate, spellingKey, type SpreadsheetDate } from '../referrals/values';
import type { Sex } from '../api/contract';

/** The comparison key of a heading or a name: `spellingKey`, with '&' read as 'and'. */
export function headingKey(value: string): string {
  return spellingKey(value.replace(/&/g, ' and '));
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;

const TIME = String.raw`(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?`;
/** '3 Nov 2026', '03-Nov-2026', '3 November 2026', '03-NOV-2026 14:22'. */
const MONTH_NAME = new RegExp(String.raw`^(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -](\d{4})${TIME}$`);

/**
 * A date as an export writes it: whatever `parseSpreadsheetDate` reads (YYYY-MM-DD, DD/MM/YYYY, with or
 * without a time of day), and also a day, a month name or its first three letters, and a four-digit year
 * ('03-Nov-2026', '3 November 2026'), as e-RS worklists and many PAS reports write them.
 */
export function parseExchangeDate(value: string): SpreadsheetDate {
  const text = value.trim();
  const named = MONTH_NAME.exec(text);
  if (named === null) return parseSpreadsheetDate(text);
  const word = named[2]!.toLowerCase();
  const month = MONTHS.findIndex((m) => word === m || (word.length > 3 && fullMonth(m) === word)) + 1;
  if (month === 0) return { ok: false, reason: 'format' };
  const [day, year] = [Number(named[1]), Number(named[3])];
  if (day < 1 || day > daysInMonth(year, month)) return { ok: false, reason: 'not-real' };
  return { ok: true, date: epochDayToIso(epochDayFromYmd(year, month, day)) };
}

const FULL_MONTHS: Record<(typeof MONTHS)[number], string> = {
  jan: 'january',
  feb: 'february',
  mar: 'march',
  apr: 'april',
  may: 'may',
  jun: 'june',
  jul: 'july',
  aug: 'august',
  sep: 'september',
  oct: 'october',
  nov: 'november',
  dec: 'december',
};

function fullMonth(short: (typeof MONTHS)[number]): string {
  return FULL_MONTHS[short];
}

/**
 * The spellings of each sex a PAS writes. The codes are the NHS Data Dictionary's PERSON STATED GENDER CODE
 * (1 male, 2 female, 9 indeterminate, X not known) and the older 0 for not known [INFERRED: '9' read as
 * 'other', 'X' and '0' as 'unknown'].
 */
export const SEX_SPELLINGS = {
  female: ['F', '2', 'woman', 'girl'],
  male: ['M', '1', 'man', 'boy'],
  other: ['9', 'I', 'indeterminate', 'non-binary', 'intersex'],
  unknown: ['U', 'X', '0', 'not known', 'not stated', 'not specified', 'unspecified'],
} as const satisfies Record<Sex, readonly string[]>;

const SEXES = new Map<string, Sex>();
for (const [sex, spellings] of Object.entries(SEX_SPELLINGS) as [Sex, readonly string[]][]) {
  for (const s of [sex, ...spellings]) SEXES.set(spellingKey(s), sex);
}

/** 'F', 'Female', '2' → 'female'; null when not recognised. */
export function parseSex(value: string): Sex | null {
  return SEXES.get(spellingKey(value)) ?? null;
}

export const BOOKING_STATUSES = ['not-booked', 'booked', 'planned'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** Spellings of each booking status on a PTL extract. */
export const BOOKING_STATUS_SPELLINGS = {
  'not-booked': [
    'not booked',
    'unbooked',
    'to book',
    'awaiting booking',
    'awaiting appointment',
    'waiting',
    'undated',
    'no date',
    'not dated',
  ],
  booked: ['booked', 'dated', 'appointment booked', 'TCI booked', 'TCI', 'booked in', 'has date'],
  // A planned (surveillance or staged treatment) list entry, outside RTT.
  planned: ['planned', 'planned list', 'planned admission', 'surveillance'],
} as const satisfies Record<BookingStatus, readonly string[]>;

const BOOKING = new Map<string, BookingStatus>();
for (const [status, spellings] of Object.entries(BOOKING_STATUS_SPELLINGS) as [
  BookingStatus,
  readonly string[],
][]) {
  for (const s of spellings) BOOKING.set(spellingKey(s), status);
}

export function parseBookingStatus(value: string): BookingStatus | null {
  return BOOKING.get(spellingKey(value)) ?? null;
}

/** A specialty of the organisation: its treatment function code and its name. */
export interface SpecialtyRef {
  code: string;
  name: string;
}

/**
 * Common e-RS and PAS specialty names and the treatment function code each usually means [INFERRED: the
 * usual mapping; the organisation's own specialty names are matched first, so a trust's names win].
 */
export const SPECIALTY_NAME_CODES: Readonly<Record<string, readonly string[]>> = {
  '100': ['General Surgery', 'Surgery - General', 'Surgery General'],
  '101': ['Urology'],
  '103': ['Breast Surgery', 'Breast'],
  '104': ['Colorectal Surgery', 'Colorectal'],
  '107': ['Vascular Surgery', 'Vascular'],
  '110': [
    'Trauma and Orthopaedics',
    'Orthopaedics',
    'Orthopaedic Surgery',
    'Orthopaedics and Trauma',
    'T and O',
    'Trauma & Orthopaedics',
  ],
  '120': ['ENT', 'Ear, Nose and Throat', 'Ear Nose and Throat (ENT)', 'Ear, Nose & Throat (ENT)'],
  '130': ['Ophthalmology', 'Eyes'],
  '140': ['Oral Surgery'],
  '160': ['Plastic Surgery'],
  '300': ['General Medicine', 'General Internal Medicine', 'Medicine - General'],
  '301': ['Gastroenterology'],
  '302': ['Endocrinology'],
  '303': ['Clinical Haematology', 'Haematology'],
  '320': ['Cardiology'],
  '330': ['Dermatology'],
  '340': ['Respiratory Medicine', 'Respiratory', 'Thoracic Medicine'],
  '361': ['Nephrology', 'Renal Medicine'],
  '400': ['Neurology'],
  '410': ['Rheumatology'],
  '420': ['Paediatrics'],
  '430': ['Geriatric Medicine', 'Care of the Elderly', 'Elderly Medicine'],
  '502': ['Gynaecology'],
};

const NAME_CODES = new Map<string, string>();
for (const [code, names] of Object.entries(SPECIALTY_NAME_CODES)) {
  for (const name of names) NAME_CODES.set(headingKey(name), code);
}

export type SpecialtyMatch =
  | { ok: true; code: string }
  /** `unknown`: not a code or a name we know; `not-ours`: a real code (given or named) the organisation lacks. */
  | { ok: false; reason: 'unknown' }
  | { ok: false; reason: 'not-ours'; code: string };

const CODE_ONLY = /^\d{3}$/;
// '110 - Trauma and orthopaedics', '110: T&O', 'Trauma and orthopaedics (110)', '[110] T&O'.
const CODE_FIRST = /^\[?(\d{3})\]?\s*[-–:|)]?\s+\S/;
const CODE_LAST = /\S\s*[([]\s*(\d{3})\s*[)\]]$/;

/**
 * The organisation's treatment function code for a specialty written as its code ('110'), its code with its
 * name ('110 - Trauma & Orthopaedics', 'Trauma & Orthopaedics (110)'), one of the organisation's own names,
 * or a usual name (`SPECIALTY_NAME_CODES`: 'Orthopaedics', 'ENT'). Names match ignoring case, spaces and
 * punctuation, with '&' as 'and'.
 */
export function resolveSpecialty(value: string, specialties: readonly SpecialtyRef[]): SpecialtyMatch {
  const text = value.trim();
  const ours = new Set(specialties.map((s) => s.code));
  const found = (code: string): SpecialtyMatch =>
    ours.has(code) ? { ok: true, code } : { ok: false, reason: 'not-ours', code };
  if (CODE_ONLY.test(text)) return found(text);
  const coded = CODE_FIRST.exec(text) ?? CODE_LAST.exec(text);
  if (coded) return found(coded[1]!);
  const key = headingKey(text);
  if (key === '') return { ok: false, reason: 'unknown' };
  const own = specialties.find((s) => headingKey(s.name) === key);
  if (own) return { ok: true, code: own.code };
  const usual = NAME_CODES.get(key);
  return usual === undefined ? { ok: false, reason: 'unknown' } : found(usual);
}

const ODS = /^[A-Z0-9]{3,10}$/;
const ODS_IN_BRACKETS = /[([]\s*([A-Za-z0-9]{3,10})\s*[)\]]\s*$/;
const ODS_FIRST = /^([A-Za-z0-9]{3,10})\s*[-–:|]\s+\S/;

/**
 * The ODS code in an organisation as an export writes it: the code alone ('B86001'), in brackets after the
 * name ('Riverside Surgery (B86001)'), or before it ('B86001 - Riverside Surgery'); null when it holds only a
 * name. A code is 3 to 10 letters and digits with at least one digit (so a one-word name is not taken for one).
 */
export function odsCodeIn(value: string): string | null {
  const text = value.trim();
  const isCode = (s: string) => ODS.test(s) && /\d/.test(s);
  const upper = text.toUpperCase();
  if (isCode(upper)) return upper;
  const m = ODS_IN_BRACKETS.exec(text) ?? ODS_FIRST.exec(text);
  const code = m?.[1]?.toUpperCase();
  return code !== undefined && isCode(code) ? code : null;
}

const POSTCODE = /^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$/;

/** A UK postcode written the standard way ('ls14ap' → 'LS1 4AP'), or null when it is not one. */
export function normalisePostcode(value: string): string | null {
  const m = POSTCODE.exec(value.trim().toUpperCase().replace(/\s+/g, ' '));
  return m ? `${m[1]} ${m[2]}` : null;
}

/**
 * A patient's name written as one value. Only 'FAMILY, Given' is read (the way a PAS writes it); a name
 * without a comma could be split more than one way, so it is refused rather than guessed. Spaces are tidied;
 * the case is kept as written.
 */
export function splitPatientName(value: string): { familyName: string; givenName: string } | null {
  const tidy = (s: string) => s.trim().replace(/\s+/g, ' ');
  const comma = value.indexOf(',');
  if (comma === -1) return null;
  const familyName = tidy(value.slice(0, comma));
  const givenName = tidy(value.slice(comma + 1));
  if (familyName === '' || givenName === '' || givenName.includes(',')) return null;
  return { familyName, givenName };
}
