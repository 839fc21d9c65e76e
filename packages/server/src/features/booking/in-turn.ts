/** "Book in turn": the patients next in line for a slot, with their breach dates, audited. */
import { and, asc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import {
  PRIORITY_RANK,
  breachDates,
  firstAppointmentCandidates,
  type RttPriority,
  type SlotType,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { appointments, pathways, patientUnavailability, patients, slots } from '../../db/schema';
import { actorOf, writeAuditForMany } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { notFound } from '../../errors';

type SlotRow = typeof slots.$inferSelect;
type PathwayRow = typeof pathways.$inferSelect;

/**
 * Waiting pathways that a slot suits for a first appointment and that come before `pathway` in turn (or all
 * of them, in turn, when `pathway` is null): clinical priority, then earliest clock start (the earliest
 * breach date), then earliest referral. Pathways with an appointment already booked are left out, and so are
 * patients who have said they cannot come in on the slot's session date: they are not "in turn" for a day they
 * cannot attend, so booking the next patient who can is not out of turn.
 */
export function inTurnQuery(
  tx: Database,
  orgId: string,
  slot: Pick<SlotRow, 'specialtyCode' | 'clinicianId' | 'slotType' | 'sessionDate'>,
  before: Pick<PathwayRow, 'id' | 'priority' | 'rttPeriodStart' | 'referralReceivedDate'> | null,
) {
  const candidates = firstAppointmentCandidates(slot.slotType as SlotType);
  const rank = sql`case ${pathways.priority} when 'two-week-wait' then 0 when 'urgent' then 1 else 2 end`;
  const where: SQL[] = [
    eq(pathways.orgId, orgId),
    eq(pathways.specialtyCode, slot.specialtyCode),
    sql`${pathways.status} = 'open' and ${pathways.rttRunning}`,
    inArray(pathways.priority, candidates?.priorities ?? []),
    candidates?.procedureOnly
      ? sql`${pathways.clinicType} = 'procedure'`
      : sql`${pathways.clinicType} is distinct from 'procedure'`,
    sql`not exists (select 1 from ${appointments} a where a.org_id = ${pathways.orgId}
          and a.pathway_id = ${pathways.id} and a.status in ('booked', 'attended'))`,
    sql`not exists (select 1 from ${patientUnavailability} u where u.org_id = ${pathways.orgId}
          and u.patient_id = ${pathways.patientId} and u.removed_at is null
          and u.to_date >= ${slot.sessionDate}::date and u.from_date <= ${slot.sessionDate}::date)`,
  ];
  if (slot.clinicianId !== null) {
    where.push(sql`(${pathways.clinicianId} is null or ${pathways.clinicianId} = ${slot.clinicianId})`);
  }
  if (before !== null) {
    const r = PRIORITY_RANK[before.priority as RttPriority];
    const start = before.rttPeriodStart ?? '9999-12-31';
    where.push(ne(pathways.id, before.id));
    where.push(
      sql`(${rank} < ${r} or (${rank} = ${r} and (${pathways.rttPeriodStart} < ${start}
            or (${pathways.rttPeriodStart} = ${start} and ${pathways.referralReceivedDate} < ${before.referralReceivedDate}))))`,
    );
  }
  return {
    where: and(...where)!,
    order: [rank, asc(pathways.rttPeriodStart), asc(pathways.referralReceivedDate), asc(pathways.id)],
  };
}

/** How many waiting patients come before this pathway in turn for this slot (0: it is in turn). */
export async function aheadInTurn(
  tx: Database,
  orgId: string,
  slot: SlotRow,
  pathway: PathwayRow,
): Promise<number> {
  if (firstAppointmentCandidates(slot.slotType as SlotType) === null) return 0;
  const q = inTurnQuery(tx, orgId, slot, pathway);
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(sql`(select 1 from ${pathways} where ${q.where} limit 1000) ahead`);
  return row?.n ?? 0;
}

export interface InTurnPatient {
  pathwayId: string;
  patientId: string;
  nhsNumber: string;
  name: string;
  priority: string;
  clockStart: string;
  breachDate: string;
  referralReceived: string;
}

export async function nextInTurn(
  db: Database,
  ctx: RequestContext,
  slotId: string,
  limit: number,
): Promise<{ slotId: string; patients: InTurnPatient[] }> {
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    const [slot] = await tx
      .select()
      .from(slots)
      .where(and(eq(slots.orgId, orgId), eq(slots.id, slotId)));
    if (!slot) throw notFound('Slot');
    const q = inTurnQuery(tx, orgId, slot, null);
    const rows = await tx
      .select({
        pathwayId: pathways.id,
        patientId: pathways.patientId,
        priority: pathways.priority,
        clockStart: pathways.rttPeriodStart,
        referralReceived: pathways.referralReceivedDate,
        nhsNumber: patients.nhsNumber,
        givenName: patients.givenName,
        familyName: patients.familyName,
      })
      .from(pathways)
      .innerJoin(patients, and(eq(patients.orgId, pathways.orgId), eq(patients.id, pathways.patientId)))
      .where(q.where)
      .orderBy(...q.order)
      .limit(limit);
    await writeAuditForMany(
      tx,
      actorOf(ctx),
      'Booking.inTurn',
      'Pathway',
      rows.map((r) => ({ resourceId: r.pathwayId, patientId: r.patientId })),
    );
    return {
      slotId,
      patients: rows.map((r) => {
        const clockStart = r.clockStart ?? r.referralReceived;
        return {
          pathwayId: r.pathwayId,
          patientId: r.patientId,
          nhsNumber: r.nhsNumber,
          name: `${r.familyName}, ${r.givenName}`,
          priority: r.priority,
          clockStart,
          breachDate: breachDates(clockStart)['18'],
          referralReceived: r.referralReceived,
        };
      }),
    };
  });
}
