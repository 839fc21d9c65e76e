export {
  REFERRAL_SOURCES,
  REFERRAL_SOURCE_NAMES,
  REFERRAL_PRIORITIES,
  REFERRAL_PRIORITY_NAMES,
  CLINIC_TYPES,
  TRIAGE_KINDS,
  REFERRAL_FIELDS,
} from './types';
export type {
  ReferralSource,
  ReferralPriority,
  ClinicType,
  TriageKind,
  TriageOutcome,
  TriageInput,
  ReferralInput,
  ReferralField,
  ReferralError,
  ReferralContext,
  ValidReferral,
  ReferralValidation,
} from './types';
export {
  EARLIEST_REFERRAL_DATE,
  MAX_REFERRER_NAME_LENGTH,
  MAX_TRIAGE_TEXT_LENGTH,
  NOT_TWO_WEEK_WAIT_SOURCES,
  UBRN_SOURCES,
  ORIGINAL_CLOCK_START_SOURCES,
  REFERRAL_FIELD_LABELS,
  validateReferral,
  referralRttSource,
} from './validate-referral';
export {
  REFERRAL_SOURCE_SPELLINGS,
  REFERRAL_PRIORITY_SPELLINGS,
  CLINIC_TYPE_SPELLINGS,
  TRIAGE_KIND_SPELLINGS,
  spellingKey,
  parseReferralSource,
  parseReferralPriority,
  parseClinicType,
  parseTriageKind,
  parseSpreadsheetDate,
} from './values';
export type { SpreadsheetDate } from './values';
export { DEFAULT_REFERRAL_COLUMNS, REQUIRED_REFERRAL_COLUMNS, mapRows } from './column-mapping';
export type {
  ReferralColumnMapping,
  ImportProblem,
  MappedReferral,
  MappedRows,
  MapRowsOptions,
} from './column-mapping';
export {
  DEFAULT_DUPLICATE_WINDOW_DAYS,
  DUPLICATE_KINDS,
  findReferralDuplicates,
  validateImport,
} from './validate-import';
export type {
  ExistingReferrals,
  DuplicateKind,
  ReferralDuplicate,
  ImportDuplicate,
  ValidImportRow,
  ImportValidationOptions,
  ImportSummary,
  ImportValidation,
  ImportRows,
} from './validate-import';
