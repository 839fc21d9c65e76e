/**
 * e-RS worklist exports ("Referrals for Review", "Appointment Slot Issues") as referral imports (spec §1.3 S3,
 * §7.4). A worklist is read by the bulk referral import (`mapRows`, `validateImport`), so the same intake
 * rules, duplicate checks and all-or-nothing import apply; this module only turns the worklist into the rows
 * that import reads:
 *
 * - its headings ('NHS No.', 'Date Converted', 'Date added to worklist' …) are matched to referral fields
 *   through `ERS_WORKLIST_COLUMNS`, the e-RS preset (the caller may name other headings);
 * - every row is an e-RS referral: a column of 'e-RS' is added for the referral source, and, when the
 *   worklist has no received date, an empty one (an e-RS referral's received date defaults to its clock
 *   start, the UBRN conversion or ASI date, whichever is earlier);
 * - values are tidied as e-RS writes them: dates with month names ('03-Nov-2026'), the referring
 *   organisation's ODS code from its name ('Riverside Surgery (B86001)'; a name without a code is left out),
 *   and the specialty by its name ('Orthopaedics') or code, matched to the organisation's specialties;
 * - the patient's date of birth, when the worklist has it, is kept to check against the registered patient
 *   (`ersPatientProblems`): a mismatch is a problem, never a silent change.
 */
import { formatNhsNumber, validateNhsNumber } from '../nhs-number/nhs-number';
import type { ImportProblem, ReferralColumnMapping } from '../referrals/column-mapping';
import { REFERRAL_FIELD_LABELS } from '../referrals/validate-referral';
import type { ReferralField } from '../referrals/types';
import { pickHeading } from './columns';
import { odsCodeIn, parseExchangeDate, resolveSpecialty, type SpecialtyRef } from './values';

/** The worklist columns read (the referral source is not one: it is e-RS for every row). */
export const ERS_WORKLIST_FIELDS = [
  'ubrn',
  'nhsNumber',
  'dateOfBirth',
  'priority',
  'specialtyCode',
  'ersConversionDate',
  'asiWorklistDate',
  'receivedDate',
  'referrerName',
  'referrerOrgCode',
] as const;
export type ErsWorklistField = (typeof ERS_WORKLIST_FIELDS)[number];

/** The heading of each field, where the worklist does not use the usual ones. */
export type ErsWorklistMapping = Readonly<Partial<Record<ErsWorklistField, string>>>;

export const ERS_WORKLIST_LABELS = {
  ...REFERRAL_FIELD_LABELS,
  dateOfBirth: 'Date of birth',
} as const satisfies Record<ErsWorklistField, string>;

/**
 * The e-RS preset: the headings an e-RS worklist export uses for each field, in order of preference, matched
 * ignoring case, spaces and punctuation [INFERRED: the headings of the e-RS worklist CSV downloads; some
 * vary between worklists and releases, hence the alternatives].
 */
export const ERS_WORKLIST_COLUMNS = {
  ubrn: ['UBRN', 'Unique Booking Reference Number', 'Booking Reference Number'],
  nhsNumber: ['NHS No.', 'NHS Number', 'Patient NHS Number', 'NHS No'],
  dateOfBirth: ['Date of Birth', 'DOB', 'Birth Date', 'Patient Date of Birth'],
  priority: ['Priority', 'Referral Priority', 'Urgency'],
  specialtyCode: ['Specialty', 'Specialty Code', 'Treatment Function', 'Treatment Function Code'],
  ersConversionDate: [
    'Conversion Date',
    'Date Converted',
    'UBRN Conversion Date',
    'Converted Date',
    'Date Booked',
  ],
  asiWorklistDate: [
    'ASI Date',
    'Date added to worklist',
    'Date Added to ASI Worklist',
    'ASI Worklist Date',
    'Added to Worklist',
    'Date Deferred',
    'Date Deferred to Provider',
  ],
  receivedDate: ['Date Received', 'Received Date', 'Referral Received Date', 'Date Referral Received'],
  referrerName: ['Referring Clinician', 'Referrer', 'Referring Clinician Name', 'Requesting Clinician'],
  referrerOrgCode: [
    'Referring Organisation',
    'Referring Organisation Code',
    'Referring Organization',
    'Referring Org',
    'Referring Practice',
    'Referrer ODS Code',
  ],
} as const satisfies Record<ErsWorklistField, readonly string[]>;

/** The heading of the column added for the referral source, and for a missing received date. */
export const ERS_SOURCE_HEADING = 'Referral source (e-RS, added by Pathflow)';
export const ERS_RECEIVED_HEADING = 'Received date (not in the worklist)';

export interface ErsRowPatient {
  row: number;
  /** The NHS number when it is valid (10 digits), else null (the referral rules report it). */
  nhsNumber: string | null;
  /** The date of birth when the worklist has one that can be read. */
  dateOfBirth: string | null;
}

export interface PreparedWorklist {
  /** The worklist's header with the added columns (source, and received date when missing). */
  header: string[];
  /** Its rows, values tidied, with the added columns. */
  rows: string[][];
  /** For `mapRows`: the heading of each referral field. */
  mapping: ReferralColumnMapping;
  /** Fields read from an added column: not the worklist's own (leave them out of a report's columns). */
  added: ReferralField[];
  /** Problems with the columns (header row) and values that cannot be read. */
  problems: ImportProblem[];
  /** Fields with no usable column: `validateImport` should not repeat that on each row. */
  missingFields: ReferralField[];
  /** The date of birth heading, when the worklist has one. */
  dateOfBirthColumn: string | null;
  /** Each row's patient, to check against the registered patient. */
  patients: ErsRowPatient[];
}

export interface PrepareWorklistOptions {
  mapping?: ErsWorklistMapping | undefined;
  /** The organisation's specialties, to match names ('Orthopaedics') to their codes. */
  specialties: readonly SpecialtyRef[];
  headerRow?: number;
  rowNumbers?: readonly number[];
}

const DATE_FIELDS = ['ersConversionDate', 'asiWorklistDate', 'receivedDate'] as const;

function quote(value: string): string {
  return `'${value.length > 40 ? `${value.slice(0, 37)}...` : value}'`;
}

/** Turns an e-RS worklist into the rows the referral import reads; see the module comment. */
export function prepareErsWorklist(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: PrepareWorklistOptions,
): PreparedWorklist {
  const headerRow = options.headerRow ?? 1;
  const named = options.mapping ?? {};
  const problems: ImportProblem[] = [];
  const missingFields: ReferralField[] = [];
  const mapping: Record<string, string> = {};
  const found: Partial<Record<ErsWorklistField, number>> = {};

  for (const field of ERS_WORKLIST_FIELDS) {
    const heading = pickHeading(header, ERS_WORKLIST_COLUMNS[field], named[field]);
    if (heading !== null) found[field] = header.indexOf(heading);
    if (field === 'dateOfBirth') continue;
    // A missing column is `mapRows`' to report when the referral import needs it: name what was looked for.
    mapping[field] = heading ?? named[field]?.trim() ?? ERS_WORKLIST_COLUMNS[field][0];
  }
  if (named.dateOfBirth !== undefined && found.dateOfBirth === undefined) {
    problems.push({
      row: headerRow,
      column: named.dateOfBirth,
      field: null,
      message: `The file has no ${quote(named.dateOfBirth)} column`,
    });
  }
  if (found.ubrn === undefined) {
    problems.push({
      row: headerRow,
      column: mapping.ubrn ?? null,
      field: 'ubrn',
      message: `The file has no ${quote(mapping.ubrn ?? 'UBRN')} column: every e-RS referral needs its UBRN`,
    });
    missingFields.push('ubrn');
  }
  if (found.ersConversionDate === undefined && found.asiWorklistDate === undefined) {
    problems.push({
      row: headerRow,
      column: null,
      field: 'ersConversionDate',
      message: `The file has neither a ${quote(mapping.ersConversionDate ?? '')} nor an ${quote(mapping.asiWorklistDate ?? '')} column: the RTT clock starts on one of those dates`,
    });
    missingFields.push('ersConversionDate');
  }

  const added: ReferralField[] = ['source'];
  const extra = [ERS_SOURCE_HEADING];
  mapping.source = ERS_SOURCE_HEADING;
  const addReceived = found.receivedDate === undefined && named.receivedDate === undefined;
  if (addReceived) {
    extra.push(ERS_RECEIVED_HEADING);
    mapping.receivedDate = ERS_RECEIVED_HEADING;
    added.push('receivedDate');
  }

  const patients: ErsRowPatient[] = [];
  const tidied = rows.map((cells, i) => {
    const row = options.rowNumbers?.[i] ?? headerRow + 1 + i;
    const out = [...cells];
    const at = (field: ErsWorklistField): number | undefined => found[field];
    const value = (field: ErsWorklistField): string => {
      const index = at(field);
      return index === undefined ? '' : (out[index] ?? '').trim();
    };
    const set = (field: ErsWorklistField, next: string) => {
      const index = at(field);
      if (index !== undefined) out[index] = next;
    };
    const blankRow = cells.every((c) => c.trim() === '');

    for (const field of DATE_FIELDS) {
      const v = value(field);
      if (v === '') continue;
      const date = parseExchangeDate(v);
      if (date.ok) set(field, date.date);
    }
    const org = value('referrerOrgCode');
    if (org !== '') set('referrerOrgCode', odsCodeIn(org) ?? '');
    const specialty = value('specialtyCode');
    if (specialty !== '' && !blankRow) {
      const match = resolveSpecialty(specialty, options.specialties);
      const column = header[at('specialtyCode')!] ?? null;
      if (match.ok) set('specialtyCode', match.code);
      else if (match.reason === 'not-ours' && match.code === specialty) set('specialtyCode', match.code);
      else {
        problems.push({
          row,
          column,
          field: 'specialtyCode',
          message:
            match.reason === 'not-ours'
              ? `Specialty ${quote(specialty)} (treatment function ${match.code}) is not one of your organisation's specialties`
              : `Specialty ${quote(specialty)} is not recognised: use the treatment function code, like 110, or the name of one of your organisation's specialties`,
        });
      }
    }

    if (!blankRow) {
      const nhs = validateNhsNumber(value('nhsNumber'));
      let dateOfBirth: string | null = null;
      const dob = value('dateOfBirth');
      if (dob !== '') {
        const date = parseExchangeDate(dob);
        if (date.ok) dateOfBirth = date.date;
        else {
          problems.push({
            row,
            column: header[at('dateOfBirth')!] ?? null,
            field: null,
            message:
              date.reason === 'not-real'
                ? `Date of birth ${quote(dob)} is not a real date`
                : `Date of birth ${quote(dob)} is not a date: write it as DD/MM/YYYY`,
          });
        }
      }
      patients.push({ row, nhsNumber: nhs.valid ? nhs.value : null, dateOfBirth });
    }

    out.push(blankRow ? '' : 'e-RS');
    if (addReceived) out.push('');
    return out;
  });

  return {
    header: [...header, ...extra],
    rows: tidied,
    mapping,
    added,
    problems,
    missingFields,
    dateOfBirthColumn: found.dateOfBirth === undefined ? null : (header[found.dateOfBirth] ?? null),
    patients,
  };
}

/**
 * Dates of birth on the worklist that differ from the registered patient's: a problem on each such row
 * (the record is not changed, and the registered date is not shown: look the patient up to compare).
 * `registered` holds the registered patients' dates of birth by NHS number.
 */
export function ersPatientProblems(
  prepared: Pick<PreparedWorklist, 'patients' | 'dateOfBirthColumn'>,
  registered: ReadonlyMap<string, string>,
): ImportProblem[] {
  const problems: ImportProblem[] = [];
  for (const p of prepared.patients) {
    if (p.nhsNumber === null || p.dateOfBirth === null) continue;
    const held = registered.get(p.nhsNumber);
    if (held === undefined || held === p.dateOfBirth) continue;
    problems.push({
      row: p.row,
      column: prepared.dateOfBirthColumn,
      field: null,
      message: `Date of birth does not match the patient registered with NHS number ${formatNhsNumber(p.nhsNumber)}: check the NHS number and the date of birth`,
    });
  }
  return problems;
}
