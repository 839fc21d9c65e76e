export {
  NHS_NUMBER_SYSTEM,
  NHS_NUMBER_INVALID_REASONS,
  NHS_NUMBER_MESSAGES,
  normaliseNhsNumber,
  nhsNumberCheckDigit,
  nhsNumberFromStem,
  validateNhsNumber,
  isValidNhsNumber,
  formatNhsNumber,
  isTestRangeNhsNumber,
} from './nhs-number';
export type { NhsNumberInvalidReason, NhsNumberValidation } from './nhs-number';
