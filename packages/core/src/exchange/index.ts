export {
  headingKey,
  parseExchangeDate,
  SEX_SPELLINGS,
  parseSex,
  BOOKING_STATUSES,
  BOOKING_STATUS_SPELLINGS,
  parseBookingStatus,
  SPECIALTY_NAME_CODES,
  resolveSpecialty,
  odsCodeIn,
  normalisePostcode,
  splitPatientName,
} from './values';
export type { BookingStatus, SpecialtyRef, SpecialtyMatch } from './values';
export { matchColumns, pickHeading } from './columns';
export type { ColumnProblem, MatchedColumns } from './columns';
export {
  ERS_WORKLIST_FIELDS,
  ERS_WORKLIST_LABELS,
  ERS_WORKLIST_COLUMNS,
  ERS_SOURCE_HEADING,
  ERS_RECEIVED_HEADING,
  prepareErsWorklist,
  ersPatientProblems,
} from './ers-worklist';
export type {
  ErsWorklistField,
  ErsWorklistMapping,
  ErsRowPatient,
  PreparedWorklist,
  PrepareWorklistOptions,
} from './ers-worklist';
export {
  PTL_FIELDS,
  PTL_FIELD_LABELS,
  PTL_COLUMNS,
  REQUIRED_PTL_COLUMNS,
  mapPtlRows,
  ppidKey,
} from './ptl-columns';
export type {
  PtlField,
  PtlColumnMapping,
  PtlProblem,
  PtlRecord,
  MappedPtl,
  MapPtlOptions,
} from './ptl-columns';
export { ptlLookups, validatePtlImport } from './ptl-extract';
export type {
  PtlLookups,
  PtlContext,
  NewPtlPatient,
  ValidPtlRow,
  PtlImportSummary,
  PtlValidation,
} from './ptl-extract';
export {
  MAX_EXPORT_RANGE_DAYS,
  MAX_EXPORT_ROWS,
  checkExportRange,
  ACTIVITY_KINDS,
  ACTIVITY_LABELS,
  APPOINTMENT_STATUS_LABELS,
  CLINIC_OUTCOME_LABELS,
  labelFor,
  appointmentActivity,
  ACTIVITY_STOP_CODES,
  rttStatusDescription,
} from './exports';
export type { RangeProblem, ActivityKind } from './exports';
