import { describe, it, expect } from 'vitest';
import {
  NHS_NUMBER_SYSTEM,
  formatNhsNumber,
  isTestRangeNhsNumber,
  isValidNhsNumber,
  nhsNumberCheckDigit,
  nhsNumberFromStem,
  normaliseNhsNumber,
  validateNhsNumber,
} from './nhs-number';
import type { NhsNumberInvalidReason } from './nhs-number';

type Example = {
  id: string;
  input: string;
  /** Expected check digit for the first 9 digits (null: stem produces 10), where the spec gives one. */
  check?: number | null;
} & ({ valid: true; value: string } | { valid: false; reason: NhsNumberInvalidReason });

// Worked examples from the domain spec, §4 (shared/spec/nhs-domain.md).
const EXAMPLES: Example[] = [
  { id: 'EX-NHS-01', input: '9434765919', check: 9, valid: true, value: '9434765919' },
  { id: 'EX-NHS-02', input: '943 476 5919', valid: true, value: '9434765919' },
  { id: 'EX-NHS-03', input: '9434765918', check: 9, valid: false, reason: 'checksum' },
  { id: 'EX-NHS-04', input: '9000000009', check: 9, valid: true, value: '9000000009' },
  { id: 'EX-NHS-05', input: '9990000018', check: 8, valid: true, value: '9990000018' },
  { id: 'EX-NHS-05', input: '9990000026', check: 6, valid: true, value: '9990000026' },
  { id: 'EX-NHS-05', input: '9994445553', check: 3, valid: true, value: '9994445553' },
  { id: 'EX-NHS-05', input: '9998887771', check: 1, valid: true, value: '9998887771' },
  { id: 'EX-NHS-06', input: '9990000050', check: 0, valid: true, value: '9990000050' },
  { id: 'EX-NHS-07', input: '9991234560', check: null, valid: false, reason: 'checksum' },
  { id: 'EX-NHS-08', input: '9990000000', check: null, valid: false, reason: 'checksum' },
  { id: 'EX-NHS-09', input: '9876544321', check: 2, valid: false, reason: 'checksum' },
  { id: 'EX-NHS-09', input: '9876544322', check: 2, valid: true, value: '9876544322' },
  { id: 'EX-NHS-10', input: '943476591', valid: false, reason: 'format' },
  { id: 'EX-NHS-10', input: '94347659190', valid: false, reason: 'format' },
  { id: 'EX-NHS-10', input: '94347659A9', valid: false, reason: 'format' },
  { id: 'EX-NHS-11', input: '0000000000', check: 0, valid: false, reason: 'identical-digits' },
  { id: 'EX-NHS-11', input: '1111111111', check: 1, valid: false, reason: 'identical-digits' },
];

describe('NHS number worked examples (spec §4)', () => {
  it.each(EXAMPLES)('$id: $input → valid=$valid', (ex) => {
    const result = validateNhsNumber(ex.input);
    if (ex.valid) {
      expect(result).toEqual({ valid: true, value: ex.value });
    } else {
      expect(result).toMatchObject({ valid: false, reason: ex.reason });
    }
    expect(isValidNhsNumber(ex.input)).toBe(ex.valid);
  });

  it.each(EXAMPLES.filter((ex) => ex.check !== undefined))('$id: check digit of $input is $check', (ex) => {
    expect(nhsNumberCheckDigit(ex.input.slice(0, 9))).toBe(ex.check);
  });
});

describe('validateNhsNumber messages', () => {
  it.each([
    ['', 'format', 'NHS number must be 10 digits'],
    ['94347659A9', 'format', 'NHS number must be 10 digits'],
    ['9434765918', 'checksum', 'NHS number is not valid (check digit does not match)'],
    ['9991234560', 'checksum', 'NHS number is not valid (check digit does not match)'],
    ['2222222222', 'identical-digits', 'NHS number is not valid (all 10 digits are the same)'],
  ])('%j → %s: %s', (input, reason, message) => {
    expect(validateNhsNumber(input)).toEqual({ valid: false, reason, message });
  });

  it.each(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])(
    'all-%s digits pass the checksum but are rejected as identical digits',
    (digit) => {
      const value = digit.repeat(10);
      expect(nhsNumberFromStem(digit.repeat(9))).toBe(value);
      expect(validateNhsNumber(value)).toMatchObject({ valid: false, reason: 'identical-digits' });
    },
  );
});

describe('normaliseNhsNumber', () => {
  it.each([
    ['9434765919', '9434765919'],
    ['943 476 5919', '9434765919'],
    ['943-476-5919', '9434765919'],
    ['  943 476 5919  ', '9434765919'],
    ['9434 765 919', '9434765919'],
    ['9 4 3 4 7 6 5 9 1 9', '9434765919'],
    ['943  476\t5919', '9434765919'],
    ['943 - 476 - 5919', '9434765919'],
    ['943\u00a0476\u00a05919', '9434765919'], // non-breaking spaces from copy and paste
    ['\n9434765919\n', '9434765919'],
  ])('%j → %s', (input, expected) => {
    expect(normaliseNhsNumber(input)).toBe(expected);
  });

  it.each([
    '',
    '   ',
    '943476591',
    '94347659190',
    '94347659A9',
    '943.476.5919',
    '943/476/5919',
    '-9434765919',
    '9434765919-',
    '+449434765919',
    '９４３４７６５９１９', // full-width digits
    '943_476_5919',
    'NHS 9434765919',
  ])('%j → null', (input) => {
    expect(normaliseNhsNumber(input)).toBeNull();
  });

  it('accepts separated input in validateNhsNumber and returns the bare value', () => {
    expect(validateNhsNumber(' 943-476-5919 ')).toEqual({ valid: true, value: '9434765919' });
  });
});

describe('nhsNumberCheckDigit / nhsNumberFromStem', () => {
  it.each([
    ['943476591', 9, '9434765919'],
    ['999000005', 0, '9990000050'],
    ['999123456', null, null],
    ['999000000', null, null],
    ['999000001', 8, '9990000018'],
  ])('%s → check %s, number %s', (stem, check, number) => {
    expect(nhsNumberCheckDigit(stem)).toBe(check);
    expect(nhsNumberFromStem(stem)).toBe(number);
  });

  it.each(['', '94347659', '9434765919', '94347659A', '943 47659'])(
    'throws a RangeError for stem %j',
    (stem) => {
      expect(() => nhsNumberCheckDigit(stem)).toThrow(RangeError);
      expect(() => nhsNumberFromStem(stem)).toThrow(RangeError);
    },
  );
});

describe('formatNhsNumber', () => {
  it.each([
    ['9991234567', '999 123 4567'],
    ['9434765919', '943 476 5919'],
    ['943 476 5919', '943 476 5919'],
    ['943-476-5919', '943 476 5919'],
    ['9434 765 919', '943 476 5919'],
  ])('%j → %s', (input, expected) => {
    expect(formatNhsNumber(input)).toBe(expected);
  });

  it.each(['', '943476591', '94347659A9'])('throws a RangeError for %j', (input) => {
    expect(() => formatNhsNumber(input)).toThrow(RangeError);
  });
});

describe('isTestRangeNhsNumber', () => {
  it.each([
    ['9990000000', true],
    ['9990000018', true],
    ['9999999999', true],
    ['999 123 4567', true],
    ['9989999999', false],
    ['9434765919', false],
    ['9000000009', false],
    ['999000001', false],
    ['', false],
  ] as const)('%j → %s', (input, expected) => {
    expect(isTestRangeNhsNumber(input)).toBe(expected);
  });
});

describe('NHS_NUMBER_SYSTEM', () => {
  it('is the UK Core FHIR identifier system', () => {
    expect(NHS_NUMBER_SYSTEM).toBe('https://fhir.nhs.uk/Id/nhs-number');
  });
});
