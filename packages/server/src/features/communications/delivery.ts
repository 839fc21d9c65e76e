/**
 * Delivery: sends what the outbox holds that is due, and records what became of it.
 *
 * Each batch goes in three steps, so that no transaction is held open while a PDF is drawn or Notify answers
 * (on PGlite one open transaction stops every other request):
 *
 * 1. **Claim** (one transaction): take due messages (queued, or failed temporarily, `send_after` null or past)
 *    with `FOR UPDATE SKIP LOCKED`, so two runners never take the same one. For each: a confirmation letter
 *    fans out first (the SMS and email for the same event, and the reminders at the policy's offsets, each under
 *    its own dedupe key); a reminder for an appointment that is no longer booked is cancelled; the channel
 *    choice may suppress it (needs, no mobile, no email); otherwise the template is rendered (or the message
 *    fails with the missing fields named). A message to send has its attempt counted and is leased
 *    (`send_after` moved on, `last_error` 'in-progress') before the transaction commits.
 * 2. **Send**, outside any transaction: letters are drawn (`renderLetterPdf`) and kept under the letters folder,
 *    then the sender is asked. A process that stops here leaves the message leased: when the lease ends it is
 *    claimed again, and because an attempt is on record, Notify is asked for it by reference before any resend.
 * 3. **Record** (one transaction): each outcome; a temporary failure is tried again after a back-off (the
 *    scheduler's `retryAt`), the eighth becomes a technical failure; a message that can never go makes a task.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import {
  addDays,
  chooseChannels,
  isAppointmentKind,
  londonDateOfEpochMilliseconds,
  LONDON,
  parsePlainDate,
  renderTemplate,
  templateFields,
  fieldKey,
  type ChannelChoice,
  type LetterContent,
  type LetterFormat,
  type MessageKind,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { queryRows } from '../../db/client';
import { communications } from '../../db/schema';
import { systemContext, type RequestContext } from '../../auth/principal';
import { londonToday } from '../../clock';
import { retryAt } from '../../jobs/scheduler';
import { accessPolicyOn } from '../access-policy/service';
import { createTasks } from '../tasks/service';
import { letterContentsFromRows } from '../print-batches/letter-content';
import { renderLetterPdf } from './letter-pdf';
import { queueCommunications, type QueuedCommunication } from './outbox';
import { fieldValues, loadBatchFacts, type CommunicationRow, type MessageFacts } from './message-data';
import {
  statusFromNotify,
  type MessageSender,
  type NotifyApi,
  type OutgoingMessage,
  type SendOutcome,
} from './senders';
import { templateFor, type TemplateRow } from './templates';

/** Attempts before a message that keeps failing temporarily is given up as a technical failure. */
export const MAX_ATTEMPTS = 8;
/** How long a claimed message is held for its sender before it may be claimed again (its outcome unknown). */
export const LEASE_MS = 10 * 60_000;
/** The London time reminders go at, on their day. */
export const REMINDER_TIME = '09:00';

const CONFIRMATIONS = new Set<string>(['appointment-booked', 'appointment-moved', 'appointment-cancelled']);
const NEEDS_BOOKED = new Set<string>(['appointment-reminder']);

export interface DeliveryOptions {
  /** The clock (an instant, or a clock read at each batch). */
  now: Date | (() => Date);
  sender: MessageSender;
  lettersDir: string;
  batchSize?: number;
  /** Stop after this many batches (default: until nothing is due). */
  maxBatches?: number;
  /** Draws a letter (default `renderLetterPdf`). */
  renderPdf?: (content: LetterContent) => Promise<Buffer>;
}

export interface DeliveryReport {
  /** Handed over: sent, delivered, waiting for the print batch, or with Notify. */
  sent: number;
  /** Failed for good (permanent or technical failure). */
  failed: number;
  /** Failed for now: to be tried again. */
  retried: number;
  /** Not sent because the channel does not suit the patient, or the event was undone (cancelled). */
  suppressed: number;
}

type Final = {
  status: string;
  lastError: string | null;
  task?: string;
};

interface Prepared {
  row: CommunicationRow;
  facts: MessageFacts;
  template: TemplateRow;
  subject: string | null;
  body: string;
  format: LetterFormat;
  choice: ChannelChoice | null;
  personalisation: Record<string, string>;
  to: string | null;
  attempts: number;
}

const nowOf = (n: DeliveryOptions['now']) => (typeof n === 'function' ? n() : n);

/** The London instant of `time` on `date`. */
const londonAt = (date: string, time: string) =>
  new Date(parsePlainDate(date).toZonedDateTime({ timeZone: LONDON, plainTime: time }).epochMilliseconds);

/** The task team for a message: the booking team of its specialty, or the general one. */
const teamOf = (f: MessageFacts) =>
  f.row.pathwayId && f.specialtyCode ? `booking-${f.specialtyCode}` : 'booking-general';

/**
 * The messages an event's confirmation letter brings with it: the SMS and email for the same event, and (for a
 * booking or a move of an appointment still booked) the reminders, as the channel choice and policy say.
 */
export function fanOut(
  row: CommunicationRow,
  facts: MessageFacts,
  choice: ChannelChoice,
  reminderDaysBefore: readonly number[],
  now: Date,
): QueuedCommunication[] {
  const out: QueuedCommunication[] = [];
  const apptId = row.appointmentId!;
  const kind = row.kind as MessageKind;
  const base = { patientId: row.patientId, pathwayId: row.pathwayId, appointmentId: apptId };
  for (const channel of ['sms', 'email'] as const) {
    if (!choice[channel]) continue;
    out.push({
      ...base,
      kind,
      channel,
      detail: row.detail as Record<string, unknown>,
      dedupeKey: `${kind}:${apptId}:${channel}:patient`,
    });
  }
  const a = facts.appointment;
  if (kind !== 'appointment-cancelled' && a && a.status === 'booked') {
    const apptDate = londonDateOfEpochMilliseconds(a.startsAt.getTime());
    for (const n of reminderDaysBefore) {
      const at = londonAt(addDays(parsePlainDate(apptDate), -n).toString(), REMINDER_TIME);
      if (at.getTime() <= now.getTime() || at.getTime() >= a.startsAt.getTime()) continue;
      const channels: ('sms' | 'email' | 'letter')[] = [];
      if (choice.sms) channels.push('sms');
      if (choice.email) channels.push('email');
      // No phone or email: a reminder letter, when it can arrive in time.
      if (channels.length === 0 && n >= 5) channels.push('letter');
      for (const channel of channels)
        out.push({
          ...base,
          kind: 'appointment-reminder',
          channel,
          detail: { daysBefore: n, startsAt: a.startsAt.toISOString() },
          dedupeKey: `appointment-reminder:${apptId}:${n}d:${channel}`,
          sendAfter: at,
        });
    }
  }
  return out;
}

/**
 * Updates many messages of one organisation in one statement: `rows` (each with its `id`) are read as a record
 * set of `columns`, and `set` assigns from them (`d.<column>`).
 */
async function updateMany(
  tx: Database,
  orgId: string,
  rows: readonly Record<string, unknown>[],
  set: SQL,
  columns: string,
): Promise<void> {
  if (rows.length === 0) return;
  await tx.execute(sql`update communications c set ${set}
                         from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as d(${sql.raw(columns)})
                        where c.org_id = ${orgId} and c.id = d.id`);
}

/** Step 1 for one organisation's claimed messages: fan out, choose, render. Answers what to send and what is final. */
async function prepare(
  tx: Database,
  orgId: string,
  rows: CommunicationRow[],
  now: Date,
): Promise<{ send: Prepared[]; finals: Map<string, Final>; facts: Map<string, MessageFacts> }> {
  const ctx = systemContext(orgId, now, 'delivery');
  const policy = await accessPolicyOn(tx, orgId, londonToday(now));
  const { trustName, messages } = await loadBatchFacts(tx, orgId, rows);
  const finals = new Map<string, Final>();
  const send: Prepared[] = [];
  const siblings: QueuedCommunication[] = [];
  const templates = new Map<string, TemplateRow | undefined>();
  for (const f of messages) {
    const row = f.row;
    const kind = row.kind as MessageKind;
    const channel = row.channel as 'letter' | 'sms' | 'email';
    if (!f.patient) {
      finals.set(row.id, {
        status: 'technical-failure',
        lastError: 'missing fields: patient',
        task: 'missing-patient',
      });
      continue;
    }
    // A reminder goes only while its appointment is booked and still ahead.
    if (
      NEEDS_BOOKED.has(kind) &&
      (!f.appointment || f.appointment.status !== 'booked' || f.appointment.startsAt <= now)
    ) {
      finals.set(row.id, { status: 'cancelled', lastError: 'appointment-not-booked' });
      continue;
    }
    const toPatient = row.recipient !== 'gp';
    const choice = toPatient
      ? chooseChannels({
          needs: f.patient.communicationNeeds,
          phone: f.patient.phone,
          email: f.patient.email,
          interpreterLanguage: f.patient.interpreterLanguage,
          policy: policy.communications,
        })
      : null;
    if (choice && CONFIRMATIONS.has(kind) && channel === 'letter' && row.appointmentId) {
      siblings.push(...fanOut(row, f, choice, policy.communications.reminderDaysBefore, now));
    }
    if (choice && !choice[channel]) {
      finals.set(row.id, { status: 'suppressed', lastError: choice.ruledOut[channel] ?? 'ruled-out' });
      continue;
    }
    const format: LetterFormat =
      channel === 'letter' && row.format === 'standard' && choice
        ? choice.letterFormat
        : (row.format as LetterFormat);
    const key = `${kind}/${channel}/${format}`;
    if (!templates.has(key)) templates.set(key, await templateFor(tx, orgId, kind, channel, format, now));
    const template = templates.get(key);
    if (!template) {
      finals.set(row.id, { status: 'technical-failure', lastError: 'no-template', task: 'no-template' });
      continue;
    }
    const values = fieldValues(trustName, f);
    const body = renderTemplate(template.body, values);
    const subject = template.subject === null ? null : renderTemplate(template.subject, values);
    const missing = [...(body.ok ? [] : body.missing), ...(subject && !subject.ok ? subject.missing : [])];
    if (!body.ok || (subject && !subject.ok)) {
      finals.set(row.id, {
        status: 'technical-failure',
        lastError: `missing fields: ${[...new Set(missing)].join(', ')}`,
        task: 'missing-fields',
      });
      continue;
    }
    let text = body.text;
    // The interpreter the patient needs, in a sentence of the letter (and in its handling notes).
    if (
      channel === 'letter' &&
      choice?.interpreterLanguage &&
      isAppointmentKind(kind) &&
      kind !== 'appointment-cancelled'
    ) {
      text += `\n\nYou told us you need an interpreter who speaks ${choice.interpreterLanguage}. We will book one to be with you at your appointment. There is no charge.`;
    }
    const personalisation: Record<string, string> = {};
    for (const field of templateFields(`${template.subject ?? ''} ${template.body}`))
      if (!field.conditional) personalisation[field.name] = values[fieldKey(field.name)] ?? '';
      else personalisation[field.name] = values[fieldKey(field.name)] === 'yes' ? 'yes' : 'no';
    send.push({
      row,
      facts: f,
      template,
      subject: subject?.ok ? subject.text : null,
      body: text,
      format,
      choice,
      personalisation,
      to: channel === 'sms' ? f.patient.phone : channel === 'email' ? f.patient.email : null,
      attempts: row.attempts + 1,
    });
  }
  if (siblings.length > 0) await queueCommunications(tx, ctx, siblings);

  // Lease what is to be sent: the attempt is on record before anything leaves. One statement for the batch.
  await updateMany(
    tx,
    orgId,
    send.map((p) => ({
      id: p.row.id,
      attempts: p.attempts,
      format: p.format,
      template_id: p.template.id,
      template_version: p.template.version,
      rendered_subject: p.subject,
      rendered_body: p.body,
    })),
    sql`attempts = d.attempts, format = d.format, template_id = d.template_id,
        template_version = d.template_version, rendered_subject = d.rendered_subject,
        rendered_body = d.rendered_body, last_error = 'in-progress',
        send_after = ${new Date(now.getTime() + LEASE_MS).toISOString()}::timestamptz`,
    'id uuid, attempts int, format text, template_id uuid, template_version int, rendered_subject text, rendered_body text',
  );
  return { send, finals, facts: new Map(messages.map((m) => [m.row.id, m])) };
}

/** Writes the final state of messages that will not be sent (suppressed, cancelled, failed), with any tasks. */
async function recordFinals(
  tx: Database,
  ctx: RequestContext,
  finals: Map<string, Final>,
  facts: Map<string, MessageFacts>,
  attemptsOf: (id: string) => number,
): Promise<void> {
  const orgId = ctx.principal.orgId;
  for (const [id, f] of finals) {
    await tx
      .update(communications)
      .set({ status: f.status, lastError: f.lastError, statusAt: ctx.now, attempts: attemptsOf(id) })
      .where(and(eq(communications.orgId, orgId), eq(communications.id, id)));
  }
  const tasks = [...finals]
    .filter(
      ([, f]) => f.task !== undefined || f.status === 'permanent-failure' || f.status === 'technical-failure',
    )
    .map(([id, f]) => {
      const m = facts.get(id)!;
      return {
        type: 'letter-failed' as const,
        team: teamOf(m),
        patientId: m.row.patientId,
        pathwayId: m.row.pathwayId,
        appointmentId: m.row.appointmentId,
        detail: { communicationId: id, kind: m.row.kind, channel: m.row.channel, reason: f.lastError },
        dedupeKey: `letter-failed:${id}`,
      };
    });
  if (tasks.length > 0) await createTasks(tx, ctx, tasks);
}

interface ClaimedRow {
  org_id: string;
  id: string;
}

/** Draws a letter and keeps it under the letters folder: `<yyyy-mm-dd>/<id>.pdf`. */
async function drawAndKeep(
  p: Prepared,
  content: LetterContent,
  lettersDir: string,
  now: Date,
  render: (c: LetterContent) => Promise<Buffer>,
): Promise<{ pdf: Buffer; file: string }> {
  const handling = [...new Set([...(content.handling ?? []), ...(p.choice?.handling ?? [])])];
  const pdf = await render({ ...content, format: p.format, ...(handling.length > 0 ? { handling } : {}) });
  const file = join(londonToday(now), `${p.row.id}.pdf`);
  const path = join(lettersDir, file);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, pdf);
  return { pdf, file };
}

/** Sends the messages that are due, batch by batch, until none is (or `maxBatches`). */
export async function deliverDueCommunications(
  db: Database,
  options: DeliveryOptions,
): Promise<DeliveryReport> {
  const batchSize = options.batchSize ?? 100;
  const render = options.renderPdf ?? ((c: LetterContent) => renderLetterPdf(c));
  const report: DeliveryReport = { sent: 0, failed: 0, retried: 0, suppressed: 0 };
  for (let batch = 0; batch < (options.maxBatches ?? Number.POSITIVE_INFINITY); batch++) {
    const now = nowOf(options.now);
    // Step 1: claim and prepare.
    const claimed = await db.transaction(async (tx) => {
      const due = await queryRows<ClaimedRow>(
        tx,
        sql`select org_id, id from communications
             where status in ('queued', 'temporary-failure')
               and (send_after is null or send_after <= ${now.toISOString()}::timestamptz)
             order by coalesce(send_after, created_at), id
             limit ${batchSize}
               for update skip locked`,
      );
      if (due.length === 0) return null;
      const byOrg = new Map<string, string[]>();
      for (const d of due) byOrg.set(d.org_id, [...(byOrg.get(d.org_id) ?? []), d.id]);
      const out: { orgId: string; send: Prepared[]; contents: Map<string, LetterContent> }[] = [];
      for (const [orgId, ids] of byOrg) {
        const rows = await tx
          .select()
          .from(communications)
          .where(and(eq(communications.orgId, orgId), inArray(communications.id, ids)));
        const { send, finals, facts } = await prepare(tx, orgId, rows, now);
        const ctx = systemContext(orgId, now, 'delivery');
        await recordFinals(tx, ctx, finals, facts, (id) => facts.get(id)!.row.attempts);
        for (const f of finals.values()) {
          if (f.status === 'suppressed' || f.status === 'cancelled') report.suppressed += 1;
          else report.failed += 1;
        }
        // Letters' content, as the print batch will draw it too (from the rendered text now stored).
        const letters = send.filter((p) => p.row.channel === 'letter');
        const contents = await letterContentsFromRows(
          tx,
          orgId,
          letters.map((p) => ({
            ...p.row,
            format: p.format,
            renderedSubject: p.subject,
            renderedBody: p.body,
            statusAt: now,
          })),
        );
        out.push({ orgId, send, contents: new Map(letters.map((p, i) => [p.row.id, contents[i]!])) });
      }
      return out;
    });
    if (claimed === null) break;

    // Step 2: draw and send, outside any transaction.
    for (const { orgId, send, contents } of claimed) {
      const results: { p: Prepared; outcome: SendOutcome; file: string | null }[] = [];
      for (const p of send) {
        let file: string | null = null;
        let outcome: SendOutcome;
        try {
          let pdf: Buffer | null = null;
          const content = contents.get(p.row.id);
          if (content) ({ pdf, file } = await drawAndKeep(p, content, options.lettersDir, now, render));
          const message: OutgoingMessage = {
            id: p.row.id,
            kind: p.row.kind,
            channel: p.row.channel as OutgoingMessage['channel'],
            to: p.to,
            subject: p.subject,
            body: p.body,
            personalisation: p.personalisation,
            notifyTemplateId: p.template.notifyTemplateId,
            pdf,
            previousAttempts: p.attempts - 1,
          };
          outcome = await options.sender.send(message);
        } catch (err) {
          // Drawing or keeping the letter failed (a full disk): nothing left, so try again later.
          outcome = { status: 'temporary-failure', error: err instanceof Error ? err.name : 'Error' };
        }
        results.push({ p, outcome, file });
      }

      // Step 3: record.
      await db.transaction(async (tx) => {
        const ctx = systemContext(orgId, now, 'delivery');
        const finals = new Map<string, Final>();
        const handed: Record<string, unknown>[] = [];
        for (const { p, outcome, file } of results) {
          const key = and(eq(communications.orgId, orgId), eq(communications.id, p.row.id));
          if (outcome.status === 'temporary-failure') {
            if (p.attempts >= MAX_ATTEMPTS) {
              finals.set(p.row.id, { status: 'technical-failure', lastError: `gave up: ${outcome.error}` });
              await tx
                .update(communications)
                .set({ letterFile: file ?? p.row.letterFile })
                .where(key);
              report.failed += 1;
            } else {
              await tx
                .update(communications)
                .set({
                  status: 'temporary-failure',
                  lastError: outcome.error,
                  sendAfter: retryAt(now, p.attempts),
                  statusAt: now,
                  letterFile: file ?? p.row.letterFile,
                  provider: options.sender.provider,
                })
                .where(key);
              report.retried += 1;
            }
          } else if (outcome.status === 'permanent-failure' || outcome.status === 'technical-failure') {
            finals.set(p.row.id, { status: outcome.status, lastError: outcome.error });
            await tx
              .update(communications)
              .set({ letterFile: file ?? p.row.letterFile, provider: options.sender.provider })
              .where(key);
            report.failed += 1;
          } else {
            handed.push({
              id: p.row.id,
              status: outcome.status,
              provider_ref: 'providerRef' in outcome ? outcome.providerRef : null,
              letter_file: file ?? p.row.letterFile,
              sent_at: outcome.status === 'awaiting-print' ? null : now.toISOString(),
            });
            report.sent += 1;
          }
        }
        // What was handed over, in one statement.
        await updateMany(
          tx,
          orgId,
          handed,
          sql`status = d.status, provider_ref = d.provider_ref, letter_file = d.letter_file, sent_at = d.sent_at,
              last_error = null, send_after = null, provider = ${options.sender.provider},
              status_at = ${now.toISOString()}::timestamptz`,
          'id uuid, status text, provider_ref text, letter_file text, sent_at timestamptz',
        );
        const facts = new Map(results.map((r) => [r.p.row.id, r.p.facts]));
        const attempts = new Map(results.map((r) => [r.p.row.id, r.p.attempts]));
        await recordFinals(tx, ctx, finals, facts, (id) => attempts.get(id)!);
      });
    }
  }
  return report;
}

export interface RefreshReport {
  checked: number;
  changed: number;
}

/**
 * Asks Notify what became of the messages it has ('sending'), and records it: delivered, sent (a letter
 * accepted for printing), or failed for good (with a task). Unanswered ones are asked again next time.
 */
export async function refreshNotifyStatuses(
  db: Database,
  options: { now: Date | (() => Date); client: NotifyApi; batchSize?: number },
): Promise<RefreshReport> {
  const now = nowOf(options.now);
  const report: RefreshReport = { checked: 0, changed: 0 };
  const rows = await db
    .select()
    .from(communications)
    .where(and(eq(communications.status, 'sending'), eq(communications.provider, 'notify')))
    .orderBy(communications.statusAt)
    .limit(options.batchSize ?? 200);
  for (const row of rows) {
    if (!row.providerRef) continue;
    let status: ReturnType<typeof statusFromNotify>;
    let notifyStatus: string;
    try {
      const res = await options.client.getNotificationById(row.providerRef);
      notifyStatus = res.data.status;
      status = statusFromNotify(row.channel as 'letter' | 'sms' | 'email', notifyStatus);
    } catch {
      continue;
    }
    report.checked += 1;
    if (status === 'sending') continue;
    report.changed += 1;
    await db.transaction(async (tx) => {
      const ctx = systemContext(row.orgId, now, 'delivery');
      await tx
        .update(communications)
        .set({
          status,
          statusAt: now,
          lastError: status.endsWith('failure') ? `notify-${notifyStatus}` : null,
        })
        .where(
          and(
            eq(communications.orgId, row.orgId),
            eq(communications.id, row.id),
            eq(communications.status, 'sending'),
          ),
        );
      if (status === 'permanent-failure' || status === 'technical-failure') {
        const { messages } = await loadBatchFacts(tx, row.orgId, [row]);
        await recordFinals(
          tx,
          ctx,
          new Map([[row.id, { status, lastError: `notify-${notifyStatus}`, task: 'provider-failure' }]]),
          new Map([[row.id, messages[0]!]]),
          () => row.attempts,
        );
      }
    });
  }
  return report;
}
