/**
 * Messages to staff: a service manager told of the week's escalations, say. Each is kept for the web app's
 * "Messages for you" and, when the person has an email address, sent by email through the same sender as the
 * patients' messages (GOV.UK Notify, or the embedded outbox). They are about services, never a patient.
 *
 * Delivery follows the patients' messages (see `../communications/delivery.ts`): claim due messages with
 * `FOR UPDATE SKIP LOCKED` and lease them in one transaction, send outside any transaction, record the outcome
 * in another. A retry after an unknown outcome first asks Notify by reference (the sender does), so a message
 * never goes twice.
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { StaffMessage } from '@pathflow/core';
import type { Database } from '../../db/client';
import { queryRows } from '../../db/client';
import { staffMessages, staffUsers } from '../../db/schema';
import { retryAt } from '../../jobs/scheduler';
import type { MessageSender, SendOutcome } from '../communications/senders';
import { MAX_ATTEMPTS, LEASE_MS } from '../communications/delivery';

export interface NewStaffMessage {
  staffId: string;
  kind: string;
  subject: string;
  body: string;
  link: string | null;
  /** One message per piece of news and person, e.g. `weekly-pack:2026-11-30:<staff id>`. */
  dedupeKey: string;
}

/** Queues messages in the caller's transaction; a repeated dedupe key is not queued again. Answers how many. */
export async function queueStaffMessages(
  tx: Database,
  orgId: string,
  messages: readonly NewStaffMessage[],
  now: Date,
): Promise<number> {
  if (messages.length === 0) return 0;
  const inserted = await tx
    .insert(staffMessages)
    .values(
      messages.map((m) => ({
        orgId,
        id: randomUUID(),
        ...m,
        status: 'queued',
        createdAt: now,
      })),
    )
    .onConflictDoNothing({ target: [staffMessages.orgId, staffMessages.dedupeKey] })
    .returning({ id: staffMessages.id });
  return inserted.length;
}

/** A member of staff's messages, newest first, and how many are unread. */
export async function messagesFor(
  db: Database,
  orgId: string,
  staffId: string,
  limit: number,
): Promise<{ unread: number; messages: StaffMessage[] }> {
  const mine = and(eq(staffMessages.orgId, orgId), eq(staffMessages.staffId, staffId));
  const rows = await db
    .select({
      id: staffMessages.id,
      kind: staffMessages.kind,
      subject: staffMessages.subject,
      body: staffMessages.body,
      link: staffMessages.link,
      status: staffMessages.status,
      createdAt: staffMessages.createdAt,
      readAt: staffMessages.readAt,
    })
    .from(staffMessages)
    .where(mine)
    .orderBy(desc(staffMessages.createdAt), desc(staffMessages.id))
    .limit(limit);
  const [unread] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(staffMessages)
    .where(and(mine, isNull(staffMessages.readAt)));
  return {
    unread: unread?.n ?? 0,
    messages: rows.map((r) => ({
      ...r,
      createdAt: r.createdAt.toISOString(),
      readAt: r.readAt?.toISOString() ?? null,
    })),
  };
}

/** Marks a person's messages read: those of `ids` that are theirs, or all. Answers how many and what is left. */
export async function markMessagesRead(
  db: Database,
  orgId: string,
  staffId: string,
  ids: readonly string[] | null,
  now: Date,
): Promise<{ marked: number; unread: number }> {
  const mine = and(eq(staffMessages.orgId, orgId), eq(staffMessages.staffId, staffId));
  const updated = await db
    .update(staffMessages)
    .set({ readAt: now })
    .where(and(mine, isNull(staffMessages.readAt), ids ? inArray(staffMessages.id, [...ids]) : undefined))
    .returning({ id: staffMessages.id });
  const [left] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(staffMessages)
    .where(and(mine, isNull(staffMessages.readAt)));
  return { marked: updated.length, unread: left?.n ?? 0 };
}

interface DueRow {
  org_id: string;
  id: string;
  kind: string;
  subject: string;
  body: string;
  attempts: number;
  email: string | null;
}

export interface StaffDeliveryReport {
  sent: number;
  /** No email address: kept in the web app only. */
  notSent: number;
  retried: number;
  failed: number;
}

/** Sends one batch of due staff messages by email. */
export async function deliverDueStaffMessages(
  db: Database,
  options: { now: Date; sender: MessageSender; batchSize?: number },
): Promise<StaffDeliveryReport> {
  const { now, sender } = options;
  const report: StaffDeliveryReport = { sent: 0, notSent: 0, retried: 0, failed: 0 };
  const toSend = await db.transaction(async (tx) => {
    const due = await queryRows<DueRow>(
      tx,
      sql`select m.org_id, m.id, m.kind, m.subject, m.body, m.attempts, s.email
            from staff_messages m
            left join staff_users s on s.org_id = m.org_id and s.id = m.staff_id and s.active
           where m.status in ('queued', 'temporary-failure')
             and (m.send_after is null or m.send_after <= ${now.toISOString()}::timestamptz)
           order by m.created_at limit ${options.batchSize ?? 100}
             for update of m skip locked`,
    );
    const leased: DueRow[] = [];
    for (const row of due) {
      const key = and(eq(staffMessages.orgId, row.org_id), eq(staffMessages.id, row.id));
      if (!row.email) {
        await tx.update(staffMessages).set({ status: 'not-sent', lastError: 'no-email' }).where(key);
        report.notSent += 1;
        continue;
      }
      await tx
        .update(staffMessages)
        .set({
          attempts: row.attempts + 1,
          sendAfter: new Date(now.getTime() + LEASE_MS),
          lastError: 'in-progress',
        })
        .where(key);
      leased.push(row);
    }
    return leased;
  });

  const outcomes: Array<{ row: DueRow; outcome: SendOutcome }> = [];
  for (const row of toSend) {
    const outcome = await sender.send({
      id: row.id,
      kind: row.kind,
      channel: 'email',
      to: row.email,
      subject: row.subject,
      body: row.body,
      personalisation: { subject: row.subject, body: row.body },
      notifyTemplateId: null,
      pdf: null,
      previousAttempts: row.attempts,
    });
    outcomes.push({ row, outcome });
  }

  if (outcomes.length === 0) return report;
  await db.transaction(async (tx) => {
    for (const { row, outcome } of outcomes) {
      const key = and(eq(staffMessages.orgId, row.org_id), eq(staffMessages.id, row.id));
      const attempts = row.attempts + 1;
      if ('providerRef' in outcome) {
        await tx
          .update(staffMessages)
          .set({
            // Handed to Notify is as far as a staff message is followed.
            status: outcome.status === 'delivered' ? 'delivered' : 'sent',
            provider: sender.provider,
            providerRef: outcome.providerRef,
            sentAt: now,
            sendAfter: null,
            lastError: null,
          })
          .where(key);
        report.sent += 1;
      } else if (outcome.status === 'temporary-failure' && attempts < MAX_ATTEMPTS) {
        await tx
          .update(staffMessages)
          .set({
            status: 'temporary-failure',
            sendAfter: retryAt(now, attempts),
            lastError: outcome.error,
          })
          .where(key);
        report.retried += 1;
      } else {
        await tx
          .update(staffMessages)
          .set({
            status: outcome.status === 'temporary-failure' ? 'technical-failure' : outcome.status,
            sendAfter: null,
            lastError: outcome.error,
          })
          .where(key);
        report.failed += 1;
      }
    }
  });
  return report;
}

/** The active service managers who work a specialty's management team (or every team), by specialty code. */
export async function serviceManagersFor(
  db: Database,
  orgId: string,
  codes: readonly string[],
): Promise<Map<string, string[]>> {
  const managers = await db
    .select({ id: staffUsers.id, teams: staffUsers.teams })
    .from(staffUsers)
    .where(
      and(eq(staffUsers.orgId, orgId), eq(staffUsers.role, 'service-manager'), eq(staffUsers.active, true)),
    )
    .orderBy(staffUsers.username);
  const out = new Map<string, string[]>();
  for (const code of codes) {
    out.set(
      code,
      managers.filter((m) => m.teams.length === 0 || m.teams.includes(`management-${code}`)).map((m) => m.id),
    );
  }
  return out;
}
