/**
 * Administrative waiting-list validation (spec §2.6): who is due, batches of patients to contact, and the work
 * on each contact (sent, reminder, reply, removal decision).
 *
 * Who is due is decided by core's `validationDue`. On a large trust the database first narrows the open
 * pathways with a running clock to those the same rules make due (`dueWhere`, over the PTL's partial index),
 * and core then confirms each row. Validation never changes a clock by itself and nobody leaves the list for
 * not replying: a removal is an RTT clock stop recorded only on a clinician's confirmed decision, through the
 * pathway's event service (`appendRttEvent`), in the same transaction as the contact's outcome.
 *
 * Every patient listed or worked on is audited in the same transaction as the read or write.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import {
  VALIDATION_CONTACT_INTERVAL_DAYS,
  VALIDATION_MILESTONE_WEEKS,
  completedWeeks,
  epochDayToIso,
  isoToEpochDay,
  validationContactStatus,
  validationDue,
  validationRemovalEvent,
  validationResponseOutcome,
  type ValidationDue,
  type ValidationDueInput,
  type ValidationDueReason,
  type ValidationResponse,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import {
  clinicians,
  pathways,
  patients,
  specialties,
  validationBatches,
  validationContacts,
} from '../../db/schema';
import { actorOf, audit, writeAuditForMany } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError, invalid, notFound } from '../../errors';
import { londonToday } from '../../clock';
import { appendRttEvent } from '../pathways/service';
import { isRemovalResponse, nextActionOf, taskOf } from './next-action';
import type {
  BatchDetail,
  BatchList,
  BatchListQuery,
  BatchSummary,
  ContactOutcome,
  ContactStatus,
  ContactView,
  DecisionBody,
  DuePage,
  DueQuery,
  DueRow,
  NewBatchBody,
  ReplyBody,
  SentBody,
  StatusCounts,
  ValidationChannel,
} from './schemas';

const shiftDays = (iso: string, days: number): string => epochDayToIso(isoToEpochDay(iso) + days);

/** The earliest wait at which anything falls due: the 12-week milestone and the first 12-weekly contact. */
const FIRST_DUE_DAYS = Math.min(VALIDATION_MILESTONE_WEEKS[0] * 7, VALIDATION_CONTACT_INTERVAL_DAYS);

/**
 * The SQL form of core's `validationDue`, for open pathways with a running clock (started on
 * `rtt_period_start`) read on `asOf`:
 * - a milestone (clock start + 12, 26, 52 weeks) is due once reached, unless the pathway was validated on or
 *   after it (and not after `asOf`);
 * - a contact is due 84 days after the later of the last contact (if not after `asOf`) and the clock start.
 * Nothing is due before day 84, which lets the database range-scan the PTL's partial index.
 */
export function dueWhere(orgId: string, asOf: string, specialty?: string): SQL {
  const start = pathways.rttPeriodStart;
  const validated = pathways.lastValidatedOn;
  const contact = pathways.lastContactOn;
  const milestones = VALIDATION_MILESTONE_WEEKS.map((weeks) => {
    const days = weeks * 7;
    return sql`(${start} <= ${shiftDays(asOf, -days)}::date and (${validated} is null or ${validated} < ${start} + ${days}::int or ${validated} > ${asOf}::date))`;
  });
  const contactDue = sql`greatest(case when ${contact} <= ${asOf}::date then ${contact} end, ${start}) <= ${shiftDays(asOf, -VALIDATION_CONTACT_INTERVAL_DAYS)}::date`;
  const where: SQL[] = [
    eq(pathways.orgId, orgId),
    // Written as literals so the planner can match the partial indexes' predicate.
    sql`${pathways.status} = 'open'`,
    sql`${pathways.rttRunning}`,
    sql`${start} <= ${shiftDays(asOf, -FIRST_DUE_DAYS)}::date`,
    sql`(${sql.join([...milestones, contactDue], sql` or `)})`,
  ];
  if (specialty !== undefined) where.push(eq(pathways.specialtyCode, specialty));
  return and(...where)!;
}

/** Not already in an unfinished validation contact. */
const notInOpenContact = sql`not exists (select 1 from ${validationContacts} vc
  where vc.org_id = ${pathways.orgId} and vc.pathway_id = ${pathways.id} and vc.status <> 'closed')`;

interface Candidate {
  id: string;
  patientId: string;
  start: string | null;
  lastValidatedOn: string | null;
  lastContactOn: string | null;
}

const candidateColumns = {
  id: pathways.id,
  patientId: pathways.patientId,
  start: pathways.rttPeriodStart,
  lastValidatedOn: pathways.lastValidatedOn,
  lastContactOn: pathways.lastContactOn,
};

/** Core's verdict for a row the database picked (memoised: rows sorted by clock start share inputs in runs). */
function confirmer(asOf: string): (c: Omit<Candidate, 'id' | 'patientId'>) => ValidationDue | null {
  const memo = new Map<string, ValidationDue>();
  return (c) => {
    if (c.start === null) return null;
    const input: ValidationDueInput = {
      clockStart: c.start,
      lastValidatedOn: c.lastValidatedOn,
      lastContactOn: c.lastContactOn,
      asOf,
    };
    const key = `${c.start}|${c.lastValidatedOn ?? ''}|${c.lastContactOn ?? ''}`;
    let due = memo.get(key);
    if (due === undefined) {
      due = validationDue(input);
      memo.set(key, due);
    }
    return due.due ? due : null;
  };
}

const patientName = (p: { familyName: string; givenName: string }) => `${p.familyName}, ${p.givenName}`;

// ---------------------------------------------------------------------------------------------- the due list

/** One page of the pathways due for validation today, longest waiters first; one audit row per patient. */
export async function duePage(db: Database, ctx: RequestContext, q: DueQuery): Promise<DuePage> {
  const orgId = ctx.principal.orgId;
  const asOf = londonToday(ctx.now);
  const where = dueWhere(orgId, asOf, q.specialty);
  return db.transaction(async (tx) => {
    const page = tx
      .select({
        ...candidateColumns,
        orgId: pathways.orgId,
        ppid: pathways.ppid,
        code: pathways.specialtyCode,
      })
      .from(pathways)
      .where(where)
      .orderBy(asc(pathways.rttPeriodStart), asc(pathways.id))
      .limit(q.limit)
      .offset(q.offset)
      .as('due_page');
    const selected = await tx
      .select({
        id: page.id,
        patientId: page.patientId,
        start: page.start,
        lastValidatedOn: page.lastValidatedOn,
        lastContactOn: page.lastContactOn,
        ppid: page.ppid,
        nhsNumber: patients.nhsNumber,
        givenName: patients.givenName,
        familyName: patients.familyName,
        specialtyCode: specialties.code,
        specialtyName: specialties.name,
      })
      .from(page)
      .innerJoin(patients, and(eq(patients.orgId, page.orgId), eq(patients.id, page.patientId)))
      .innerJoin(specialties, and(eq(specialties.orgId, page.orgId), eq(specialties.code, page.code)))
      .orderBy(asc(page.start), asc(page.id));
    const total =
      selected.length < q.limit && (selected.length > 0 || q.offset === 0)
        ? q.offset + selected.length
        : Number(
            (
              await tx
                .select({ n: sql<number>`count(*)::int` })
                .from(pathways)
                .where(where)
            )[0]?.n ?? 0,
          );
    const open = new Map<string, { batchId: string; status: ContactStatus }>();
    if (selected.length > 0) {
      const contacts = await tx
        .select({
          pathwayId: validationContacts.pathwayId,
          batchId: validationContacts.batchId,
          status: validationContacts.status,
        })
        .from(validationContacts)
        .where(
          and(
            eq(validationContacts.orgId, orgId),
            inArray(
              validationContacts.pathwayId,
              selected.map((r) => r.id),
            ),
            ne(validationContacts.status, 'closed'),
          ),
        );
      for (const c of contacts)
        open.set(c.pathwayId, { batchId: c.batchId, status: c.status as ContactStatus });
    }
    const confirm = confirmer(asOf);
    const rows: DueRow[] = [];
    for (const r of selected) {
      const due = confirm(r);
      if (due === null || r.start === null) continue;
      const daysWaited = Math.max(0, isoToEpochDay(asOf) - isoToEpochDay(r.start));
      rows.push({
        pathwayId: r.id,
        ppid: r.ppid,
        patient: { id: r.patientId, nhsNumber: r.nhsNumber, name: patientName(r) },
        specialty: { code: r.specialtyCode, name: r.specialtyName },
        clockStart: r.start,
        daysWaited,
        weeksWaited: completedWeeks(daysWaited),
        dueOn: due.dueOn,
        reasons: due.reasons,
        lastValidatedOn: r.lastValidatedOn,
        lastContactOn: r.lastContactOn,
        openContact: open.get(r.id) ?? null,
      });
    }
    await writeAuditForMany(
      tx,
      actorOf(ctx),
      'ValidationDue.read',
      'Pathway',
      rows.map((r) => ({ resourceId: r.pathwayId, patientId: r.patient.id })),
    );
    return { asOf, total, limit: q.limit, offset: q.offset, rows };
  });
}

// ------------------------------------------------------------------------------------------------- batches

type ContactRow = typeof validationContacts.$inferSelect;

function viewOf(
  c: ContactRow,
  p: { ppid: string; specialtyCode: string; rttRunning: boolean; rttPeriodStart: string | null },
  patient: { nhsNumber: string; givenName: string; familyName: string },
  today: string,
): ContactView {
  const state = {
    status: c.status as ContactStatus,
    sentOn: c.sentOn,
    reminderSentOn: c.reminderSentOn,
    response: c.response as ValidationResponse | null,
    outcome: c.outcome as ContactOutcome | null,
  };
  return {
    batchId: c.batchId,
    pathwayId: c.pathwayId,
    ppid: p.ppid,
    patient: { id: c.patientId, nhsNumber: patient.nhsNumber, name: patientName(patient) },
    specialtyCode: p.specialtyCode,
    clockStart: p.rttRunning ? p.rttPeriodStart : null,
    dueOn: c.dueOn,
    reasons: c.reasons as ValidationDueReason[],
    status: state.status,
    channel: c.channel as ValidationChannel | null,
    sentOn: c.sentOn,
    reminderSentOn: c.reminderSentOn,
    response: state.response,
    respondedOn: c.respondedOn,
    outcome: state.outcome,
    outcomeOn: c.outcomeOn,
    decidedByClinicianId: c.decidedByClinicianId,
    note: c.note,
    remainsOnList: state.outcome !== 'removed',
    task: taskOf(state),
    nextAction: nextActionOf(state, today),
    updatedBy: c.updatedBy,
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** A batch's contacts (or one of them) with their pathway and patient, longest waiters first. */
async function loadContacts(
  db: Database,
  orgId: string,
  batchId: string,
  today: string,
  pathwayId?: string,
): Promise<ContactView[]> {
  const where = [eq(validationContacts.orgId, orgId), eq(validationContacts.batchId, batchId)];
  if (pathwayId !== undefined) where.push(eq(validationContacts.pathwayId, pathwayId));
  const rows = await db
    .select({
      contact: validationContacts,
      ppid: pathways.ppid,
      specialtyCode: pathways.specialtyCode,
      rttRunning: pathways.rttRunning,
      rttPeriodStart: pathways.rttPeriodStart,
      nhsNumber: patients.nhsNumber,
      givenName: patients.givenName,
      familyName: patients.familyName,
    })
    .from(validationContacts)
    .innerJoin(
      pathways,
      and(eq(pathways.orgId, validationContacts.orgId), eq(pathways.id, validationContacts.pathwayId)),
    )
    .innerJoin(
      patients,
      and(eq(patients.orgId, validationContacts.orgId), eq(patients.id, validationContacts.patientId)),
    )
    .where(and(...where))
    .orderBy(
      sql`coalesce(${pathways.rttPeriodStart}, ${pathways.clockStartDate}) asc`,
      asc(validationContacts.pathwayId),
    );
  return rows.map((r) => viewOf(r.contact, r, r, today));
}

const countColumns = {
  toContact: sql<number>`count(${validationContacts.pathwayId}) filter (where ${validationContacts.status} = 'to-contact')::int`,
  awaitingReply: sql<number>`count(${validationContacts.pathwayId}) filter (where ${validationContacts.status} = 'awaiting-reply')::int`,
  replied: sql<number>`count(${validationContacts.pathwayId}) filter (where ${validationContacts.status} = 'replied')::int`,
  closed: sql<number>`count(${validationContacts.pathwayId}) filter (where ${validationContacts.status} = 'closed')::int`,
};

function summaries(db: Database, orgId: string, batchId?: string) {
  const where = [eq(validationBatches.orgId, orgId)];
  if (batchId !== undefined) where.push(eq(validationBatches.id, batchId));
  return db
    .select({ batch: validationBatches, ...countColumns })
    .from(validationBatches)
    .leftJoin(
      validationContacts,
      and(
        eq(validationContacts.orgId, validationBatches.orgId),
        eq(validationContacts.batchId, validationBatches.id),
      ),
    )
    .where(and(...where))
    .groupBy(validationBatches.orgId, validationBatches.id)
    .orderBy(desc(validationBatches.createdAt), desc(validationBatches.id));
}

function summaryOf(r: {
  batch: typeof validationBatches.$inferSelect;
  toContact: number;
  awaitingReply: number;
  replied: number;
  closed: number;
}): BatchSummary {
  const counts: StatusCounts = {
    toContact: Number(r.toContact),
    awaitingReply: Number(r.awaitingReply),
    replied: Number(r.replied),
    closed: Number(r.closed),
  };
  return {
    id: r.batch.id,
    asOf: r.batch.asOf,
    specialtyCode: r.batch.specialtyCode,
    size: r.batch.size,
    createdBy: r.batch.createdBy,
    createdAt: r.batch.createdAt.toISOString(),
    counts,
  };
}

async function batchDetail(
  db: Database,
  orgId: string,
  batchId: string,
  today: string,
): Promise<BatchDetail> {
  const [summary] = await summaries(db, orgId, batchId);
  if (!summary) throw notFound('Validation batch');
  return { ...summaryOf(summary), contacts: await loadContacts(db, orgId, batchId, today) };
}

/** A key of its own for the transaction-level advisory lock that serialises drawing batches. */
const DRAW_LOCK = 727301;

/**
 * Draws the longest-waiting pathways due today and not already in an unfinished contact into a new batch,
 * each contact `to-contact`, in one transaction. Two draws at once are applied one after the other, so no
 * pathway lands in two unfinished contacts. Refuses an empty draw (422 `nothing_due`).
 */
export async function createBatch(
  db: Database,
  ctx: RequestContext,
  body: NewBatchBody,
): Promise<BatchDetail> {
  const orgId = ctx.principal.orgId;
  const asOf = londonToday(ctx.now);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${DRAW_LOCK}::int, hashtext(${orgId}))`);
    if (body.specialtyCode !== undefined) {
      const [specialty] = await tx
        .select({ code: specialties.code })
        .from(specialties)
        .where(and(eq(specialties.orgId, orgId), eq(specialties.code, body.specialtyCode)));
      if (!specialty) {
        throw invalid('/body/specialtyCode', `There is no specialty with code ${body.specialtyCode}`);
      }
    }
    const where = and(dueWhere(orgId, asOf, body.specialtyCode), notInOpenContact);
    const confirm = confirmer(asOf);
    const drawn: (Candidate & { due: ValidationDue })[] = [];
    // Core confirms each row the database picks; should it set one aside, the next ones are read.
    for (let offset = 0; drawn.length < body.size;) {
      const wanted = body.size - drawn.length;
      const rows = await tx
        .select(candidateColumns)
        .from(pathways)
        .where(where)
        .orderBy(asc(pathways.rttPeriodStart), asc(pathways.id))
        .limit(wanted)
        .offset(offset);
      for (const r of rows) {
        const due = confirm(r);
        if (due !== null) drawn.push({ ...r, due });
      }
      if (rows.length < wanted) break;
      offset += rows.length;
    }
    if (drawn.length === 0) {
      throw new AppError(
        'nothing_due',
        body.specialtyCode === undefined
          ? 'No pathways are due for validation today that are not already being validated'
          : `No pathways in specialty ${body.specialtyCode} are due for validation today that are not already being validated`,
      );
    }
    const batchId = randomUUID();
    await tx.insert(validationBatches).values({
      orgId,
      id: batchId,
      asOf,
      specialtyCode: body.specialtyCode ?? null,
      size: drawn.length,
      createdBy: ctx.principal.id,
      createdAt: ctx.now,
    });
    await tx.insert(validationContacts).values(
      drawn.map((d) => ({
        orgId,
        batchId,
        pathwayId: d.id,
        patientId: d.patientId,
        dueOn: d.due.dueOn,
        reasons: d.due.reasons,
        status: 'to-contact',
        updatedBy: ctx.principal.id,
        updatedAt: ctx.now,
      })),
    );
    await audit(tx, ctx, {
      action: 'ValidationBatch.create',
      resourceType: 'ValidationBatch',
      resourceId: batchId,
      detail: { size: drawn.length, requested: body.size, specialtyCode: body.specialtyCode ?? null },
    });
    await writeAuditForMany(
      tx,
      actorOf(ctx),
      'ValidationContact.create',
      'Pathway',
      drawn.map((d) => ({ resourceId: d.id, patientId: d.patientId })),
    );
    return batchDetail(tx, orgId, batchId, asOf);
  });
}

/** Batches, newest first, with their contacts counted by status (no patient data: not audited). */
export async function listBatches(db: Database, ctx: RequestContext, q: BatchListQuery): Promise<BatchList> {
  const orgId = ctx.principal.orgId;
  const rows = await summaries(db, orgId).limit(q.limit).offset(q.offset);
  const [count] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(validationBatches)
    .where(eq(validationBatches.orgId, orgId));
  return { total: Number(count?.n ?? 0), limit: q.limit, offset: q.offset, batches: rows.map(summaryOf) };
}

/** A batch with its contacts and what to do next with each; one audit row per patient shown. */
export async function getBatch(db: Database, ctx: RequestContext, batchId: string): Promise<BatchDetail> {
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    const detail = await batchDetail(tx, orgId, batchId, londonToday(ctx.now));
    await writeAuditForMany(
      tx,
      actorOf(ctx),
      'ValidationContact.read',
      'Pathway',
      detail.contacts.map((c) => ({ resourceId: c.pathwayId, patientId: c.patient.id })),
    );
    return detail;
  });
}

// -------------------------------------------------------------------------------------- work on a contact

const conflict = (detail: string) => new AppError('conflict', detail);

function notInFuture(field: string, date: string, today: string): void {
  if (date > today) throw invalid(field, `${field.split('/').pop()} must be today or in the past`);
}

interface Locked {
  contact: ContactRow;
  batchAsOf: string;
}

/**
 * Runs one piece of work on a contact in a transaction: locks the contact (two people recording on it at once
 * are applied one after the other), refuses anything on a closed contact, applies `work`, audits it and
 * answers with the contact as it now stands.
 */
async function onContact(
  db: Database,
  ctx: RequestContext,
  batchId: string,
  pathwayId: string,
  action: string,
  work: (tx: Database, locked: Locked, today: string) => Promise<Record<string, unknown>>,
): Promise<ContactView> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  return db.transaction(async (tx) => {
    const [locked] = await tx
      .select({ contact: validationContacts, batchAsOf: validationBatches.asOf })
      .from(validationContacts)
      .innerJoin(
        validationBatches,
        and(
          eq(validationBatches.orgId, validationContacts.orgId),
          eq(validationBatches.id, validationContacts.batchId),
        ),
      )
      .where(
        and(
          eq(validationContacts.orgId, orgId),
          eq(validationContacts.batchId, batchId),
          eq(validationContacts.pathwayId, pathwayId),
        ),
      )
      .for('update', { of: validationContacts });
    if (!locked) throw notFound('This pathway in this validation batch');
    if (locked.contact.status === 'closed') {
      throw conflict(
        `This validation is finished (${locked.contact.outcome ?? 'closed'} on ${locked.contact.outcomeOn ?? 'an earlier date'}): nothing more can be recorded on it`,
      );
    }
    const detail = await work(tx, locked, today);
    await audit(tx, ctx, {
      action,
      resourceType: 'Pathway',
      resourceId: pathwayId,
      patientId: locked.contact.patientId,
      detail: { batchId, ...detail },
    });
    const [view] = await loadContacts(tx, orgId, batchId, today, pathwayId);
    if (!view) throw notFound('This pathway in this validation batch');
    return view;
  });
}

const contactKey = (c: ContactRow) =>
  and(
    eq(validationContacts.orgId, c.orgId),
    eq(validationContacts.batchId, c.batchId),
    eq(validationContacts.pathwayId, c.pathwayId),
  );

const joinNote = (existing: string | null, added: string | undefined): string | null => {
  const note = added?.trim();
  if (!note) return existing;
  return existing ? `${existing}\n${note}` : note;
};

/** Moves the pathway's last validation and last contact forward (never back) to `date`. */
async function markPathway(
  tx: Database,
  c: ContactRow,
  marks: { validatedOn?: string; contactOn?: string },
): Promise<void> {
  const set: { lastValidatedOn?: SQL; lastContactOn?: SQL } = {};
  if (marks.validatedOn !== undefined) {
    set.lastValidatedOn = sql`greatest(${pathways.lastValidatedOn}, ${marks.validatedOn}::date)`;
  }
  if (marks.contactOn !== undefined) {
    set.lastContactOn = sql`greatest(${pathways.lastContactOn}, ${marks.contactOn}::date)`;
  }
  if (Object.keys(set).length === 0) return;
  await tx
    .update(pathways)
    .set(set)
    .where(and(eq(pathways.orgId, c.orgId), eq(pathways.id, c.pathwayId)));
}

/** The first contact with the patient was sent. */
export function recordSent(
  db: Database,
  ctx: RequestContext,
  batchId: string,
  pathwayId: string,
  body: SentBody,
): Promise<ContactView> {
  return onContact(
    db,
    ctx,
    batchId,
    pathwayId,
    'ValidationContact.sent',
    async (tx, { contact, batchAsOf }, today) => {
      notInFuture('/body/sentOn', body.sentOn, today);
      if (contact.status !== 'to-contact') {
        throw conflict(
          `The contact was already sent on ${contact.sentOn ?? 'an earlier date'}: record a reminder or the patient's reply instead`,
        );
      }
      if (body.sentOn < batchAsOf) {
        throw invalid('/body/sentOn', `sentOn cannot be before the batch was drawn (${batchAsOf})`);
      }
      await tx
        .update(validationContacts)
        .set({
          status: 'awaiting-reply',
          channel: body.channel,
          sentOn: body.sentOn,
          updatedBy: ctx.principal.id,
          updatedAt: ctx.now,
        })
        .where(contactKey(contact));
      return { channel: body.channel };
    },
  );
}

/** A reminder (or another channel) was used, once the reply window has passed (EX-VAL-02). */
export function recordReminder(
  db: Database,
  ctx: RequestContext,
  batchId: string,
  pathwayId: string,
  body: SentBody,
): Promise<ContactView> {
  return onContact(
    db,
    ctx,
    batchId,
    pathwayId,
    'ValidationContact.reminder',
    async (tx, { contact }, today) => {
      notInFuture('/body/sentOn', body.sentOn, today);
      if (contact.status === 'to-contact' || contact.sentOn === null) {
        throw conflict('Record that the patient was contacted before recording a reminder');
      }
      if (contact.status !== 'awaiting-reply') {
        throw conflict('The patient has already replied: a reminder is not needed');
      }
      if (contact.reminderSentOn !== null) {
        throw conflict(`A reminder was already sent on ${contact.reminderSentOn}`);
      }
      const window = validationContactStatus({ sentOn: contact.sentOn, repliedOn: null, asOf: body.sentOn });
      if (window.action === 'wait-for-reply') {
        throw conflict(
          `The patient has at least 14 days to reply: a reminder can be sent from ${window.reminderFrom}`,
        );
      }
      await tx
        .update(validationContacts)
        .set({ reminderSentOn: body.sentOn, updatedBy: ctx.principal.id, updatedAt: ctx.now })
        .where(contactKey(contact));
      return { channel: body.channel };
    },
  );
}

/**
 * The patient's reply (EX-VAL-03). Still needing care closes the contact as kept and counts as validated; a
 * postponement keeps the patient on the list; a request to come off the list waits, on the list, for a
 * clinician's decision; no reply keeps the patient on the list for follow-up.
 */
export function recordReply(
  db: Database,
  ctx: RequestContext,
  batchId: string,
  pathwayId: string,
  body: ReplyBody,
): Promise<ContactView> {
  return onContact(db, ctx, batchId, pathwayId, 'ValidationContact.reply', async (tx, { contact }, today) => {
    notInFuture('/body/respondedOn', body.respondedOn, today);
    const afterNoReply = contact.status === 'replied' && contact.response === 'no-reply';
    if (contact.status === 'to-contact' || contact.sentOn === null) {
      throw conflict('Record that the patient was contacted before recording their reply');
    }
    if (contact.status !== 'awaiting-reply' && !afterNoReply) {
      throw conflict('The patient has already replied: a clinician must now decide whether to remove them');
    }
    if (body.respondedOn < contact.sentOn) {
      throw invalid(
        '/body/respondedOn',
        `respondedOn cannot be before the contact was sent (${contact.sentOn})`,
      );
    }
    const response = body.response;
    if (response === 'no-reply') {
      if (afterNoReply)
        throw conflict(`No reply was already recorded on ${contact.respondedOn ?? ''}`.trim());
      const window = validationContactStatus({
        sentOn: contact.reminderSentOn ?? contact.sentOn,
        repliedOn: null,
        asOf: body.respondedOn,
      });
      if (window.action === 'wait-for-reply') {
        throw conflict(
          `The patient has at least 14 days to reply: no reply can be recorded from ${window.reminderFrom}`,
        );
      }
    }
    const outcome = validationResponseOutcome(response);
    const closes = response === 'still-needs-care' || response === 'postpone';
    const contactOutcome: ContactOutcome | null =
      response === 'still-needs-care' ? 'kept' : response === 'postpone' ? 'postponed' : null;
    await tx
      .update(validationContacts)
      .set({
        status: closes ? 'closed' : 'replied',
        response,
        respondedOn: body.respondedOn,
        outcome: contactOutcome,
        outcomeOn: closes ? body.respondedOn : null,
        note: joinNote(contact.note, body.note),
        updatedBy: ctx.principal.id,
        updatedAt: ctx.now,
      })
      .where(contactKey(contact));
    if (closes)
      await markPathway(tx, contact, { validatedOn: body.respondedOn, contactOn: body.respondedOn });
    else if (isRemovalResponse(response)) await markPathway(tx, contact, { contactOn: body.respondedOn });
    return { response, task: outcome.task, keepOnList: outcome.keepOnList };
  });
}

const REMOVAL_NOTES: Record<'treated-elsewhere' | 'no-longer-needs-care' | 'declines-treatment', string> = {
  'treated-elsewhere': 'Removed after waiting-list validation: treated elsewhere',
  'no-longer-needs-care': 'Removed after waiting-list validation: no longer needs treatment',
  'declines-treatment': 'Removed after waiting-list validation: declines treatment',
};

/** Where an RTT rule refused by the event service points in this request's body. */
const DECISION_FIELDS: Record<string, string> = {
  '/body/date': '/body/decidedOn',
  '/body/code': '/body/confirmed',
  '/body/clinicianDecision': '/body/clinicianId',
};

/**
 * A clinician's decision on a patient's request to come off the list. Confirmed: the clock stops on the
 * decision date with core's stop code (34 or 35), in the same transaction; not confirmed: the patient stays on
 * the list and the pathway counts as validated.
 */
export function recordDecision(
  db: Database,
  ctx: RequestContext,
  batchId: string,
  pathwayId: string,
  body: DecisionBody,
): Promise<ContactView> {
  return onContact(
    db,
    ctx,
    batchId,
    pathwayId,
    'ValidationContact.decision',
    async (tx, { contact }, today) => {
      notInFuture('/body/decidedOn', body.decidedOn, today);
      const response = contact.response as ValidationResponse | null;
      if (contact.status !== 'replied' || !isRemovalResponse(response)) {
        throw conflict(
          response === 'no-reply'
            ? 'Nobody is removed from the waiting list for not replying: follow the patient up instead'
            : 'A removal can be decided only once the patient has asked to come off the list',
        );
      }
      if (contact.respondedOn !== null && body.decidedOn < contact.respondedOn) {
        throw invalid(
          '/body/decidedOn',
          `decidedOn cannot be before the patient replied (${contact.respondedOn})`,
        );
      }
      const [clinician] = await tx
        .select({ id: clinicians.id })
        .from(clinicians)
        .where(and(eq(clinicians.orgId, contact.orgId), eq(clinicians.id, body.clinicianId)));
      if (!clinician) {
        throw invalid('/body/clinicianId', 'clinicianId must be a clinician of your organisation');
      }
      let stopCode: string | null = null;
      if (body.confirmed) {
        const event = validationRemovalEvent({
          response,
          confirmedOn: body.decidedOn,
          clinicianConfirmed: true,
        });
        stopCode = event.code;
        try {
          await appendRttEvent(
            tx,
            ctx,
            pathwayId,
            {
              date: event.date,
              code: event.code,
              clinicianDecision: true,
              note: body.note?.trim() || REMOVAL_NOTES[response],
            },
            'validation',
            '/body',
          );
        } catch (err) {
          if (!(err instanceof AppError) || !err.errors) throw err;
          throw new AppError(err.code, err.message, {
            errors: err.errors.map((e) => ({ ...e, field: DECISION_FIELDS[e.field] ?? e.field })),
            ...(err.rule ? { rule: err.rule } : {}),
          });
        }
      }
      await tx
        .update(validationContacts)
        .set({
          status: 'closed',
          outcome: body.confirmed ? 'removed' : 'removal-declined',
          outcomeOn: body.decidedOn,
          decidedByClinicianId: body.clinicianId,
          note: joinNote(contact.note, body.note),
          updatedBy: ctx.principal.id,
          updatedAt: ctx.now,
        })
        .where(contactKey(contact));
      await markPathway(tx, contact, { validatedOn: body.decidedOn });
      return { confirmed: body.confirmed, stopCode, clinicianId: body.clinicianId };
    },
  );
}
