/**
 * Importing a PTL extract from another PAS, all or nothing: read the file (CSV or Excel), map its columns, check
 * every row with core's rules (`validatePtlImport`) against what is held (registered patients, pathways' PPIDs,
 * hospital numbers, consultants, specialties), then either write every row in one transaction or none, and
 * report every problem with its row and column. A dry run checks without writing anything.
 *
 * Each row opens one pathway whose RTT clock runs from the row's clock start: the clock projection
 * (`rtt_running`, `rtt_period_start`) is the RTT engine's reading of the pathway (no events yet), as the
 * pathway service keeps it. Patients not yet registered are registered from the row; patients already
 * registered are matched by NHS number and never changed. Each patient registered and each pathway written is
 * audited. The import itself is recorded in the audit log (`PtlImport.create`, or `PtlImport.refused` when a
 * real import is refused), with its counts and no patient details; a dry run records nothing.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import {
  evaluateRtt,
  mapPtlRows,
  ppidKey,
  ptlLookups,
  validatePtlImport,
  type PtlColumnMapping,
  type PtlField,
  type PtlImportSummary,
  type PtlProblem,
  type PtlValidation,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { clinicians, organisations, pathways, patients, specialties } from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError } from '../../errors';
import { londonToday } from '../../clock';
import { auditMany, chunks } from './batches';
import { readUpload, reportHead, unlessRefused, type UploadReportHead } from '../referrals/import/upload';

export interface PtlImportRequest {
  fileName: string;
  content: Buffer;
  mapping?: PtlColumnMapping | undefined;
  sheet?: string | undefined;
  dryRun?: boolean | undefined;
}

/** A pathway booked in the other system: imported not booked, to book in Pathflow. */
export interface ToBook {
  row: number;
  ppid: string;
  ppidIssuer: string;
  bookedDate: string | null;
  /** The pathway written (null for a dry run). */
  pathwayId: string | null;
}

/** `importId` is the import's id in the audit log (null for a dry run). */
export interface PtlImportReport extends UploadReportHead {
  summary: PtlImportSummary;
  problems: PtlProblem[];
  columns: Partial<Record<PtlField, string>>;
  ignoredColumns: string[];
  toBook: ToBook[];
}

/** Where an imported pathway came from (`pathways.source`). */
export const PTL_IMPORT_SOURCE = 'ptl-import';

/** What is held that the rows are checked against. */
async function loadContext(
  tx: Database,
  orgId: string,
  mapped: ReturnType<typeof mapPtlRows>,
  today: string,
) {
  const [org] = await tx
    .select({ odsCode: organisations.odsCode })
    .from(organisations)
    .where(eq(organisations.orgId, orgId));
  if (!org) throw new Error('The signed-in organisation does not exist');
  const lookups = ptlLookups(mapped, org.odsCode);
  const ours = await tx
    .select({ code: specialties.code, name: specialties.name })
    .from(specialties)
    .where(eq(specialties.orgId, orgId));
  const consultants = new Map<string, string>();
  for (const part of chunks(lookups.consultantCodes)) {
    const rows = await tx
      .select({ id: clinicians.id, code: clinicians.registrationCode })
      .from(clinicians)
      .where(and(eq(clinicians.orgId, orgId), inArray(clinicians.registrationCode, part)));
    for (const r of rows) consultants.set(r.code.toUpperCase(), r.id);
  }
  const registered = new Map<string, { id: string; dateOfBirth: string }>();
  for (const part of chunks(lookups.nhsNumbers)) {
    const rows = await tx
      .select({ id: patients.id, nhsNumber: patients.nhsNumber, dateOfBirth: patients.dateOfBirth })
      .from(patients)
      .where(and(eq(patients.orgId, orgId), inArray(patients.nhsNumber, part)));
    for (const r of rows) registered.set(r.nhsNumber, { id: r.id, dateOfBirth: r.dateOfBirth });
  }
  const heldPpids = new Set<string>();
  const byIssuer = new Map<string, string[]>();
  for (const { issuer, ppid } of lookups.ppids) byIssuer.set(issuer, [...(byIssuer.get(issuer) ?? []), ppid]);
  for (const [issuer, ppids] of byIssuer) {
    for (const part of chunks(ppids)) {
      const rows = await tx
        .select({ ppid: pathways.ppid })
        .from(pathways)
        .where(and(eq(pathways.orgId, orgId), eq(pathways.ppidIssuer, issuer), inArray(pathways.ppid, part)));
      for (const r of rows) heldPpids.add(ppidKey(issuer, r.ppid));
    }
  }
  const heldLocalPatientIds = await heldMrns(tx, orgId, lookups.localPatientIds);
  return {
    today,
    defaultIssuer: org.odsCode,
    specialties: ours,
    consultants,
    registered,
    heldPpids,
    heldLocalPatientIds,
  };
}

/** Which of these hospital numbers are held. */
async function heldMrns(tx: Database, orgId: string, mrns: readonly string[]): Promise<Set<string>> {
  const held = new Set<string>();
  for (const part of chunks([...new Set(mrns)])) {
    const rows = await tx
      .select({ mrn: patients.mrn })
      .from(patients)
      .where(and(eq(patients.orgId, orgId), inArray(patients.mrn, part)));
    for (const r of rows) held.add(r.mrn);
  }
  return held;
}

/** Hospital numbers for new patients the file gives none for: 'PF' and 8 digits, as registration makes them. */
async function newMrns(
  tx: Database,
  orgId: string,
  count: number,
  taken: ReadonlySet<string>,
): Promise<string[]> {
  const chosen = new Set<string>();
  const make = () => `PF${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
  while (chosen.size < count) {
    const candidates = new Set<string>();
    while (candidates.size < count - chosen.size) {
      const mrn = make();
      if (!chosen.has(mrn) && !taken.has(mrn)) candidates.add(mrn);
    }
    const held = await heldMrns(tx, orgId, [...candidates]);
    for (const mrn of candidates) if (!held.has(mrn)) chosen.add(mrn);
  }
  return [...chosen];
}

/**
 * Inserts the rows 500 at a time, each only if it is not there already: one that is was added by someone else
 * while the file was being imported, so nothing is (409).
 */
async function insertNew<R>(rows: R[], insert: (part: R[]) => Promise<readonly unknown[]>): Promise<void> {
  for (const part of chunks(rows, 500)) {
    const inserted = await insert(part);
    if (inserted.length !== part.length) {
      throw new AppError(
        'conflict',
        'A patient or pathway in the file was added by someone else while it was being imported. Nothing was imported: check the file again.',
      );
    }
  }
}

/** Writes every row of a validation that passed: new patients, then pathways, each audited. */
async function storeRows(
  tx: Database,
  ctx: RequestContext,
  validation: PtlValidation,
  today: string,
): Promise<Map<number, string>> {
  const orgId = ctx.principal.orgId;
  const patientIds = new Map<string, string>();
  const given = new Set(validation.newPatients.flatMap((p) => (p.localPatientId ? [p.localPatientId] : [])));
  const generated = await newMrns(
    tx,
    orgId,
    validation.newPatients.filter((p) => p.localPatientId === null).length,
    given,
  );
  const patientRows: (typeof patients.$inferInsert)[] = validation.newPatients.map((p) => {
    const id = randomUUID();
    patientIds.set(p.nhsNumber, id);
    return {
      orgId,
      id,
      nhsNumber: p.nhsNumber,
      mrn: p.localPatientId ?? generated.pop()!,
      givenName: p.givenName,
      familyName: p.familyName,
      dateOfBirth: p.dateOfBirth,
      sex: p.sex,
      // The address is optional on an extract; the record keeps blanks until it is added.
      addressLine1: p.address.line1 ?? '',
      addressLine2: p.address.line2,
      town: p.address.town ?? '',
      postcode: p.address.postcode ?? '',
    };
  });
  await insertNew(patientRows, (part) =>
    tx.insert(patients).values(part).onConflictDoNothing().returning({ id: patients.id }),
  );
  await auditMany(
    tx,
    ctx,
    'Patient.create',
    'Patient',
    patientRows.map((p) => ({ resourceId: p.id, patientId: p.id })),
  );

  const pathwayIds = new Map<number, string>();
  const pathwayRows: (typeof pathways.$inferInsert)[] = validation.valid.map((v) => {
    const id = randomUUID();
    pathwayIds.set(v.row, id);
    const rtt = evaluateRtt({
      priority: v.priority,
      referralReceived: v.clockStart,
      events: [],
      asOf: today,
    });
    return {
      orgId,
      id,
      patientId: v.patientId ?? patientIds.get(v.nhsNumber)!,
      ppid: v.ppid,
      ppidIssuer: v.ppidIssuer,
      specialtyCode: v.specialtyCode,
      clinicianId: v.clinicianId,
      source: PTL_IMPORT_SOURCE,
      priority: v.priority,
      referralReceivedDate: v.referralReceivedDate,
      clockStartDate: v.clockStart,
      status: 'open',
      rttRunning: rtt.current.running,
      rttPeriodStart: rtt.current.start,
    };
  });
  await insertNew(pathwayRows, (part) =>
    tx.insert(pathways).values(part).onConflictDoNothing().returning({ id: pathways.id }),
  );
  await auditMany(
    tx,
    ctx,
    'Pathway.create',
    'Pathway',
    pathwayRows.map((p) => ({ resourceId: p.id, patientId: p.patientId })),
  );
  return pathwayIds;
}

/**
 * Runs a PTL extract import (see the module comment): the report when imported (201) or checked (dry run);
 * 422 `import_refused` carrying the report when any row has a problem; 400 when the file cannot be read.
 */
export async function importPtlExtract(
  db: Database,
  ctx: RequestContext,
  request: PtlImportRequest,
): Promise<PtlImportReport> {
  const file = await readUpload(request.content, request.fileName, request.sheet, 'pathways');
  const mapped = mapPtlRows(file.header, file.rows, request.mapping ?? {}, {
    headerRow: file.headerRow,
    rowNumbers: file.rowNumbers,
  });
  const dryRun = request.dryRun === true;
  const today = londonToday(ctx.now);
  const { validation, importId, pathwayIds } = await db.transaction(async (tx) => {
    const context = await loadContext(tx, ctx.principal.orgId, mapped, today);
    const checked = validatePtlImport(mapped, context);
    if (dryRun) return { validation: checked, importId: null, pathwayIds: new Map<number, string>() };
    const id = randomUUID();
    const written = checked.ok ? await storeRows(tx, ctx, checked, today) : new Map<number, string>();
    const { summary } = checked;
    await audit(tx, ctx, {
      action: checked.ok ? 'PtlImport.create' : 'PtlImport.refused',
      resourceType: 'PtlImport',
      resourceId: id,
      outcome: checked.ok ? 'success' : 'failure',
      detail: {
        rows: summary.rows,
        pathways: checked.ok ? checked.valid.length : 0,
        patientsRegistered: checked.ok ? summary.newPatients : 0,
        patientsMatched: checked.ok ? summary.registeredPatients : 0,
        toBook: checked.ok ? summary.booked : 0,
        problems: summary.problems,
        rowsWithProblems: summary.rowsWithProblems,
      },
    });
    return { validation: checked, importId: id, pathwayIds: written };
  });

  const { summary } = validation;
  const head = reportHead({
    importId,
    fileName: request.fileName,
    sheet: file.sheet,
    dryRun,
    ok: validation.ok,
    rows: summary.rows,
    valid: validation.valid.length,
  });
  return unlessRefused({
    ...head,
    summary: head.imported
      ? {
          ...summary,
          message:
            (validation.valid.length === 1
              ? 'The pathway was imported.'
              : `All ${validation.valid.length.toLocaleString('en-GB')} pathways were imported.`) +
            (summary.newPatients === 0
              ? ''
              : ` ${summary.newPatients.toLocaleString('en-GB')} ${summary.newPatients === 1 ? 'patient was' : 'patients were'} registered.`),
        }
      : summary,
    problems: validation.problems,
    columns: mapped.columns,
    ignoredColumns: mapped.ignoredColumns,
    toBook: validation.valid
      .filter((v) => v.booked === true)
      .map((v) => ({
        row: v.row,
        ppid: v.ppid,
        ppidIssuer: v.ppidIssuer,
        bookedDate: v.bookedDate,
        pathwayId: pathwayIds.get(v.row) ?? null,
      })),
  });
}
