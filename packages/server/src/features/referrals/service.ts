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
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import {
  DEFAULT_DUPLICATE_WINDOW_DAYS,
  findReferralDuplicates,
  formatNhsNumber,
  validateNhsNumber,
  validateReferral,
  type ClinicType,
  type ReferralDuplicate,
  type ReferralInput,
  type RttPriority,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { pathways, patients, referrals } from '../../db/schema';
import { audit, writeAuditForMany, actorOf } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError, notFound } from '../../errors';
import { londonToday } from '../../clock';
import {
  bodyPointer,
  existingReferrals,
  patientsByNhsNumber,
  referralContext,
  returnToReferrer,
  storeReferrals,
  triageColumns,
  type RegisteredPatient,
} from './store';

export { bodyPointer };

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
