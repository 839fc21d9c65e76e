/**
 * The messages screen's reads: the outbox and the record of what was sent, each read audited (a message is part
 * of the patient's record), one message with what it said, and a letter's PDF. And sending a failed one again.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { and, count, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import { LONDON, addDays, parsePlainDate } from '@pathflow/core';
import type { Database } from '../../db/client';
import { MESSAGE_STATUSES, type MessageDetail, type MessageSummary } from '@pathflow/core';
import { communications, patients } from '../../db/schema';
import { audit, actorOf, writeAuditForMany } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError, invalid, notFound } from '../../errors';

export { MESSAGE_STATUSES };
export type { MessageDetail, MessageSummary };

export interface MessageQuery {
  patientId?: string | undefined;
  appointmentId?: string | undefined;
  pathwayId?: string | undefined;
  status?: string | undefined;
  kind?: string | undefined;
  channel?: string | undefined;
  /** London dates, both included, on the day the message was queued. */
  from?: string | undefined;
  to?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

type Row = typeof communications.$inferSelect;
type PatientBits = {
  id: string;
  nhsNumber: string;
  title: string | null;
  givenName: string;
  familyName: string;
};

const iso = (d: Date | null) => (d === null ? null : d.toISOString());
const nameOf = (p: PatientBits) => [p.title, p.givenName, p.familyName].filter(Boolean).join(' ');

function summary(r: Row, p: PatientBits): MessageSummary {
  return {
    id: r.id,
    patient: { id: p.id, nhsNumber: p.nhsNumber, name: nameOf(p) },
    pathwayId: r.pathwayId,
    appointmentId: r.appointmentId,
    kind: r.kind,
    channel: r.channel,
    format: r.format,
    recipient: r.recipient,
    status: r.status,
    sendAfter: iso(r.sendAfter),
    sentAt: iso(r.sentAt),
    statusAt: iso(r.statusAt),
    createdAt: r.createdAt.toISOString(),
    attempts: r.attempts,
    provider: r.provider,
    templateVersion: r.templateVersion,
    lastError: r.lastError,
    hasLetter: r.letterFile !== null,
  };
}

const startOfLondonDay = (date: string) =>
  new Date(parsePlainDate(date).toZonedDateTime({ timeZone: LONDON }).epochMilliseconds);

const PATIENT_COLUMNS = {
  id: patients.id,
  nhsNumber: patients.nhsNumber,
  title: patients.title,
  givenName: patients.givenName,
  familyName: patients.familyName,
};

/** Messages, newest first, with filters and paging. Each one listed is audited. */
export async function listCommunications(
  db: Database,
  ctx: RequestContext,
  q: MessageQuery,
): Promise<{ total: number; limit: number; offset: number; messages: MessageSummary[] }> {
  const orgId = ctx.principal.orgId;
  if (q.from && q.to && q.to < q.from) throw invalid('/query/to', 'to must be on or after from');
  const where: SQL[] = [eq(communications.orgId, orgId)];
  if (q.patientId) where.push(eq(communications.patientId, q.patientId));
  if (q.appointmentId) where.push(eq(communications.appointmentId, q.appointmentId));
  if (q.pathwayId) where.push(eq(communications.pathwayId, q.pathwayId));
  if (q.status) where.push(eq(communications.status, q.status));
  if (q.kind) where.push(eq(communications.kind, q.kind));
  if (q.channel) where.push(eq(communications.channel, q.channel));
  if (q.from) where.push(gte(communications.createdAt, startOfLondonDay(q.from)));
  if (q.to)
    where.push(lt(communications.createdAt, startOfLondonDay(addDays(parsePlainDate(q.to), 1).toString())));
  const limit = q.limit ?? 50;
  const offset = q.offset ?? 0;
  return db.transaction(async (tx) => {
    const [{ n }] = (await tx
      .select({ n: count() })
      .from(communications)
      .where(and(...where))) as [{ n: number }];
    const rows = await tx
      .select({ c: communications, p: PATIENT_COLUMNS })
      .from(communications)
      .innerJoin(
        patients,
        and(eq(patients.orgId, communications.orgId), eq(patients.id, communications.patientId)),
      )
      .where(and(...where))
      .orderBy(desc(communications.createdAt), desc(communications.id))
      .limit(limit)
      .offset(offset);
    await writeAuditForMany(
      tx,
      actorOf(ctx),
      'Communication.list',
      'Communication',
      rows.map((r) => ({ resourceId: r.c.id, patientId: r.c.patientId })),
    );
    return { total: Number(n), limit, offset, messages: rows.map((r) => summary(r.c, r.p)) };
  });
}

async function oneRow(tx: Database, orgId: string, id: string) {
  const [r] = await tx
    .select({ c: communications, p: PATIENT_COLUMNS })
    .from(communications)
    .innerJoin(
      patients,
      and(eq(patients.orgId, communications.orgId), eq(patients.id, communications.patientId)),
    )
    .where(and(eq(communications.orgId, orgId), eq(communications.id, id)));
  if (!r) throw notFound('The message');
  return r;
}

function detailOf(r: { c: Row; p: PatientBits }): MessageDetail {
  return {
    ...summary(r.c, r.p),
    templateId: r.c.templateId,
    renderedSubject: r.c.renderedSubject,
    renderedBody: r.c.renderedBody,
    providerRef: r.c.providerRef,
    printBatchId: r.c.printBatchId,
    detail: r.c.detail ?? null,
  };
}

/** One message, with what it said. Audited. */
export async function getCommunication(
  db: Database,
  ctx: RequestContext,
  id: string,
): Promise<MessageDetail> {
  return db.transaction(async (tx) => {
    const r = await oneRow(tx, ctx.principal.orgId, id);
    await audit(tx, ctx, {
      action: 'Communication.read',
      resourceType: 'Communication',
      resourceId: id,
      patientId: r.c.patientId,
    });
    return detailOf(r);
  });
}

/** A letter's PDF, as kept under the letters folder. Audited. */
export async function communicationLetter(
  db: Database,
  ctx: RequestContext,
  lettersDir: string,
  id: string,
): Promise<{ bytes: Buffer; filename: string }> {
  return db.transaction(async (tx) => {
    const r = await oneRow(tx, ctx.principal.orgId, id);
    if (r.c.letterFile === null) {
      throw new AppError(
        'not_found',
        r.c.channel === 'letter'
          ? 'This letter has not been made yet: it is made when it is sent'
          : `This message is ${r.c.channel === 'sms' ? 'an SMS' : 'an email'}, not a letter`,
      );
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(join(lettersDir, r.c.letterFile));
    } catch {
      throw new AppError('not_found', "The letter's PDF file is missing from the letters folder");
    }
    await audit(tx, ctx, {
      action: 'Communication.download-letter',
      resourceType: 'Communication',
      resourceId: id,
      patientId: r.c.patientId,
      detail: { bytes: bytes.length },
    });
    return { bytes, filename: `letter-${r.c.id.slice(0, 8)}.pdf` };
  });
}

const RETRYABLE = ['permanent-failure', 'technical-failure', 'temporary-failure'];

/**
 * Queues a failed message to be tried again now (the details were corrected, say). It keeps its id, so a
 * message Notify already has is found by reference and not sent twice.
 */
export async function retryCommunication(
  db: Database,
  ctx: RequestContext,
  id: string,
): Promise<MessageDetail> {
  return db.transaction(async (tx) => {
    const orgId = ctx.principal.orgId;
    const r = await oneRow(tx, orgId, id);
    if (!RETRYABLE.includes(r.c.status)) {
      throw new AppError(
        'conflict',
        `Only a message that failed can be sent again: this one is ${r.c.status}`,
      );
    }
    await tx
      .update(communications)
      .set({ status: 'queued', sendAfter: null, statusAt: ctx.now })
      .where(and(eq(communications.orgId, orgId), eq(communications.id, id)));
    await audit(tx, ctx, {
      action: 'Communication.retry',
      resourceType: 'Communication',
      resourceId: id,
      patientId: r.c.patientId,
      detail: { from: r.c.status, attempts: r.c.attempts },
    });
    return detailOf(await oneRow(tx, orgId, id));
  });
}
