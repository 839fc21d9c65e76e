/**
 * Referral intake (spec §1.3): one referral from a form or an API client, or a whole file of them, checked by
 * core's intake rules, matched to registered patients and checked for duplicates against what is held. Every
 * referral stored opens a pathway whose RTT clock starts on the date the rules give; the triage outcome then
 * shapes it (see docs/adr/0004-referral-triage-and-the-rtt-clock.md):
 * - pending or accepted: the pathway is open and its clock running; acceptance sets the agreed priority and
 *   clinic type;
 * - rejected, or answered with advice and guidance: the referral goes back to the referrer, so the clock stops
 *   on the triage date with status 34 (a clinical decision that no consultant-led treatment follows) and the
 *   pathway is closed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import {
  DEFAULT_DUPLICATE_WINDOW_DAYS,
  findReferralDuplicates,
  formatNhsNumber,
  validateNhsNumber,
  validateReferral,
  validateImport,
  type ClinicType,
  type ExistingReferrals,
  type ImportProblem,
  type ImportValidation,
  type ReferralContext,
  type ReferralDuplicate,
  type ReferralField,
  type ReferralInput,
  type RttPriority,
  type TriageOutcome,
  type ValidReferral,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { organisations, pathways, patients, referralImports, referrals, specialties } from '../../db/schema';
import { audit, writeAuditForMany, actorOf } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError, notFound } from '../../errors';
import { londonToday } from '../../clock';
import { appendRttEvent } from '../pathways/service';

type ReferralRow = typeof referrals.$inferSelect;

export interface ReferralDetail {
  id: string;
  patientId: string;
  nhsNumber: string;
  patientName: string;
  source: string;
  ubrn: string | null;
  ersConversionDate: string | null;
  asiWorklistDate: string | null;
  receivedDate: string;
  originalClockStart: string | null;
  specialtyCode: string;
  priority: string;
  referrerName: string | null;
  referrerOrgCode: string | null;
  clockStart: string;
  clockStartRule: string;
  triage: {
    kind: string;
    priority: string | null;
    clinicType: string | null;
    reason: string | null;
    note: string | null;
    triagedBy: string | null;
    triagedAt: string | null;
  };
  pathwayId: string | null;
  importId: string | null;
  createdBy: string;
  createdAt: string;
}

/** The triage outcomes that send a referral back to the referrer, and so stop its clock (ADR 0004). */
const RETURNED_TO_REFERRER = new Set<TriageOutcome['kind']>(['rejected', 'advice-and-guidance']);
/** RTT status 34: decision not to treat / no further contact required (§1.6). */
const RETURN_STOP_CODE = '34';

/** A JSON pointer into a request body for a core referral field ('triage.priority' → '/body/triage/priority'). */
export function bodyPointer(field: ReferralField, prefix = '/body'): string {
  return `${prefix}/${field.replace('.', '/')}`;
}

/** The organisation's referral rules: its specialties and which of them take self-referrals. */
async function referralContext(tx: Database, orgId: string, today: string): Promise<ReferralContext> {
  const rows = await tx
    .select({ code: specialties.code, self: specialties.acceptsSelfReferral })
    .from(specialties)
    .where(eq(specialties.orgId, orgId));
  return {
    today,
    specialtyCodes: new Set(rows.map((r) => r.code)),
    selfReferralSpecialties: new Set(rows.filter((r) => r.self).map((r) => r.code)),
  };
}

interface RegisteredPatient {
  id: string;
  name: string;
}

/** Registered patients by NHS number (10 digits). */
async function patientsByNhsNumber(
  tx: Database,
  orgId: string,
  nhsNumbers: readonly string[],
): Promise<Map<string, RegisteredPatient>> {
  const found = new Map<string, RegisteredPatient>();
  const unique = [...new Set(nhsNumbers)];
  for (let i = 0; i < unique.length; i += 5000) {
    const rows = await tx
      .select({
        id: patients.id,
        nhsNumber: patients.nhsNumber,
        givenName: patients.givenName,
        familyName: patients.familyName,
      })
      .from(patients)
      .where(and(eq(patients.orgId, orgId), inArray(patients.nhsNumber, unique.slice(i, i + 5000))));
    for (const r of rows) found.set(r.nhsNumber, { id: r.id, name: `${r.givenName} ${r.familyName}` });
  }
  return found;
}

const DAY_MS = 86_400_000;
const shiftDate = (iso: string, days: number): string =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/**
 * What is held that the given referrals could duplicate: UBRNs already held, and the referrals and pathways
 * of the same patients received within the window of the referrals' dates. Pathways count as well as
 * referrals, since pathways loaded before referral intake existed have no referral row.
 */
async function existingReferrals(
  tx: Database,
  orgId: string,
  candidates: readonly Pick<ValidReferral, 'nhsNumber' | 'ubrn' | 'receivedDate'>[],
  patientIds: readonly string[],
  windowDays: number,
): Promise<ExistingReferrals> {
  const ubrns = [...new Set(candidates.flatMap((c) => (c.ubrn === null ? [] : [c.ubrn])))];
  const held = new Set<string>();
  for (let i = 0; i < ubrns.length; i += 5000) {
    const rows = await tx
      .select({ ubrn: referrals.ubrn })
      .from(referrals)
      .where(and(eq(referrals.orgId, orgId), inArray(referrals.ubrn, ubrns.slice(i, i + 5000))));
    for (const r of rows) if (r.ubrn !== null) held.add(r.ubrn);
  }
  const dates = candidates.map((c) => c.receivedDate).sort();
  const recent: ExistingReferrals['recent'][number][] = [];
  const first = dates[0];
  const last = dates[dates.length - 1];
  const ids = [...new Set(patientIds)];
  if (first !== undefined && last !== undefined && ids.length > 0) {
    const from = shiftDate(first, -windowDays);
    const to = shiftDate(last, windowDays);
    for (let i = 0; i < ids.length; i += 5000) {
      const chunk = ids.slice(i, i + 5000);
      const fromReferrals = await tx
        .select({
          nhsNumber: patients.nhsNumber,
          specialtyCode: referrals.specialtyCode,
          receivedDate: referrals.receivedDate,
        })
        .from(referrals)
        .innerJoin(patients, and(eq(patients.orgId, referrals.orgId), eq(patients.id, referrals.patientId)))
        .where(
          and(
            eq(referrals.orgId, orgId),
            inArray(referrals.patientId, chunk),
            gte(referrals.receivedDate, from),
            lte(referrals.receivedDate, to),
          ),
        );
      const fromPathways = await tx
        .select({
          nhsNumber: patients.nhsNumber,
          specialtyCode: pathways.specialtyCode,
          receivedDate: pathways.referralReceivedDate,
        })
        .from(pathways)
        .innerJoin(patients, and(eq(patients.orgId, pathways.orgId), eq(patients.id, pathways.patientId)))
        .where(
          and(
            eq(pathways.orgId, orgId),
            inArray(pathways.patientId, chunk),
            sql`${pathways.referralId} is null`,
            gte(pathways.referralReceivedDate, from),
            lte(pathways.referralReceivedDate, to),
          ),
        );
      recent.push(...fromReferrals, ...fromPathways);
    }
  }
  return { ubrns: held, recent };
}

/** A new patient pathway identifier: the organisation's ODS code, 'R' and 14 random digits (20 at most). */
function localPpid(odsCode: string): string {
  const digits = (randomBytes(8).readBigUInt64BE() % 10n ** 14n).toString().padStart(14, '0');
  return `${odsCode.slice(0, 5)}R${digits}`;
}

async function odsCodeOf(tx: Database, orgId: string): Promise<string> {
  const [org] = await tx
    .select({ odsCode: organisations.odsCode })
    .from(organisations)
    .where(eq(organisations.orgId, orgId));
  if (!org) throw new Error('The signed-in organisation does not exist');
  return org.odsCode;
}

/** The referral columns that hold a triage outcome, and who recorded it when (none while pending). */
function triageColumns(triage: TriageOutcome, ctx: RequestContext) {
  const decided = triage.kind !== 'pending';
  return {
    triageKind: triage.kind,
    triagePriority: triage.kind === 'accepted' ? triage.priority : null,
    triageClinicType: triage.kind === 'accepted' ? triage.clinicType : null,
    triageReason: triage.kind === 'rejected' ? triage.reason : null,
    triageNote: triage.kind === 'advice-and-guidance' ? (triage.note ?? null) : null,
    triagedBy: decided ? ctx.principal.id : null,
    triagedAt: decided ? ctx.now : null,
  };
}

interface ToStore {
  referral: ValidReferral;
  patientId: string;
}

/**
 * Stores referrals and opens their pathways, in the caller's transaction: rows in bulk, then the clock stop
 * for each referral already returned to its referrer. An e-RS pathway takes its UBRN as its PPID (§1.3 S4)
 * unless that PPID is taken (a confirmed re-referral under the same UBRN); others get a local PPID.
 */
async function storeReferrals(
  tx: Database,
  ctx: RequestContext,
  items: readonly ToStore[],
  importId: string | null,
): Promise<{ referralId: string; pathwayId: string }[]> {
  const orgId = ctx.principal.orgId;
  const odsCode = await odsCodeOf(tx, orgId);
  const ubrns = items.flatMap((i) => (i.referral.ubrn === null ? [] : [i.referral.ubrn]));
  const takenPpids = new Set<string>();
  for (let i = 0; i < ubrns.length; i += 5000) {
    const rows = await tx
      .select({ ppid: pathways.ppid })
      .from(pathways)
      .where(
        and(
          eq(pathways.orgId, orgId),
          eq(pathways.ppidIssuer, odsCode),
          inArray(pathways.ppid, ubrns.slice(i, i + 5000)),
        ),
      );
    for (const r of rows) takenPpids.add(r.ppid);
  }
  const ids = items.map(() => ({ referralId: randomUUID(), pathwayId: randomUUID() }));
  const referralRows: (typeof referrals.$inferInsert)[] = [];
  const pathwayRows: (typeof pathways.$inferInsert)[] = [];
  items.forEach(({ referral: r, patientId }, i) => {
    const { referralId, pathwayId } = ids[i]!;
    const triage = r.triage;
    let ppid = localPpid(odsCode);
    if (r.ubrn !== null && !takenPpids.has(r.ubrn)) {
      ppid = r.ubrn;
      takenPpids.add(r.ubrn);
    }
    referralRows.push({
      orgId,
      id: referralId,
      patientId,
      source: r.source,
      ubrn: r.ubrn,
      ersConversionDate: r.ersConversionDate,
      asiWorklistDate: r.asiWorklistDate,
      receivedDate: r.receivedDate,
      originalClockStart: r.originalClockStart,
      specialtyCode: r.specialtyCode,
      priority: r.priority,
      referrerName: r.referrerName,
      referrerOrgCode: r.referrerOrgCode,
      clockStart: r.clockStart,
      clockStartRule: r.clockStartRule,
      ...triageColumns(triage, ctx),
      pathwayId,
      importId,
      createdBy: ctx.principal.id,
    });
    pathwayRows.push({
      orgId,
      id: pathwayId,
      patientId,
      ppid,
      ppidIssuer: odsCode,
      specialtyCode: r.specialtyCode,
      source: r.source,
      priority: triage.kind === 'accepted' ? triage.priority : r.priority,
      referralReceivedDate: r.receivedDate,
      clockStartDate: r.clockStart,
      status: 'open',
      referralId,
      clinicType: triage.kind === 'accepted' ? triage.clinicType : null,
      rttRunning: true,
      rttPeriodStart: r.clockStart,
    });
  });
  for (let i = 0; i < items.length; i += 500) {
    await tx.insert(pathways).values(pathwayRows.slice(i, i + 500));
    await tx.insert(referrals).values(referralRows.slice(i, i + 500));
  }
  const audited = items.map(({ patientId }, i) => ({ resourceId: ids[i]!.referralId, patientId }));
  for (let i = 0; i < audited.length; i += 5000) {
    await writeAuditForMany(tx, actorOf(ctx), 'Referral.create', 'Referral', audited.slice(i, i + 5000));
  }
  const today = londonToday(ctx.now);
  for (const [i, { referral }] of items.entries()) {
    if (RETURNED_TO_REFERRER.has(referral.triage.kind)) {
      await returnToReferrer(tx, ctx, ids[i]!.pathwayId, referral.triage, today);
    }
  }
  return ids;
}

/** Stops the clock (status 34) on the triage date and closes the pathway: the referral went back. */
async function returnToReferrer(
  tx: Database,
  ctx: RequestContext,
  pathwayId: string,
  triage: TriageOutcome,
  date: string,
): Promise<void> {
  const note =
    triage.kind === 'rejected'
      ? `Referral rejected at triage: ${triage.reason}`
      : 'Referral answered with advice and guidance';
  await appendRttEvent(
    tx,
    ctx,
    pathwayId,
    { date, code: RETURN_STOP_CODE, clinicianDecision: true, note: note.slice(0, 500) },
    'referral',
    '/body/triage',
  );
  await tx
    .update(pathways)
    .set({ status: 'closed', closedDate: date })
    .where(and(eq(pathways.orgId, ctx.principal.orgId), eq(pathways.id, pathwayId)));
}

function duplicateProblem(duplicates: ReferralDuplicate[]): AppError {
  return new AppError(
    'possible_duplicate',
    'This referral may already be held. Check it, and send it again with confirmedNotDuplicate set to true if it is a separate referral.',
    {
      errors: duplicates.map((d) => ({
        field: d.kind === 'ubrn' ? '/body/ubrn' : '/body/nhsNumber',
        message: d.message,
      })),
      extensions: { duplicates: duplicates.map(({ kind, message }) => ({ kind, message })) },
    },
  );
}

export interface NewReferral extends ReferralInput {
  /** A person has checked a possible duplicate and confirms this is a separate referral. */
  confirmedNotDuplicate?: boolean | undefined;
}

/** Receives one referral (form or API): every problem at once as 400, a possible duplicate as 409. */
export async function createReferral(
  db: Database,
  ctx: RequestContext,
  input: NewReferral,
): Promise<ReferralDetail> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  return db.transaction(async (tx) => {
    const context = await referralContext(tx, orgId, today);
    const result = validateReferral(input, context);
    const errors = result.ok
      ? []
      : result.errors.map((e) => ({ field: bodyPointer(e.field), message: e.message }));
    let patient: RegisteredPatient | undefined;
    const nhs = validateNhsNumber(input.nhsNumber ?? '');
    if (nhs.valid) {
      patient = (await patientsByNhsNumber(tx, orgId, [nhs.value])).get(nhs.value);
      if (!patient) {
        errors.unshift({
          field: '/body/nhsNumber',
          message: `No patient with NHS number ${formatNhsNumber(nhs.value)} is registered: register the patient first`,
        });
      }
    }
    if (!result.ok || !patient) {
      throw new AppError('validation_failed', 'The referral has errors', { errors });
    }
    const referral = result.referral;
    if (input.confirmedNotDuplicate !== true) {
      const existing = await existingReferrals(
        tx,
        orgId,
        [referral],
        [patient.id],
        DEFAULT_DUPLICATE_WINDOW_DAYS,
      );
      const duplicates = findReferralDuplicates([{ row: 1, referral }], existing);
      if (duplicates.length > 0) throw duplicateProblem(duplicates);
    }
    const [stored] = await storeReferrals(tx, ctx, [{ referral, patientId: patient.id }], null);
    return readReferral(tx, orgId, stored!.referralId);
  });
}

/** The referral with its patient's NHS number and name, or undefined. */
async function readReferral(tx: Database, orgId: string, id: string): Promise<ReferralDetail> {
  const [row] = await referralQuery(tx).where(and(eq(referrals.orgId, orgId), eq(referrals.id, id)));
  if (!row) throw notFound('Referral');
  return detailOf(row);
}

function referralQuery(tx: Database) {
  return tx
    .select({
      referral: referrals,
      nhsNumber: patients.nhsNumber,
      givenName: patients.givenName,
      familyName: patients.familyName,
    })
    .from(referrals)
    .innerJoin(patients, and(eq(patients.orgId, referrals.orgId), eq(patients.id, referrals.patientId)));
}

function detailOf(row: {
  referral: ReferralRow;
  nhsNumber: string;
  givenName: string;
  familyName: string;
}): ReferralDetail {
  const r = row.referral;
  return {
    id: r.id,
    patientId: r.patientId,
    nhsNumber: row.nhsNumber,
    patientName: `${row.givenName} ${row.familyName}`,
    source: r.source,
    ubrn: r.ubrn,
    ersConversionDate: r.ersConversionDate,
    asiWorklistDate: r.asiWorklistDate,
    receivedDate: r.receivedDate,
    originalClockStart: r.originalClockStart,
    specialtyCode: r.specialtyCode,
    priority: r.priority,
    referrerName: r.referrerName,
    referrerOrgCode: r.referrerOrgCode,
    clockStart: r.clockStart,
    clockStartRule: r.clockStartRule,
    triage: {
      kind: r.triageKind,
      priority: r.triagePriority,
      clinicType: r.triageClinicType,
      reason: r.triageReason,
      note: r.triageNote,
      triagedBy: r.triagedBy,
      triagedAt: r.triagedAt?.toISOString() ?? null,
    },
    pathwayId: r.pathwayId,
    importId: r.importId,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
  };
}

export async function getReferral(db: Database, ctx: RequestContext, id: string): Promise<ReferralDetail> {
  return db.transaction(async (tx) => {
    const detail = await readReferral(tx, ctx.principal.orgId, id);
    await audit(tx, ctx, {
      action: 'Referral.read',
      resourceType: 'Referral',
      resourceId: id,
      patientId: detail.patientId,
    });
    return detail;
  });
}

export interface ReferralListQuery {
  triage?: string | undefined;
  specialty?: string | undefined;
  importId?: string | undefined;
  limit: number;
  offset: number;
}

/** Referrals, oldest received first (the triage worklist when filtered to pending). Each row is audited. */
export async function listReferrals(
  db: Database,
  ctx: RequestContext,
  q: ReferralListQuery,
): Promise<{ total: number; referrals: ReferralDetail[] }> {
  const where: SQL[] = [eq(referrals.orgId, ctx.principal.orgId)];
  if (q.triage !== undefined) where.push(eq(referrals.triageKind, q.triage));
  if (q.specialty !== undefined) where.push(eq(referrals.specialtyCode, q.specialty));
  if (q.importId !== undefined) where.push(eq(referrals.importId, q.importId));
  return db.transaction(async (tx) => {
    const [count] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(referrals)
      .where(and(...where));
    const rows = await referralQuery(tx)
      .where(and(...where))
      .orderBy(asc(referrals.receivedDate), asc(referrals.createdAt), asc(referrals.id))
      .limit(q.limit)
      .offset(q.offset);
    await writeAuditForMany(
      tx,
      actorOf(ctx),
      'Referral.read',
      'Referral',
      rows.map((r) => ({ resourceId: r.referral.id, patientId: r.referral.patientId })),
    );
    return { total: count?.n ?? 0, referrals: rows.map(detailOf) };
  });
}

export interface TriageDecision {
  kind: 'accepted' | 'rejected' | 'advice-and-guidance';
  priority?: RttPriority | undefined;
  clinicType?: ClinicType | undefined;
  reason?: string | undefined;
  note?: string | undefined;
}

/**
 * Records the clinical triage outcome of a pending referral (validated by core's rules, as at intake).
 * Accepting sets the pathway's priority and clinic type; rejecting or answering with advice and guidance
 * stops the clock today and closes the pathway. A referral already triaged is refused with 409.
 */
export async function triageReferral(
  db: Database,
  ctx: RequestContext,
  id: string,
  decision: TriageDecision,
): Promise<ReferralDetail> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(referrals)
      .where(and(eq(referrals.orgId, orgId), eq(referrals.id, id)))
      .for('update');
    if (!row) throw notFound('Referral');
    if (row.triageKind !== 'pending') {
      throw new AppError('conflict', `This referral has already been triaged (${row.triageKind})`, {
        errors: [{ field: '/body/kind', message: 'The referral is not waiting for triage' }],
      });
    }
    const [patient] = await tx
      .select({ nhsNumber: patients.nhsNumber })
      .from(patients)
      .where(and(eq(patients.orgId, orgId), eq(patients.id, row.patientId)));
    // The stored referral with the new outcome goes through the same rules as at intake.
    const context = await referralContext(tx, orgId, today);
    const checked = validateReferral(
      {
        nhsNumber: patient?.nhsNumber ?? null,
        source: row.source as ReferralInput['source'],
        ubrn: row.ubrn,
        ersConversionDate: row.ersConversionDate,
        asiWorklistDate: row.asiWorklistDate,
        receivedDate: row.receivedDate,
        originalClockStart: row.originalClockStart,
        specialtyCode: row.specialtyCode,
        priority: row.priority as RttPriority,
        referrerName: row.referrerName,
        referrerOrgCode: row.referrerOrgCode,
        triage: {
          kind: decision.kind,
          priority: decision.priority ?? null,
          clinicType: decision.clinicType ?? null,
          reason: decision.reason ?? null,
          note: decision.note ?? null,
        },
      },
      { ...context, specialtyCodes: new Set([...context.specialtyCodes, row.specialtyCode]) },
    );
    if (!checked.ok) {
      const triageErrors = checked.errors.filter((e) => e.field.startsWith('triage'));
      throw new AppError('validation_failed', 'The triage outcome has errors', {
        errors: (triageErrors.length > 0 ? triageErrors : checked.errors).map((e) => ({
          field: e.field === 'triage' ? '/body/kind' : bodyPointer(e.field).replace('/triage/', '/'),
          message: e.message,
        })),
      });
    }
    const triage = checked.referral.triage;
    await tx
      .update(referrals)
      .set(triageColumns(triage, ctx))
      .where(and(eq(referrals.orgId, orgId), eq(referrals.id, id)));
    if (row.pathwayId !== null) {
      if (triage.kind === 'accepted') {
        await tx
          .update(pathways)
          .set({ priority: triage.priority, clinicType: triage.clinicType })
          .where(and(eq(pathways.orgId, orgId), eq(pathways.id, row.pathwayId)));
      } else {
        await returnToReferrer(tx, ctx, row.pathwayId, triage, today);
      }
    }
    await audit(tx, ctx, {
      action: 'Referral.triage',
      resourceType: 'Referral',
      resourceId: id,
      patientId: row.patientId,
      detail: { kind: triage.kind },
    });
    return readReferral(tx, orgId, id);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Bulk import

export interface ImportReport {
  /** The stored import, when the file was imported (or refused and recorded); null for a dry run. */
  importId: string | null;
  fileName: string;
  sheet: string | null;
  dryRun: boolean;
  /** True only when every row was imported. */
  imported: boolean;
  rows: number;
  importedRows: number;
  summary: ImportValidation['summary'];
  problems: ImportProblem[];
  duplicates: ImportValidation['duplicates'];
  /** The header, as written in the file, of each field found. */
  columns: Partial<Record<ReferralField, string>>;
  ignoredColumns: string[];
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
