/**
 * A bulk referral import, all or nothing: read the file (CSV or Excel), map its columns, check every row
 * (core's rules, registered patients, duplicates within the file and against what is held), then either store
 * every row in one transaction or store none and report every problem with its row and column. A dry run
 * checks and reports without writing anything. A refused import is recorded (file name, rows, problems), so
 * the history of imports says which went in and which did not.
 */
import { DEFAULT_REFERRAL_COLUMNS, mapRows, type ReferralColumnMapping } from '@pathflow/core';
import type { Database } from '../../../db/client';
import type { RequestContext } from '../../../auth/principal';
import { checkImport, duplicateOptions, referralImportReport, storeImport, type ImportReport } from './check';
import { readUpload } from './upload';

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
  const file = await readUpload(request.content, request.fileName, request.sheet, 'referrals');
  const mapping: ReferralColumnMapping = { ...DEFAULT_REFERRAL_COLUMNS, ...request.mapping };
  const mapped = mapRows(file.header, file.rows, mapping, {
    headerRow: file.headerRow,
    rowNumbers: file.rowNumbers,
  });
  const options = duplicateOptions(request);
  const dryRun = request.dryRun === true;

  const { checked, importId } = await db.transaction(async (tx) => {
    const result = await checkImport(tx, ctx, mapped, options);
    const id = dryRun ? null : await storeImport(tx, ctx, request.fileName, result);
    return { checked: result, importId: id };
  });
  return referralImportReport(
    { importId, fileName: request.fileName, sheet: file.sheet, dryRun },
    checked.validation,
    mapped.columns,
    mapped.ignoredColumns,
  );
}
