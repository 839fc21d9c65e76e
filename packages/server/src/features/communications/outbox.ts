/**
 * The communications outbox: a letter (or SMS, or email) for a patient is queued in the same transaction as the
 * booking, move or cancellation it tells them about, so it is never lost and never sent for something that did
 * not happen. Delivery (`delivery.ts`) sends what is queued and due, and records its status.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { MESSAGE_KINDS } from '@pathflow/core';
import type { Database } from '../../db/client';
import { communications } from '../../db/schema';
import type { RequestContext } from '../../auth/principal';

/** The kinds of message there are: one per event a patient (or their GP) is told about. */
export const COMMUNICATION_KINDS = MESSAGE_KINDS;
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
  /** Default 'patient'; 'gp' for the copy to the patient's GP practice. */
  recipient?: 'patient' | 'gp';
  /** Default 'standard'; delivery picks large print or easy read from the patient's needs when it is standard. */
  format?: 'standard' | 'large-print' | 'easy-read' | 'braille';
  /** One message per event: a second with the same key is not queued. */
  dedupeKey?: string | null;
  /** Not before this instant (a reminder); default at once. */
  sendAfter?: Date | null;
}

const CHUNK = 1_000;

/**
 * Queues messages inside the caller's transaction (`tx`). Returns their ids, in order; for a message whose
 * `dedupeKey` was already queued, the id of the one queued before.
 */
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
    recipient: m.recipient ?? 'patient',
    format: m.format ?? 'standard',
    dedupeKey: m.dedupeKey ?? null,
    sendAfter: m.sendAfter ?? null,
    createdBy: ctx.principal.id,
    createdAt: ctx.now,
  }));
  const made = new Set<string>();
  for (let i = 0; i < rows.length; i += CHUNK) {
    const inserted = await tx
      .insert(communications)
      .values(rows.slice(i, i + CHUNK))
      .onConflictDoNothing({ target: [communications.orgId, communications.dedupeKey] })
      .returning({ id: communications.id });
    for (const r of inserted) made.add(r.id);
  }
  // A repeated key: answer the message that already holds it.
  const repeated = rows.filter((r) => !made.has(r.id) && r.dedupeKey !== null).map((r) => r.dedupeKey!);
  const existing =
    repeated.length === 0
      ? new Map<string, string>()
      : new Map(
          (
            await tx
              .select({ id: communications.id, key: communications.dedupeKey })
              .from(communications)
              .where(
                and(
                  eq(communications.orgId, ctx.principal.orgId),
                  inArray(communications.dedupeKey, repeated),
                ),
              )
          ).map((r) => [r.key!, r.id]),
        );
  return rows.map((r) => (made.has(r.id) ? r.id : (existing.get(r.dedupeKey!) ?? r.id)));
}

/**
 * Cancels messages about an appointment that have not gone yet (its reminders, when it is cancelled or moved).
 * Answers how many.
 */
export async function cancelQueuedCommunications(
  tx: Database,
  ctx: RequestContext,
  appointmentId: string,
  kinds: readonly CommunicationKind[],
): Promise<number> {
  const cancelled = await tx
    .update(communications)
    .set({ status: 'cancelled', statusAt: ctx.now })
    .where(
      and(
        eq(communications.orgId, ctx.principal.orgId),
        eq(communications.appointmentId, appointmentId),
        inArray(communications.kind, [...kinds]),
        inArray(communications.status, ['queued', 'temporary-failure']),
      ),
    )
    .returning({ id: communications.id });
  return cancelled.length;
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
