/**
 * Storing referrals: the organisation's intake rules, registered patients by NHS number, what is held that a
 * referral could duplicate, and writing referrals with their pathways in bulk (with the clock stop for those
 * already returned to the referrer, ADR 0004). Shared by one referral (`service.ts`) and imports
 * (`import/check.ts`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import {
  type ExistingReferrals,
  type ReferralContext,
  type ReferralField,
  type TriageOutcome,
  type ValidReferral,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { organisations, pathways, patients, referrals, specialties } from '../../db/schema';
import { writeAuditForMany, actorOf } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { londonToday } from '../../clock';
import { appendRttEvent } from '../pathways/service';

export const RETURNED_TO_REFERRER = new Set<TriageOutcome['kind']>(['rejected', 'advice-and-guidance']);
/** RTT status 34: decision not to treat / no further contact required (§1.6). */
const RETURN_STOP_CODE = '34';

/** A JSON pointer into a request body for a core referral field ('triage.priority' → '/body/triage/priority'). */
export function bodyPointer(field: ReferralField, prefix = '/body'): string {
  return `${prefix}/${field.replace('.', '/')}`;
}

/** The organisation's referral rules: its specialties and which of them take self-referrals. */
export async function referralContext(tx: Database, orgId: string, today: string): Promise<ReferralContext> {
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

export interface RegisteredPatient {
  id: string;
  name: string;
}

/** Registered patients by NHS number (10 digits). */
export async function patientsByNhsNumber(
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
export async function existingReferrals(
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
export function triageColumns(triage: TriageOutcome, ctx: RequestContext) {
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
export async function storeReferrals(
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
export async function returnToReferrer(
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
