/**
 * The communications outbox: a letter (or SMS, or email) for a patient is queued in the same transaction as the
 * booking, move or cancellation it tells them about, so it is never lost and never sent for something that did
 * not happen. Sending (GOV.UK Notify, templates, channels the patient chose) is the communications work's; until
 * then a queued message waits in `communications` with status 'queued'.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { communications } from '../../db/schema';
import type { RequestContext } from '../../auth/principal';

export const COMMUNICATION_KINDS = [
  'appointment-booked',
  'appointment-moved',
  'appointment-cancelled',
] as const;
export type CommunicationKind = (typeof COMMUNICATION_KINDS)[number];

export interface QueuedCommunication {
  patientId: string;
  pathwayId?: string | null;
  appointmentId?: string | null;
  kind: CommunicationKind;
  /** Default 'letter'. */
  channel?: 'letter' | 'sms' | 'email';
  /** Ids, dates and reasons the message needs: never names, addresses or free text about the patient. */
  detail?: Record<string, unknown>;
}

const CHUNK = 1_000;

/** Queues messages inside the caller's transaction (`tx`). Returns their ids, in order. */
export async function queueCommunications(
  tx: Database,
  ctx: RequestContext,
  items: readonly QueuedCommunication[],
): Promise<string[]> {
  const rows = items.map((m) => ({
    orgId: ctx.principal.orgId,
    id: randomUUID(),
    patientId: m.patientId,
    pathwayId: m.pathwayId ?? null,
    appointmentId: m.appointmentId ?? null,
    kind: m.kind,
    channel: m.channel ?? 'letter',
    status: 'queued',
    detail: m.detail ?? null,
    createdBy: ctx.principal.id,
    createdAt: ctx.now,
  }));
  for (let i = 0; i < rows.length; i += CHUNK) {
    await tx.insert(communications).values(rows.slice(i, i + CHUNK));
  }
  return rows.map((r) => r.id);
}

/** The messages queued about some appointments (for tests, and for the screens that say "a letter is queued"). */
export async function communicationsFor(db: Database, orgId: string, appointmentIds: readonly string[]) {
  if (appointmentIds.length === 0) return [];
  return db
    .select()
    .from(communications)
    .where(and(eq(communications.orgId, orgId), inArray(communications.appointmentId, [...appointmentIds])))
    .orderBy(asc(communications.createdAt), asc(communications.id));
}
