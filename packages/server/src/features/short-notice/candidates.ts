/**
 * Who a short-notice offer may go to: the waiting pathways the slot suits, in turn (the same order and rules as
 * book in turn: clinical priority, then the longest wait; patients unavailable that day left out), narrowed to
 * patients who have said they can come at short notice, have no other appointment at that time and have no
 * other short-notice offer out (so that a YES by SMS is never ambiguous).
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { shortNoticeChannel, type ShortNoticeChannel } from '@pathflow/core';
import type { Database } from '../../db/client';
import { appointments, pathways, patients, shortNoticeCandidates, type slots } from '../../db/schema';
import { inTurnQuery } from '../booking/in-turn';

type SlotRow = typeof slots.$inferSelect;

export interface Suitable {
  pathwayId: string;
  patientId: string;
  channel: ShortNoticeChannel;
}

export interface CandidateQuery {
  limit: number;
  smsEnabled: boolean;
  /** Only this pathway (checking that a waiting candidate is still suitable). */
  pathwayId?: string;
  /** The offer being made: the patient's candidacy on it does not count as another offer out. */
  offerId?: string;
}

export async function suitableCandidates(
  tx: Database,
  orgId: string,
  slot: SlotRow,
  query: CandidateQuery,
): Promise<Suitable[]> {
  const q = inTurnQuery(tx, orgId, slot, null);
  const where: SQL[] = [
    q.where,
    eq(patients.shortNotice, true),
    sql`not exists (select 1 from ${appointments} a where a.org_id = ${pathways.orgId}
          and a.patient_id = ${pathways.patientId} and a.status = 'booked'
          and a.starts_at < ${slot.endsAt.toISOString()}::timestamptz
          and a.ends_at > ${slot.startsAt.toISOString()}::timestamptz)`,
    sql`not exists (select 1 from ${shortNoticeCandidates} c where c.org_id = ${pathways.orgId}
          and c.patient_id = ${pathways.patientId} and c.status = 'offered'
          and c.offer_id is distinct from ${query.offerId ?? null}::uuid)`,
  ];
  if (query.pathwayId !== undefined) where.push(eq(pathways.id, query.pathwayId));
  const rows = await tx
    .select({
      pathwayId: pathways.id,
      patientId: pathways.patientId,
      phone: patients.phone,
      communicationNeeds: patients.communicationNeeds,
    })
    .from(pathways)
    .innerJoin(patients, and(eq(patients.orgId, pathways.orgId), eq(patients.id, pathways.patientId)))
    .where(and(...where))
    .orderBy(...q.order)
    .limit(query.limit);
  return rows.map((r) => ({
    pathwayId: r.pathwayId,
    patientId: r.patientId,
    channel: shortNoticeChannel({
      phone: r.phone,
      communicationNeeds: r.communicationNeeds,
      smsEnabled: query.smsEnabled,
    }),
  }));
}
