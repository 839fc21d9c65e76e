/**
 * A bulk import's checks against the organisation (core's rules, registered patients, duplicates against what is
 * held) and its storage, all rows or none; and the history of imports.
 */
import { randomUUID } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import {
  DEFAULT_DUPLICATE_WINDOW_DAYS,
  formatNhsNumber,
  validateNhsNumber,
  validateReferral,
  validateImport,
  type ImportProblem,
  type ImportValidation,
  type ReferralField,
  type ReferralInput,
} from '@pathflow/core';
import type { Database } from '../../../db/client';
import { referralImports } from '../../../db/schema';
import { audit } from '../../../audit/audit';
import type { RequestContext } from '../../../auth/principal';
import { londonToday } from '../../../clock';

import { existingReferrals, patientsByNhsNumber, referralContext, storeReferrals } from '../store';
import { reportHead, unlessRefused, type UploadReportHead } from './upload';

export interface ImportReport extends UploadReportHead {
  summary: ImportValidation['summary'];
  problems: ImportProblem[];
  duplicates: ImportValidation['duplicates'];
  /** The header, as written in the file, of each field found. */
  columns: Partial<Record<ReferralField, string>>;
  ignoredColumns: string[];
}

/** How duplicates are looked for, from an import request. */
export const duplicateOptions = (request: {
  allowDuplicateRows?: readonly number[] | undefined;
  duplicateWindowDays?: number | undefined;
}) => ({
  allowDuplicateRows: new Set(request.allowDuplicateRows ?? []),
  duplicateWindowDays: request.duplicateWindowDays ?? DEFAULT_DUPLICATE_WINDOW_DAYS,
});

/**
 * The report of a checked import (a dry run, or stored as `importId`); throws `import_refused` (422) carrying
 * it when a real import has any problem.
 */
export function referralImportReport(
  o: { importId: string | null; fileName: string; sheet: string | undefined; dryRun: boolean },
  validation: ImportValidation,
  columns: ImportReport['columns'],
  ignoredColumns: string[],
): ImportReport {
  const head = reportHead({
    ...o,
    ok: validation.ok,
    rows: validation.summary.rows,
    valid: validation.valid.length,
  });
  return unlessRefused({
    ...head,
    summary: head.imported
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
    columns,
    ignoredColumns,
  });
}

export interface CheckedImport {
  validation: ImportValidation;
  /** Patient id of each valid row. */
  patientIds: Map<number, string>;
}

/**
 * Checks an import's rows against the organisation: core's rules, registered patients and duplicates against
 * what is held. Nothing is written.
 */
export async function checkImport(
  tx: Database,
  ctx: RequestContext,
  rows: {
    records: { row: number; input: ReferralInput }[];
    problems: ImportProblem[];
    columns: Partial<Record<ReferralField, string>>;
    missingFields: ReferralField[];
    headerRow: number;
  },
  options: { allowDuplicateRows: ReadonlySet<number>; duplicateWindowDays: number },
): Promise<CheckedImport> {
  const orgId = ctx.principal.orgId;
  const context = await referralContext(tx, orgId, londonToday(ctx.now));
  const numbers = new Map<number, string>();
  for (const { row, input } of rows.records) {
    const checked = validateNhsNumber(input.nhsNumber ?? '');
    if (checked.valid) numbers.set(row, checked.value);
  }
  const registered = await patientsByNhsNumber(tx, orgId, [...numbers.values()]);
  const unregistered: ImportProblem[] = [];
  const patientIds = new Map<number, string>();
  for (const [row, nhsNumber] of numbers) {
    const patient = registered.get(nhsNumber);
    if (patient) patientIds.set(row, patient.id);
    else {
      unregistered.push({
        row,
        column: rows.columns.nhsNumber ?? null,
        field: 'nhsNumber',
        message: `No patient with NHS number ${formatNhsNumber(nhsNumber)} is registered: register the patient first`,
      });
    }
  }
  // Duplicates are looked up for every row that could be valid; core reports only those that are.
  const candidates = rows.records.flatMap(({ row, input }) => {
    const result = validateReferral(input, context);
    return result.ok && patientIds.has(row) ? [result.referral] : [];
  });
  const existing = await existingReferrals(
    tx,
    orgId,
    candidates,
    [...patientIds.values()],
    options.duplicateWindowDays,
  );
  const validation = validateImport(
    { ...rows, problems: [...rows.problems, ...unregistered] },
    context,
    existing,
    options,
  );
  return { validation, patientIds };
}

/** Stores every valid row of a checked import as one import, in the caller's transaction. */
export async function storeImport(
  tx: Database,
  ctx: RequestContext,
  fileName: string,
  checked: CheckedImport,
): Promise<string> {
  const importId = randomUUID();
  const { validation } = checked;
  await tx.insert(referralImports).values({
    orgId: ctx.principal.orgId,
    id: importId,
    fileName,
    rows: validation.summary.rows,
    outcome: validation.ok ? 'imported' : 'refused',
    problems: validation.summary.problems + validation.summary.blockingDuplicates,
    importedBy: ctx.principal.id,
  });
  if (validation.ok) {
    await storeReferrals(
      tx,
      ctx,
      validation.valid.map((v) => ({ referral: v.referral, patientId: checked.patientIds.get(v.row)! })),
      importId,
    );
  }
  await audit(tx, ctx, {
    action: validation.ok ? 'ReferralImport.create' : 'ReferralImport.refused',
    resourceType: 'ReferralImport',
    resourceId: importId,
    detail: { rows: validation.summary.rows, problems: validation.summary.problems },
  });
  return importId;
}

export interface ImportListItem {
  id: string;
  fileName: string;
  rows: number;
  outcome: string;
  problems: number;
  importedBy: string;
  createdAt: string;
}

export async function listImports(
  db: Database,
  ctx: RequestContext,
  limit: number,
): Promise<ImportListItem[]> {
  const rows = await db
    .select()
    .from(referralImports)
    .where(eq(referralImports.orgId, ctx.principal.orgId))
    .orderBy(desc(referralImports.createdAt), desc(referralImports.id))
    .limit(limit);
  return rows.map((r) => ({
    id: r.id,
    fileName: r.fileName,
    rows: r.rows,
    outcome: r.outcome,
    problems: r.problems,
    importedBy: r.importedBy,
    createdAt: r.createdAt.toISOString(),
  }));
}
