/**
 * Importing an e-RS worklist export through the bulk referral import: the worklist is turned into referral rows
 * by core's e-RS preset (`prepareErsWorklist`: source e-RS on every row, e-RS headings, dates and values), and
 * then checked and stored by the referral import's own steps (`checkImport`, `storeImport`), so the same intake
 * rules, registered-patient and duplicate checks, all-or-nothing storage, dry run and import history apply.
 * Besides, a date of birth on the worklist that differs from the registered patient's is a problem.
 * The RTT clock of each referral starts on its UBRN conversion or ASI date (§1.3 S3).
 */
import { and, eq, inArray } from 'drizzle-orm';
import {
  ersPatientProblems,
  mapRows,
  prepareErsWorklist,
  type ErsWorklistMapping,
  type ReferralField,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { patients, specialties } from '../../db/schema';
import type { RequestContext } from '../../auth/principal';
import {
  checkImport,
  duplicateOptions,
  referralImportReport,
  storeImport,
  type ImportReport,
} from '../referrals/import/check';
import { readUpload } from '../referrals/import/upload';

export interface ErsImportRequest {
  fileName: string;
  content: Buffer;
  mapping?: ErsWorklistMapping | undefined;
  sheet?: string | undefined;
  dryRun?: boolean | undefined;
  allowDuplicateRows?: readonly number[] | undefined;
  duplicateWindowDays?: number | undefined;
}

/** Registered patients' dates of birth, by NHS number. */
async function datesOfBirth(tx: Database, orgId: string, nhsNumbers: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const unique = [...new Set(nhsNumbers)];
  for (let i = 0; i < unique.length; i += 5000) {
    const rows = await tx
      .select({ nhsNumber: patients.nhsNumber, dateOfBirth: patients.dateOfBirth })
      .from(patients)
      .where(and(eq(patients.orgId, orgId), inArray(patients.nhsNumber, unique.slice(i, i + 5000))));
    for (const r of rows) found.set(r.nhsNumber, r.dateOfBirth);
  }
  return found;
}

/**
 * Runs an e-RS worklist import (see the module comment): the report when imported (or a dry run), 422
 * `import_refused` with the report when any row has a problem (the refusal is recorded in the import history),
 * 400 when the file cannot be read as a table.
 */
export async function importErsWorklist(
  db: Database,
  ctx: RequestContext,
  request: ErsImportRequest,
): Promise<ImportReport> {
  const file = await readUpload(request.content, request.fileName, request.sheet, 'referrals');
  const orgId = ctx.principal.orgId;
  const dryRun = request.dryRun === true;
  const options = duplicateOptions(request);
  const result = await db.transaction(async (tx) => {
    const ours = await tx
      .select({ code: specialties.code, name: specialties.name })
      .from(specialties)
      .where(eq(specialties.orgId, orgId));
    const prepared = prepareErsWorklist(file.header, file.rows, {
      mapping: request.mapping,
      specialties: ours,
      headerRow: file.headerRow,
      rowNumbers: file.rowNumbers,
    });
    const mapped = mapRows(prepared.header, prepared.rows, prepared.mapping, {
      headerRow: file.headerRow,
      rowNumbers: file.rowNumbers,
    });
    const registered = await datesOfBirth(
      tx,
      orgId,
      prepared.patients.flatMap((p) => (p.nhsNumber === null ? [] : [p.nhsNumber])),
    );
    const checked = await checkImport(
      tx,
      ctx,
      {
        records: mapped.records,
        problems: [...prepared.problems, ...mapped.problems, ...ersPatientProblems(prepared, registered)],
        columns: mapped.columns,
        missingFields: [...mapped.missingFields, ...prepared.missingFields],
        headerRow: mapped.headerRow,
      },
      options,
    );
    const importId = dryRun ? null : await storeImport(tx, ctx, request.fileName, checked);
    return { prepared, mapped, checked, importId };
  });

  const { prepared, mapped, checked, importId } = result;
  // The columns the worklist itself has: not those added for the source and a missing received date.
  const columns: Partial<Record<ReferralField | 'dateOfBirth', string>> = { ...mapped.columns };
  for (const field of prepared.added) delete columns[field];
  if (prepared.dateOfBirthColumn !== null) columns.dateOfBirth = prepared.dateOfBirthColumn;
  return referralImportReport(
    { importId, fileName: request.fileName, sheet: file.sheet, dryRun },
    checked.validation,
    columns,
    mapped.ignoredColumns.filter((c) => c !== prepared.dateOfBirthColumn),
  );
}
