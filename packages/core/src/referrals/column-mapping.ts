/**
 * Turning a spreadsheet's header and rows into `ReferralInput`s, through a mapping from each field to the
 * column header that holds it. Values are read leniently (usual spellings, UK dates, spaces in numbers);
 * anything that cannot be read is reported with its spreadsheet row and column, never guessed.
 *
 * Rows are numbered as the spreadsheet shows them: the header is row 1 unless the reader says otherwise,
 * and a reader that skips blank rows passes the real row numbers (`options.rowNumbers`).
 */
import { REFERRAL_FIELD_LABELS } from './validate-referral';
import {
  parseClinicType,
  parseReferralPriority,
  parseReferralSource,
  parseSpreadsheetDate,
  parseTriageKind,
  spellingKey,
} from './values';
import type { ReferralField, ReferralInput, TriageInput } from './types';

/** Which column header holds each field. A field left out is not read (it is blank on every row). */
export type ReferralColumnMapping = Readonly<Partial<Record<ReferralField, string>>>;

/** The header names a trust's referral spreadsheet would have; matched ignoring case, spaces and punctuation. */
export const DEFAULT_REFERRAL_COLUMNS = {
  ...REFERRAL_FIELD_LABELS,
} as const satisfies Record<ReferralField, string>;

/**
 * Columns the file must have. The others (UBRN, e-RS dates, original clock start, ODS code, triage) only
 * matter for some rows, whose problems name the column if it is missing.
 */
export const REQUIRED_REFERRAL_COLUMNS = [
  'nhsNumber',
  'source',
  'receivedDate',
  'specialtyCode',
  'priority',
  'referrerName',
] as const satisfies readonly ReferralField[];

/** One problem in an import, where a person can find it. */
export interface ImportProblem {
  /** 1-based spreadsheet row; the header row (1) for problems with the columns or the file. */
  row: number;
  /** The column header as written in the file (or as mapped, if the file lacks it); null for the whole row. */
  column: string | null;
  field: ReferralField | null;
  message: string;
}

export interface MappedReferral {
  row: number;
  input: ReferralInput;
}

export interface MappedRows {
  records: MappedReferral[];
  /** Problems with the columns (on the header row) and values that could not be read. */
  problems: ImportProblem[];
  /** The header, as written in the file, of each field found. */
  columns: Partial<Record<ReferralField, string>>;
  /** Required fields without a usable column: reported once, so their rows do not repeat it. */
  missingFields: ReferralField[];
  /** Headers in the file that no field is mapped to (informational: patient name, notes …). */
  ignoredColumns: string[];
  headerRow: number;
}

export interface MapRowsOptions {
  /** The header's spreadsheet row number (default 1). */
  headerRow?: number;
  /** The spreadsheet row number of each row (default: header row + 1, + 2, …). */
  rowNumbers?: readonly number[];
}

const TEXT_FIELDS = [
  'nhsNumber',
  'ubrn',
  'specialtyCode',
  'referrerName',
  'referrerOrgCode',
] as const satisfies readonly ReferralField[];
const DATE_FIELDS = [
  'ersConversionDate',
  'asiWorklistDate',
  'receivedDate',
  'originalClockStart',
] as const satisfies readonly ReferralField[];

/** A cell value quoted in a message, shortened so a stray paragraph does not flood the report. */
function quote(value: string): string {
  return `'${value.length > 40 ? `${value.slice(0, 37)}...` : value}'`;
}

/**
 * Reads the rows of a referral spreadsheet into `ReferralInput`s.
 *
 * The header is matched to `mapping` ignoring case, spaces and punctuation ('NHS Number', 'nhs_number').
 * A required column that is missing, a header that matches twice, or one column mapped to two fields is
 * reported once, on the header row. Values: sources, priorities, clinic types and triage outcomes in their
 * usual spellings, any case ('GP letter', 'e-RS', 'URGENT', '2WW', 'two week wait', 'A&G'); dates as
 * YYYY-MM-DD or DD/MM/YYYY; blank cells are absent. Fully blank rows are skipped. Rule checks (valid NHS
 * number, UBRN only for e-RS …) are `validateReferral`'s, run by `validateImport`.
 */
export function mapRows(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  mapping: ReferralColumnMapping,
  options: MapRowsOptions = {},
): MappedRows {
  const headerRow = options.headerRow ?? 1;
  const problems: ImportProblem[] = [];
  const columns: Partial<Record<ReferralField, string>> = {};
  const missingFields: ReferralField[] = [];
  const index = new Map<ReferralField, number>();

  const byKey = new Map<string, number[]>();
  header.forEach((name, i) => {
    const key = spellingKey(name);
    if (key === '') return;
    byKey.set(key, [...(byKey.get(key) ?? []), i]);
  });

  const usedBy = new Map<number, ReferralField>();
  for (const field of Object.keys(DEFAULT_REFERRAL_COLUMNS) as ReferralField[]) {
    const name = mapping[field]?.trim() ?? '';
    const required = (REQUIRED_REFERRAL_COLUMNS as readonly ReferralField[]).includes(field);
    const label = REFERRAL_FIELD_LABELS[field];
    if (name === '') {
      if (required) {
        problems.push({
          row: headerRow,
          column: null,
          field,
          message: `Choose the column that holds the ${label}`,
        });
        missingFields.push(field);
      }
      continue;
    }
    const found = byKey.get(spellingKey(name)) ?? [];
    const [only, ...more] = found;
    if (only === undefined) {
      if (required) {
        problems.push({
          row: headerRow,
          column: name,
          field,
          message: `The file has no ${quote(name)} column`,
        });
        missingFields.push(field);
      }
      continue;
    }
    if (more.length > 0) {
      problems.push({
        row: headerRow,
        column: name,
        field,
        message: `The file has ${found.length} ${quote(name)} columns: keep one`,
      });
      missingFields.push(field);
      continue;
    }
    const other = usedBy.get(only);
    if (other !== undefined) {
      problems.push({
        row: headerRow,
        column: header[only] ?? name,
        field,
        message: `The ${quote(header[only] ?? name)} column is chosen for both ${REFERRAL_FIELD_LABELS[other]} and ${label}`,
      });
      missingFields.push(field);
      continue;
    }
    usedBy.set(only, field);
    index.set(field, only);
    columns[field] = header[only] ?? name;
  }
  const ignoredColumns = header.filter((name, i) => name.trim() !== '' && !usedBy.has(i));

  const records: MappedReferral[] = [];
  rows.forEach((cells, i) => {
    if (cells.every((c) => c.trim() === '')) return;
    const row = options.rowNumbers?.[i] ?? headerRow + 1 + i;
    const cell = (field: ReferralField): string | null => {
      const at = index.get(field);
      const value = at === undefined ? '' : (cells[at] ?? '').trim();
      return value === '' ? null : value;
    };
    const report = (field: ReferralField, message: string): null => {
      problems.push({ row, column: columns[field] ?? null, field, message });
      return null;
    };
    const choice = <T>(field: ReferralField, parse: (v: string) => T | null, use: string): T | null => {
      const value = cell(field);
      if (value === null) return null;
      return (
        parse(value) ??
        report(field, `${REFERRAL_FIELD_LABELS[field]} ${quote(value)} is not recognised: use ${use}`)
      );
    };

    const input: ReferralInput = {};
    for (const field of TEXT_FIELDS) input[field] = cell(field);
    for (const field of DATE_FIELDS) {
      const value = cell(field);
      if (value === null) {
        input[field] = null;
        continue;
      }
      const date = parseSpreadsheetDate(value);
      const label = REFERRAL_FIELD_LABELS[field];
      input[field] = date.ok
        ? date.date
        : report(
            field,
            date.reason === 'not-real'
              ? `${label} ${quote(value)} is not a real date`
              : `${label} ${quote(value)} is not a date: write it as DD/MM/YYYY`,
          );
    }
    input.source = choice(
      'source',
      parseReferralSource,
      'GP paper, e-RS, consultant to consultant, self-referral, inter-provider transfer, other professional or interface service',
    );
    const priorities = 'routine, urgent or two-week wait (2WW)';
    input.priority = choice('priority', parseReferralPriority, priorities);

    const triage: TriageInput = {
      kind: choice('triage', parseTriageKind, 'pending, accepted, rejected or advice and guidance (A&G)'),
      priority: choice('triage.priority', parseReferralPriority, priorities),
      clinicType: choice(
        'triage.clinicType',
        parseClinicType,
        'new, urgent new, two-week wait (2WW) or procedure',
      ),
      reason: cell('triage.reason'),
      note: cell('triage.note'),
    };
    const triageGiven = (
      ['triage', 'triage.priority', 'triage.clinicType', 'triage.reason', 'triage.note'] as const
    ).some((f) => cell(f) !== null);
    if (triageGiven) input.triage = triage;

    records.push({ row, input });
  });

  return { records, problems, columns, missingFields, ignoredColumns, headerRow };
}
