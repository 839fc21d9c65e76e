/**
 * Checking a whole import: every row through `validateReferral`, then duplicates within the file and
 * against referrals already held. All or nothing: `ok` is true only when no row has a problem and no
 * duplicate blocks, and then every row is to be imported; otherwise none is, and the report says why.
 *
 * Duplicates (reported, never merged):
 * - `ubrn`: the same UBRN twice in the file, or a UBRN already held;
 * - `patient-specialty`: the same NHS number and specialty with received dates at most
 *   `duplicateWindowDays` apart (default 28 [INFERRED]: a GP re-sending a referral, or sending it on paper
 *   and by e-RS, does so within weeks; a longer window flags genuine re-referrals too).
 * Within the file the later row is reported, naming the earlier. A duplicate blocks the import unless its
 * row is in `allowDuplicateRows` (a person has looked and confirmed it is a separate referral: an e-RS
 * referral can come back under the same UBRN after a rejection, §1.3 S3); it is still reported.
 * Only rows that are otherwise valid are checked for duplicates.
 */
import { isoToEpochDay } from '../rtt/epoch-day';
import { normaliseNhsNumber } from '../nhs-number/nhs-number';
import { formatUkDate } from '../time/format';
import { parsePlainDate } from '../time/plain-date';
import type { ImportProblem, MappedRows } from './column-mapping';
import { sortByField, validateReferral } from './validate-referral';
import type { ReferralContext, ReferralField, ValidReferral } from './types';

export const DEFAULT_DUPLICATE_WINDOW_DAYS = 28;

/** What is already held, to check the import against. */
export interface ExistingReferrals {
  /** UBRNs already held (12 digits). */
  ubrns: ReadonlySet<string>;
  /** Recent referrals (at least those received within the window of the import's dates). */
  recent: readonly { nhsNumber: string; specialtyCode: string; receivedDate: string }[];
}

export const DUPLICATE_KINDS = ['ubrn', 'patient-specialty'] as const;
export type DuplicateKind = (typeof DUPLICATE_KINDS)[number];

export interface ReferralDuplicate {
  row: number;
  kind: DuplicateKind;
  /** The earlier row of the file it duplicates. */
  withRow?: number;
  /** True when it duplicates a referral already held. */
  existing?: true;
  message: string;
}

export interface ImportDuplicate extends ReferralDuplicate {
  /** The column that shows it: the UBRN or the NHS number column (null when not from a file). */
  column: string | null;
  /** False when it blocks the import; true when its row is in `allowDuplicateRows`. */
  allowed: boolean;
}

export interface ValidImportRow {
  row: number;
  referral: ValidReferral;
}

export interface ImportValidationOptions {
  duplicateWindowDays?: number;
  /** Rows confirmed as separate referrals: their duplicates are reported but do not block. */
  allowDuplicateRows?: ReadonlySet<number>;
}

export interface ImportSummary {
  rows: number;
  rowsWithProblems: number;
  problems: number;
  /** Duplicates that block the import. */
  blockingDuplicates: number;
  /** One sentence for the person importing, e.g. "All 12 referrals can be imported." */
  message: string;
}

export interface ImportValidation {
  /** True only when every row can be imported; then import all of `valid`, otherwise import nothing. */
  ok: boolean;
  /** The rows that passed every rule (all of them when `ok`). */
  valid: ValidImportRow[];
  /** Every problem, by row then column. */
  problems: ImportProblem[];
  duplicates: ImportDuplicate[];
  summary: ImportSummary;
}

/** The rows to validate: `mapRows`' result, or records built another way (an API's JSON body). */
export type ImportRows = Pick<MappedRows, 'records'> &
  Partial<Pick<MappedRows, 'problems' | 'columns' | 'missingFields' | 'headerRow'>>;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function ukDate(iso: string): string {
  return formatUkDate(parsePlainDate(iso));
}

function apart(days: number): string {
  return days === 0 ? 'on the same day' : `${plural(days, 'day')} apart`;
}

interface Dated {
  day: number;
}

/** Index of the first entry of a day-sorted list whose day is at least `day` (or after it, if `after`). */
function bound(list: readonly Dated[], day: number, after: boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const d = list[mid]?.day ?? Infinity;
    if (d < day || (after && d === day)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The entry of a day-sorted list received nearest `day`, if within `window` days: on a tie the earlier
 * date; among entries of the same day, the first added.
 */
function nearest<T extends Dated>(
  list: readonly T[] | undefined,
  day: number,
  window: number,
): T | undefined {
  if (list === undefined) return undefined;
  const i = bound(list, day, false);
  const later = list[i];
  // The first entry of the day before: step back over entries of the same earlier day.
  const before = list[i - 1];
  const earlier = before === undefined ? undefined : list[bound(list, before.day, false)];
  const gap = (e: T | undefined): number => (e === undefined ? Infinity : Math.abs(e.day - day));
  const best = gap(earlier) <= gap(later) ? earlier : later;
  return gap(best) <= window ? best : undefined;
}

/**
 * Duplicates among referrals (in row order) and against those already held; see the module comment.
 * Also usable for a single referral entered through the API (pass it as row 1).
 */
export function findReferralDuplicates(
  referrals: readonly {
    row: number;
    referral: Pick<ValidReferral, 'nhsNumber' | 'specialtyCode' | 'receivedDate' | 'ubrn'>;
  }[],
  existing: ExistingReferrals,
  duplicateWindowDays: number = DEFAULT_DUPLICATE_WINDOW_DAYS,
): ReferralDuplicate[] {
  if (!Number.isInteger(duplicateWindowDays) || duplicateWindowDays < 0) {
    throw new RangeError(`duplicateWindowDays must be a whole number of days, got ${duplicateWindowDays}`);
  }
  const key = (nhsNumber: string, specialtyCode: string): string =>
    `${normaliseNhsNumber(nhsNumber) ?? nhsNumber}|${specialtyCode.trim()}`;

  const held = new Map<string, { day: number; date: string }[]>();
  for (const r of existing.recent) {
    const day = isoToEpochDay(r.receivedDate);
    if (Number.isNaN(day)) continue;
    const k = key(r.nhsNumber, r.specialtyCode);
    const list = held.get(k);
    if (list) list.push({ day, date: r.receivedDate });
    else held.set(k, [{ day, date: r.receivedDate }]);
  }
  for (const list of held.values()) list.sort((a, b) => a.day - b.day);

  const duplicates: ReferralDuplicate[] = [];
  const ubrnRows = new Map<string, number>();
  const fileRows = new Map<string, { row: number; day: number }[]>();
  for (const { row, referral } of referrals) {
    let ubrnDuplicateOf: number | 'existing' | null = null;
    const { ubrn } = referral;
    if (ubrn !== null) {
      const earlier = ubrnRows.get(ubrn);
      if (existing.ubrns.has(ubrn)) {
        ubrnDuplicateOf = 'existing';
        duplicates.push({
          row,
          kind: 'ubrn',
          existing: true,
          message: `A referral with UBRN ${ubrn} is already held`,
        });
      } else if (earlier !== undefined) {
        ubrnDuplicateOf = earlier;
        duplicates.push({
          row,
          kind: 'ubrn',
          withRow: earlier,
          message: `UBRN ${ubrn} is also on row ${earlier}`,
        });
      }
      if (earlier === undefined) ubrnRows.set(ubrn, row);
    }

    const day = isoToEpochDay(referral.receivedDate);
    if (Number.isNaN(day)) continue;
    const k = key(referral.nhsNumber, referral.specialtyCode);
    const heldMatch =
      ubrnDuplicateOf === 'existing' ? undefined : nearest(held.get(k), day, duplicateWindowDays);
    if (heldMatch) {
      duplicates.push({
        row,
        kind: 'patient-specialty',
        existing: true,
        message: `Possible duplicate: this patient already has a specialty ${referral.specialtyCode} referral received on ${ukDate(heldMatch.date)}`,
      });
    }
    const fileMatch = nearest(fileRows.get(k), day, duplicateWindowDays);
    if (fileMatch && fileMatch.row !== ubrnDuplicateOf) {
      duplicates.push({
        row,
        kind: 'patient-specialty',
        withRow: fileMatch.row,
        message: `Possible duplicate of row ${fileMatch.row}: same patient and specialty ${referral.specialtyCode}, received ${apart(Math.abs(fileMatch.day - day))}`,
      });
    }
    // Kept sorted by day (rows of the same day in row order) for `nearest`.
    const sameKey = fileRows.get(k);
    if (sameKey) sameKey.splice(bound(sameKey, day, true), 0, { row, day });
    else fileRows.set(k, [{ row, day }]);
  }
  return duplicates;
}

function summarise(
  rows: number,
  problems: readonly ImportProblem[],
  blockingDuplicates: number,
): ImportSummary {
  const rowsWithProblems = new Set(problems.map((p) => p.row)).size;
  let message: string;
  if (problems.length === 0 && blockingDuplicates === 0) {
    message = rows === 1 ? 'The referral can be imported.' : `All ${rows} referrals can be imported.`;
  } else {
    const parts: string[] = [];
    if (problems.length > 0) {
      parts.push(`${plural(problems.length, 'problem')} in ${plural(rowsWithProblems, 'row')}`);
    }
    if (blockingDuplicates > 0) parts.push(plural(blockingDuplicates, 'possible duplicate'));
    message = `No referrals will be imported: there ${problems.length + blockingDuplicates === 1 ? 'is' : 'are'} ${parts.join(' and ')}. Correct the file and import it again.`;
  }
  return { rows, rowsWithProblems, problems: problems.length, blockingDuplicates, message };
}

/**
 * Validates every row of an import and finds duplicates; see the module comment. Problems that `mapRows`
 * already reported (an unreadable value, a missing column) are not repeated by the rule checks.
 */
export function validateImport(
  rows: ImportRows,
  context: ReferralContext,
  existing: ExistingReferrals,
  options: ImportValidationOptions = {},
): ImportValidation {
  const columns = rows.columns ?? {};
  const headerRow = rows.headerRow ?? 1;
  const problems: ImportProblem[] = [...(rows.problems ?? [])];
  const missing = new Set<ReferralField>(rows.missingFields ?? []);
  const reported = new Set(problems.map((p) => `${p.row}|${p.field}`));
  // An unreadable triage outcome would make its other triage cells look out of place: say it once.
  const alreadyReported = (row: number, field: ReferralField): boolean =>
    missing.has(field) ||
    reported.has(`${row}|${field}`) ||
    (field.startsWith('triage.') && reported.has(`${row}|triage`));

  const valid: ValidImportRow[] = [];
  for (const { row, input } of rows.records) {
    const result = validateReferral(input, context);
    if (result.ok) {
      valid.push({ row, referral: result.referral });
      continue;
    }
    for (const error of result.errors) {
      if (alreadyReported(row, error.field)) continue;
      problems.push({
        row,
        column: columns[error.field] ?? null,
        field: error.field,
        message: error.message,
      });
    }
  }
  if (rows.records.length === 0) {
    problems.push({ row: headerRow, column: null, field: null, message: 'There are no referrals to import' });
  }

  // Rows with problems are left out of `valid`, so they are not checked for duplicates.
  const invalidRows = new Set(problems.map((p) => p.row));
  const allowed = options.allowDuplicateRows ?? new Set<number>();
  const duplicates: ImportDuplicate[] = findReferralDuplicates(
    valid.filter((v) => !invalidRows.has(v.row)),
    existing,
    options.duplicateWindowDays,
  ).map((d) => ({
    ...d,
    column: (d.kind === 'ubrn' ? columns.ubrn : columns.nhsNumber) ?? null,
    allowed: allowed.has(d.row),
  }));

  const sorted = sortByField(problems).sort((a, b) => a.row - b.row);
  const blocking = duplicates.filter((d) => !d.allowed).length;
  return {
    ok: sorted.length === 0 && blocking === 0,
    valid: valid.filter((v) => !invalidRows.has(v.row)),
    problems: sorted,
    duplicates,
    summary: summarise(rows.records.length, sorted, blocking),
  };
}
