/**
 * A PTL extract's columns: the fields a row may hold, the headings looked for, and `mapPtlRows`, which finds the
 * columns (usual headings, or those the caller names) and reads the rows for `validatePtlImport` (`ptl-extract.ts`).
 */
import { matchColumns } from './columns';

export const PTL_FIELDS = [
  'nhsNumber',
  'localPatientId',
  'patientName',
  'familyName',
  'givenName',
  'dateOfBirth',
  'sex',
  'addressLine1',
  'addressLine2',
  'town',
  'postcode',
  'specialtyCode',
  'priority',
  'clockStart',
  'referralReceivedDate',
  'ppid',
  'ppidIssuer',
  'consultantCode',
  'bookingStatus',
  'bookedDate',
] as const;
export type PtlField = (typeof PTL_FIELDS)[number];

/** Each field's name in messages, and the heading looked for first. */
export const PTL_FIELD_LABELS = {
  nhsNumber: 'NHS number',
  localPatientId: 'Hospital number',
  patientName: 'Patient name',
  familyName: 'Family name',
  givenName: 'Given name',
  dateOfBirth: 'Date of birth',
  sex: 'Sex',
  addressLine1: 'Address line 1',
  addressLine2: 'Address line 2',
  town: 'Town',
  postcode: 'Postcode',
  specialtyCode: 'Specialty',
  priority: 'Priority',
  clockStart: 'Clock start',
  referralReceivedDate: 'Referral received date',
  ppid: 'PPID',
  ppidIssuer: 'PPID issuer',
  consultantCode: 'Consultant code',
  bookingStatus: 'Booking status',
  bookedDate: 'Booked date',
} as const satisfies Record<PtlField, string>;

/**
 * The headings PAS extracts use for each field, in order of preference (matched ignoring case, spaces and
 * punctuation). A bare 'Consultant' or 'Status' is not among them: in most extracts those hold a name or a
 * pathway status, not a registration code or a booking status (map them if they do).
 */
export const PTL_COLUMNS = {
  nhsNumber: ['NHS number', 'NHS No', 'Patient NHS number', 'NHSNumber'],
  localPatientId: [
    'Hospital number',
    'MRN',
    'Local patient ID',
    'Local patient identifier',
    'Patient ID',
    'PAS number',
    'PAS ID',
    'Case note number',
    'Hospital no',
    'Unit number',
  ],
  patientName: ['Patient name', 'Patient', 'Name', 'Full name', 'Patient full name'],
  familyName: ['Family name', 'Surname', 'Last name', 'Patient surname'],
  givenName: ['Given name', 'Forename', 'First name', 'Forenames', 'Given names', 'Patient forename'],
  dateOfBirth: ['Date of birth', 'DOB', 'Birth date', 'Patient date of birth'],
  sex: ['Sex', 'Gender', 'Patient sex', 'Stated gender'],
  addressLine1: ['Address line 1', 'Address 1', 'Address', 'Street'],
  addressLine2: ['Address line 2', 'Address 2'],
  town: ['Town', 'City', 'Town or city', 'Post town', 'Address line 3', 'Address 3'],
  postcode: ['Postcode', 'Post code', 'Postal code'],
  specialtyCode: [
    'Specialty',
    'Specialty code',
    'Treatment function code',
    'Treatment function',
    'TFC',
    'Specialty name',
    'Spec code',
  ],
  priority: ['Priority', 'Referral priority', 'Priority type', 'Urgency'],
  clockStart: [
    'Clock start',
    'Clock start date',
    'RTT clock start',
    'RTT start date',
    'RTT period start',
    'RTT start',
    'Pathway start date',
  ],
  referralReceivedDate: [
    'Referral received date',
    'Referral received',
    'Referral date',
    'Date received',
    'Received date',
    'Date referral received',
    'Referral request received date',
  ],
  ppid: [
    'PPID',
    'Patient pathway identifier',
    'Pathway identifier',
    'Pathway ID',
    'RTT pathway ID',
    'Patient pathway ID',
  ],
  ppidIssuer: ['PPID issuer', 'Pathway identifier issuer', 'PPID issuer code', 'Issuer'],
  consultantCode: [
    'Consultant code',
    'Consultant GMC code',
    'Consultant registration code',
    'GMC code',
    'Registration code',
    'Lead clinician code',
  ],
  bookingStatus: ['Booking status', 'Booked status', 'Planned or booked', 'Booked or planned'],
  bookedDate: ['Booked date', 'Appointment date', 'TCI date', 'Date booked for', 'Booked for'],
} as const satisfies Record<PtlField, readonly string[]>;

/** Columns every extract must have; the patient's name and sex are needed only to register a patient. */
export const REQUIRED_PTL_COLUMNS = [
  'nhsNumber',
  'dateOfBirth',
  'specialtyCode',
  'priority',
  'clockStart',
  'ppid',
] as const satisfies readonly PtlField[];

export type PtlColumnMapping = Readonly<Partial<Record<PtlField, string>>>;

/** One problem, where a person can find it: the spreadsheet row (the header row for the columns). */
export interface PtlProblem {
  row: number;
  /** The heading as written in the file (or as looked for, if the file lacks it); null for the whole row. */
  column: string | null;
  field: PtlField | null;
  message: string;
}

export interface PtlRecord {
  row: number;
  /** The row's non-blank values, trimmed, by field. */
  cells: Partial<Record<PtlField, string>>;
}

export interface MappedPtl {
  records: PtlRecord[];
  /** Problems with the columns, on the header row. */
  problems: PtlProblem[];
  /** The heading, as written in the file, of each field found. */
  columns: Partial<Record<PtlField, string>>;
  missingFields: PtlField[];
  ignoredColumns: string[];
  headerRow: number;
}

export interface MapPtlOptions {
  headerRow?: number;
  rowNumbers?: readonly number[];
}

/** Reads an extract's rows through its columns (see `PTL_COLUMNS`); values are checked by `validatePtlImport`. */
export function mapPtlRows(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  mapping: PtlColumnMapping = {},
  options: MapPtlOptions = {},
): MappedPtl {
  const headerRow = options.headerRow ?? 1;
  const matched = matchColumns(header, PTL_COLUMNS, mapping, REQUIRED_PTL_COLUMNS, PTL_FIELD_LABELS);
  const records: PtlRecord[] = [];
  rows.forEach((values, i) => {
    if (values.every((v) => v.trim() === '')) return;
    const cells: Partial<Record<PtlField, string>> = {};
    for (const [field, at] of matched.index) {
      const value = (values[at] ?? '').trim();
      if (value !== '') cells[field] = value;
    }
    records.push({ row: options.rowNumbers?.[i] ?? headerRow + 1 + i, cells });
  });
  return {
    records,
    problems: matched.problems.map((p) => ({ row: headerRow, ...p })),
    columns: matched.columns,
    missingFields: matched.missing,
    ignoredColumns: matched.ignored,
    headerRow,
  };
}

/** A pathway's identifier with its issuer, as one key. */
export const ppidKey = (issuer: string, ppid: string): string => `${issuer}|${ppid}`;
