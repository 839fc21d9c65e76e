import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { nhsNumberCheckDigit, nhsNumberFromStem, normaliseNhsNumber, validateNhsNumber } from './nhs-number';

const digit = fc.integer({ min: 0, max: 9 });
const stem9 = fc.array(digit, { minLength: 9, maxLength: 9 }).map((ds) => ds.join(''));
const allSame = (s: string) => /^(\d)\1*$/.test(s);

/** Valid NHS numbers, built from random stems that have a check digit and are not all one digit. */
const validNumber = stem9
  .map((stem) => nhsNumberFromStem(stem))
  .filter((n): n is string => n !== null && !allSame(n));

describe('NHS number properties', () => {
  it('nhsNumberFromStem gives null or a number that validates (unless all digits are identical)', () => {
    fc.assert(
      fc.property(stem9, (stem) => {
        const number = nhsNumberFromStem(stem);
        expect(number === null).toBe(nhsNumberCheckDigit(stem) === null);
        if (number === null) return;
        expect(number.startsWith(stem)).toBe(true);
        expect(number).toHaveLength(10);
        const result = validateNhsNumber(number);
        if (allSame(number)) {
          expect(result).toMatchObject({ valid: false, reason: 'identical-digits' });
        } else {
          expect(result).toEqual({ valid: true, value: number });
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a stem with no check digit has no valid completion', () => {
    fc.assert(
      fc.property(
        stem9.filter((stem) => nhsNumberCheckDigit(stem) === null),
        digit,
        (stem, last) => {
          expect(validateNhsNumber(`${stem}${last}`)).toMatchObject({ valid: false, reason: 'checksum' });
        },
      ),
    );
  });

  it('changing any single digit of a valid number makes it invalid', () => {
    fc.assert(
      fc.property(
        validNumber,
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        (number, position, delta) => {
          const changed = Number(number[position]) + delta;
          const mutated = number.slice(0, position) + String(changed % 10) + number.slice(position + 1);
          expect(mutated).not.toBe(number);
          expect(validateNhsNumber(mutated).valid).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('swapping two different adjacent digits among the first nine makes it invalid', () => {
    fc.assert(
      fc.property(validNumber, fc.integer({ min: 0, max: 7 }), (number, i) => {
        fc.pre(number[i] !== number[i + 1]);
        const swapped = number.slice(0, i) + number[i + 1] + number[i] + number.slice(i + 2);
        expect(validateNhsNumber(swapped).valid).toBe(false);
      }),
    );
  });

  it('spaces and hyphens between digits do not change the result', () => {
    const separator = fc.constantFrom('', ' ', '  ', '-', ' - ', '\t');
    fc.assert(
      fc.property(validNumber, fc.array(separator, { minLength: 9, maxLength: 9 }), (number, seps) => {
        const typed = [...number].map((d, i) => d + (seps[i] ?? '')).join('');
        expect(normaliseNhsNumber(typed)).toBe(number);
        expect(validateNhsNumber(` ${typed} `)).toEqual({ valid: true, value: number });
      }),
    );
  });
});
