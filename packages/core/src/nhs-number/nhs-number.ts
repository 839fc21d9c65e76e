/** FHIR identifier system for NHS numbers (fixed in UK Core Patient). */
export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

export const NHS_NUMBER_INVALID_REASONS = ['format', 'checksum', 'identical-digits'] as const;
export type NhsNumberInvalidReason = (typeof NHS_NUMBER_INVALID_REASONS)[number];

/** Plain-English messages, suitable for showing to staff next to the field. */
export const NHS_NUMBER_MESSAGES = {
  format: 'NHS number must be 10 digits',
  checksum: 'NHS number is not valid (check digit does not match)',
  'identical-digits': 'NHS number is not valid (all 10 digits are the same)',
} as const satisfies Record<NhsNumberInvalidReason, string>;

export type NhsNumberValidation =
  { valid: true; value: string } | { valid: false; reason: NhsNumberInvalidReason; message: string };

/** Digits, optionally separated by any run of whitespace or hyphens (never leading or trailing). */
const LOOSE_DIGITS = /^\d(?:[\s-]*\d)*$/;
const TEN_DIGITS = /^\d{10}$/;
const NINE_DIGITS = /^\d{9}$/;
const SEPARATORS = /[\s-]/g;

/**
 * Accepts an NHS number typed with or without separators ('943 476 5919', '9434765919',
 * '943-476-5919', surrounding whitespace) and returns the bare 10-digit string, or null when it is
 * not exactly 10 digits. Does not check the check digit: see `validateNhsNumber`.
 */
export function normaliseNhsNumber(input: string): string | null {
  if (typeof input !== 'string') return null;
  const trimmed = input.trim();
  if (!LOOSE_DIGITS.test(trimmed)) return null;
  const digits = trimmed.replace(SEPARATORS, '');
  return TEN_DIGITS.test(digits) ? digits : null;
}

/**
 * The Modulus 11 check digit for a 9-digit stem: weights 10..2 on digits 1–9, r = sum mod 11,
 * check = 11 − r, where 11 becomes 0. Returns null when the check would be 10: no NHS number can
 * have that stem. Throws a RangeError if `stem9` is not exactly nine digits.
 */
export function nhsNumberCheckDigit(stem9: string): number | null {
  if (typeof stem9 !== 'string' || !NINE_DIGITS.test(stem9)) {
    throw new RangeError(`NHS number stem must be exactly 9 digits, got ${JSON.stringify(stem9)}`);
  }
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    sum += Number(stem9[i]) * (10 - i);
  }
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

/** The full 10-digit NHS number for a 9-digit stem, or null when the stem has no valid check digit. */
export function nhsNumberFromStem(stem9: string): string | null {
  const check = nhsNumberCheckDigit(stem9);
  return check === null ? null : `${stem9}${check}`;
}

function invalid(reason: NhsNumberInvalidReason): NhsNumberValidation {
  return { valid: false, reason, message: NHS_NUMBER_MESSAGES[reason] };
}

/**
 * Validates an NHS number typed by a person: normalises separators, then checks the Modulus 11
 * check digit, then rejects numbers whose digits are all the same (these pass the checksum but are
 * never issued). On success `value` is the bare 10-digit string to store.
 */
export function validateNhsNumber(input: string): NhsNumberValidation {
  const value = normaliseNhsNumber(input);
  if (value === null) return invalid('format');
  if (nhsNumberCheckDigit(value.slice(0, 9)) !== Number(value[9])) return invalid('checksum');
  if (/^(\d)\1{9}$/.test(value)) return invalid('identical-digits');
  return { valid: true, value };
}

export function isValidNhsNumber(input: string): boolean {
  return validateNhsNumber(input).valid;
}

/**
 * Formats an NHS number for display as `3 3 4`, e.g. '999 123 4567'. Accepts anything
 * `normaliseNhsNumber` accepts; does not check the check digit. Throws a RangeError when the value
 * is not 10 digits.
 */
export function formatNhsNumber(value: string): string {
  const digits = normaliseNhsNumber(value);
  if (digits === null) {
    throw new RangeError(`Cannot format ${JSON.stringify(value)} as an NHS number: must be 10 digits`);
  }
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

/**
 * True when the value is in the test range 999 000 0000 – 999 999 9999 (never issued to patients).
 * Checks the range only; use `isValidNhsNumber` as well to check the check digit.
 */
export function isTestRangeNhsNumber(value: string): boolean {
  const digits = normaliseNhsNumber(value);
  return digits !== null && digits.startsWith('999');
}
