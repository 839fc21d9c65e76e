import { describe, it, expect } from 'vitest';
import * as nhsNumber from './index';

describe('nhs-number module exports', () => {
  it('exposes the public API', () => {
    expect(Object.keys(nhsNumber).sort()).toEqual(
      [
        'NHS_NUMBER_INVALID_REASONS',
        'NHS_NUMBER_MESSAGES',
        'NHS_NUMBER_SYSTEM',
        'formatNhsNumber',
        'isTestRangeNhsNumber',
        'isValidNhsNumber',
        'nhsNumberCheckDigit',
        'nhsNumberFromStem',
        'normaliseNhsNumber',
        'validateNhsNumber',
      ].sort(),
    );
  });
});
