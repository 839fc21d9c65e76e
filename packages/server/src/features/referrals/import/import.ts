/**
 * A bulk referral import, all or nothing: read the file (CSV or Excel), map its columns, check every row
 * (core's rules, registered patients, duplicates within the file and against what is held), then either store
 * every row in one transaction or store none and report every problem with its row and column. A dry run
 * checks and reports without writing anything. A refused import is recorded (file name, rows, problems), so
 * the history of imports says which went in and which did not.
 */
import {
  DEFAULT_DUPLICATE_WINDOW_DAYS,
  DEFAULT_REFERRAL_COLUMNS,
  mapRows,
  type ReferralColumnMapping,
} from '@pathflow/core';
import type { Database } from '../../../db/client';
import type { RequestContext } from '../../../auth/principal';
import { AppError } from '../../../errors';
import { checkImport, storeImport, type ImportReport } from './check';
import { ImportFileError, readReferralFile, type ImportFileErrorCode } from './read-file';

export interface ImportRequest {
  fileName: string;
  /** The file's bytes. */
  content: Buffer;
  /** Column header for each field, over the usual headers (`DEFAULT_REFERRAL_COLUMNS`). */
  mapping?: ReferralColumnMapping | undefined;
  sheet?: string | undefined;
  dryRun?: boolean | undefined;
  /** Spreadsheet rows a person has checked and confirmed are separate referrals, not duplicates. */
  allowDuplicateRows?: readonly number[] | undefined;
  duplicateWindowDays?: number | undefined;
}

/** Which part of the request a file problem points at. */
const FILE_ERROR_FIELD: Record<ImportFileErrorCode, string> = {
  'unsupported-file-type': '/body/fileName',
  'sheet-not-found': '/body/sheet',
  'empty-file': '/body/content',
  'file-too-large': '/body/content',
  'too-many-rows': '/body/content',
  'not-utf8': '/body/content',
  'unreadable-file': '/body/content',
  'no-header': '/body/content',
  'no-rows': '/body/content',
  'unnamed-column': '/body/content',
};

/**
 * Runs an import (see the module comment). Answers the report when the file was imported or was a dry run;
 * throws `import_refused` (422) carrying the same report when any row has a problem, and `validation_failed`
 * (400) when the file cannot be read as a table at all.
 */
export async function importReferrals(
  db: Database,
  ctx: RequestContext,
  request: ImportRequest,
): Promise<ImportReport> {
  let file;
  try {
    file = await readReferralFile(
      request.content,
      request.fileName,
      request.sheet === undefined ? {} : { sheet: request.sheet },
    );
  } catch (err) {
    if (!(err instanceof ImportFileError)) throw err;
    throw new AppError('validation_failed', `${err.message}. Nothing was imported.`, {
      errors: [{ field: FILE_ERROR_FIELD[err.code], message: err.message }],
    });
  }
  const mapping: ReferralColumnMapping = { ...DEFAULT_REFERRAL_COLUMNS, ...request.mapping };
  const mapped = mapRows(file.header, file.rows, mapping, {
    headerRow: file.headerRow,
    rowNumbers: file.rowNumbers,
  });
  const options = {
    allowDuplicateRows: new Set(request.allowDuplicateRows ?? []),
    duplicateWindowDays: request.duplicateWindowDays ?? DEFAULT_DUPLICATE_WINDOW_DAYS,
  };
  const dryRun = request.dryRun === true;

  const { checked, importId } = await db.transaction(async (tx) => {
    const result = await checkImport(tx, ctx, mapped, options);
    const id = dryRun ? null : await storeImport(tx, ctx, request.fileName, result);
    return { checked: result, importId: id };
  });
  const { validation } = checked;
  const report: ImportReport = {
    importId,
    fileName: request.fileName,
    sheet: file.sheet ?? null,
    dryRun,
    imported: !dryRun && validation.ok,
    rows: validation.summary.rows,
    importedRows: !dryRun && validation.ok ? validation.valid.length : 0,
    summary:
      !dryRun && validation.ok
        ? {
            ...validation.summary,
            message:
              validation.valid.length === 1
                ? 'The referral was imported.'
                : `All ${validation.valid.length} referrals were imported.`,
          }
        : validation.summary,
    problems: validation.problems,
    duplicates: validation.duplicates,
    columns: mapped.columns,
    ignoredColumns: mapped.ignoredColumns,
  };
  if (!dryRun && !validation.ok) {
    throw new AppError('import_refused', validation.summary.message, { extensions: { report } });
  }
  return report;
}
