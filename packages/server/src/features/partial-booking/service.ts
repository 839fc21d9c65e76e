/**
 * The partial-booking list (§2.1, §2.6): a patient added now, invited to choose a date nearer the time.
 *
 * The chain is scheduled work, each step a job that checks the entry first (a reply or a booking in between
 * stops it) and is idempotent (its keys hang off the job before it):
 *   added ('waiting') → `partial-booking.invite` on invite_on (letter, and SMS where it suits) → 'invited', reply_by
 *   → `partial-booking.remind` on reply_by (reminder) → 'reminded'
 *   → `partial-booking.follow-up` reminderReplyDays later → a task for the booking team, 'follow-up'.
 * Nobody leaves the list for not replying, and no clock changes: a patient who says they no longer need care
 * gets a task for a clinician to confirm the removal (never removal by itself).
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, gte, inArray, sql } from 'drizzle-orm';
import {
  addDays,
  chooseChannels,
  daysBetween,
  parsePlainDate,
  partialBookingDates,
  policyJobInstant,
  teamFor,
  type AccessPolicySettings,
  type NewPartialBooking,
  type PartialBookingList,
  type PartialBookingNextStep,
  type PartialBookingReplyInput,
  type PartialBookingReplyResult,
  type PartialBookingStatus,
  type PartialBookingView,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { appointments, partialBookings, pathways, patients, tasks } from '../../db/schema';
import { systemContext, type RequestContext } from '../../auth/principal';
import { actorOf, audit, writeAuditForMany } from '../../audit/audit';
import { AppError, invalid, notFound } from '../../errors';
import { londonToday } from '../../clock';
import { scheduleJobs, type JobContext } from '../../jobs/scheduler';
import { cancelTasks, createTasks, type NewTask } from '../tasks/service';
import { queueCommunications, type QueuedCommunication } from '../communications/outbox';
import { accessPolicyOn } from '../access-policy/service';

type Row = typeof partialBookings.$inferSelect;
type PatientRow = Pick<typeof patients.$inferSelect, 'id' | 'nhsNumber' | 'givenName' | 'familyName'>;

export const PARTIAL_BOOKING_JOBS = {
  invite: 'partial-booking.invite',
  remind: 'partial-booking.remind',
  followUp: 'partial-booking.follow-up',
} as const;

/** Statuses in which the entry is still open (one open entry per pathway). */
const OPEN: PartialBookingStatus[] = ['waiting', 'invited', 'reminded', 'replied', 'follow-up'];

function checkDate(field: string, value: string): void {
  try {
    parsePlainDate(value);
  } catch {
    throw invalid(field, 'Enter a real date, like 2027-03-01');
  }
}

async function openTaskTypes(tx: Database, orgId: string, ids: readonly string[]) {
  if (ids.length === 0) return new Map<string, string[]>();
  const rows = await tx
    .select({ type: tasks.type, entry: sql<string>`${tasks.detail}->>'partialBookingId'` })
    .from(tasks)
    .where(
      and(
        eq(tasks.orgId, orgId),
        inArray(tasks.status, ['open', 'in-progress']),
        inArray(tasks.type, ['confirm-removal', 'partial-booking-follow-up', 'clinical-review']),
        inArray(sql`${tasks.detail}->>'partialBookingId'`, [...ids]),
      ),
    );
  const map = new Map<string, string[]>();
  for (const r of rows) map.set(r.entry, [...(map.get(r.entry) ?? []), r.type]);
  return map;
}

function nextStep(
  row: Row,
  openTypes: readonly string[],
  policy: AccessPolicySettings,
): { step: PartialBookingNextStep; on: string | null } {
  const status = row.status as PartialBookingStatus;
  switch (status) {
    case 'waiting':
      return { step: 'invite', on: row.inviteOn };
    case 'invited':
      return policy.partialBooking.reminders > 0
        ? { step: 'remind', on: row.replyBy }
        : { step: 'follow-up', on: row.replyBy };
    case 'reminded':
      return {
        step: 'follow-up',
        on: row.remindedOn
          ? addDays(parsePlainDate(row.remindedOn), policy.partialBooking.reminderReplyDays).toString()
          : null,
      };
    case 'replied':
      return openTypes.includes('confirm-removal')
        ? { step: 'confirm-removal', on: null }
        : { step: 'book', on: row.dueDate };
    case 'follow-up':
      return { step: 'work-task', on: null };
    case 'booked':
    case 'closed':
      return { step: 'none', on: null };
  }
}

function view(
  row: Row,
  patient: PatientRow,
  openTypes: readonly string[],
  policy: AccessPolicySettings,
): PartialBookingView {
  const next = nextStep(row, openTypes, policy);
  return {
    id: row.id,
    pathwayId: row.pathwayId,
    patient: {
      id: patient.id,
      nhsNumber: patient.nhsNumber,
      name: `${patient.familyName}, ${patient.givenName}`,
    },
    specialtyCode: row.specialtyCode,
    dueDate: row.dueDate,
    latestDate: row.latestDate,
    inviteOn: row.inviteOn,
    invitedOn: row.invitedOn,
    replyBy: row.replyBy,
    remindedOn: row.remindedOn,
    repliedOn: row.repliedOn,
    status: row.status as PartialBookingStatus,
    nextStep: next.step,
    nextStepOn: next.on,
    followUpId: row.followUpId,
    createdAt: row.createdAt.toISOString(),
  };
}

async function patientOf(tx: Database, orgId: string, patientId: string): Promise<PatientRow> {
  const [p] = await tx
    .select({
      id: patients.id,
      nhsNumber: patients.nhsNumber,
      givenName: patients.givenName,
      familyName: patients.familyName,
    })
    .from(patients)
    .where(and(eq(patients.orgId, orgId), eq(patients.id, patientId)));
  if (!p) throw notFound('Patient');
  return p;
}

async function viewOne(tx: Database, orgId: string, row: Row, today: string): Promise<PartialBookingView> {
  // One after the other: a transaction is one connection, and its queries cannot overlap.
  const patient = await patientOf(tx, orgId, row.patientId);
  const open = await openTaskTypes(tx, orgId, [row.id]);
  const policy = await accessPolicyOn(tx, orgId, today);
  return view(row, patient, open.get(row.id) ?? [], policy);
}

function inviteJob(row: Pick<Row, 'id' | 'inviteOn'>, tag: string) {
  return {
    kind: PARTIAL_BOOKING_JOBS.invite,
    dedupeKey: `${PARTIAL_BOOKING_JOBS.invite}:${row.id}:${row.inviteOn}:${tag}`,
    dueAt: new Date(policyJobInstant(row.inviteOn)),
    payload: { partialBookingId: row.id, inviteOn: row.inviteOn },
  };
}

/**
 * Adds a pathway to the partial-booking list: 'waiting', invited `inviteWeeksBeforeDue` weeks before the due date
 * (not before today), the invitation job scheduled for that day at 09:00 London. The pathway must be open and
 * have no open entry (409); the due date today or later and the LCAD on or after it (400).
 */
export async function addPartialBooking(
  db: Database,
  ctx: RequestContext,
  input: NewPartialBooking,
): Promise<PartialBookingView> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  checkDate('/body/dueDate', input.dueDate);
  if (input.latestDate) checkDate('/body/latestDate', input.latestDate);
  if (input.dueDate < today) {
    throw invalid('/body/dueDate', `The due date must be today (${today}) or later`);
  }
  if (input.latestDate && input.latestDate < input.dueDate) {
    throw invalid(
      '/body/latestDate',
      'The latest clinically appropriate date must be on or after the due date',
    );
  }
  return db.transaction(async (tx) => {
    const [pathway] = await tx
      .select({
        id: pathways.id,
        patientId: pathways.patientId,
        specialtyCode: pathways.specialtyCode,
        status: pathways.status,
      })
      .from(pathways)
      .where(and(eq(pathways.orgId, orgId), eq(pathways.id, input.pathwayId)))
      .for('update');
    if (!pathway) throw notFound('Pathway');
    if (pathway.status !== 'open') {
      throw new AppError(
        'conflict',
        'The pathway is closed: a closed pathway cannot go on the partial-booking list',
      );
    }
    const [already] = await tx
      .select({ id: partialBookings.id })
      .from(partialBookings)
      .where(
        and(
          eq(partialBookings.orgId, orgId),
          eq(partialBookings.pathwayId, pathway.id),
          inArray(partialBookings.status, OPEN),
        ),
      );
    if (already) {
      throw new AppError('conflict', 'The pathway is already on the partial-booking list', {
        extensions: { partialBookingId: already.id },
      });
    }
    const policy = await accessPolicyOn(tx, orgId, today);
    const dates = partialBookingDates({ dueDate: input.dueDate, addedOn: today }, policy);
    const row: Row = {
      orgId,
      id: randomUUID(),
      pathwayId: pathway.id,
      patientId: pathway.patientId,
      specialtyCode: pathway.specialtyCode,
      dueDate: input.dueDate,
      latestDate: input.latestDate ?? null,
      inviteOn: dates.inviteOn,
      invitedOn: null,
      replyBy: null,
      remindedOn: null,
      repliedOn: null,
      status: 'waiting',
      followUpId: input.followUpId ?? null,
      createdBy: ctx.principal.id,
      createdAt: ctx.now,
    };
    await tx.insert(partialBookings).values(row);
    await scheduleJobs(tx, orgId, [inviteJob(row, 'added')], ctx.now);
    await audit(tx, ctx, {
      action: 'PartialBooking.create',
      resourceType: 'PartialBooking',
      resourceId: row.id,
      patientId: row.patientId,
      detail: { pathwayId: row.pathwayId, dueDate: row.dueDate, inviteOn: row.inviteOn },
    });
    return view(row, await patientOf(tx, orgId, row.patientId), [], policy);
  });
}

export interface PartialBookingQuery {
  specialty?: string;
  status?: PartialBookingStatus;
}

/** The list, earliest due date first (open entries unless a status is asked for). Audited per entry. */
export async function listPartialBookings(
  db: Database,
  ctx: RequestContext,
  q: PartialBookingQuery,
): Promise<PartialBookingList> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({
        entry: partialBookings,
        patient: {
          id: patients.id,
          nhsNumber: patients.nhsNumber,
          givenName: patients.givenName,
          familyName: patients.familyName,
        },
      })
      .from(partialBookings)
      .innerJoin(
        patients,
        and(eq(patients.orgId, partialBookings.orgId), eq(patients.id, partialBookings.patientId)),
      )
      .where(
        and(
          eq(partialBookings.orgId, orgId),
          q.specialty ? eq(partialBookings.specialtyCode, q.specialty) : undefined,
          q.status ? eq(partialBookings.status, q.status) : inArray(partialBookings.status, OPEN),
        ),
      )
      .orderBy(asc(partialBookings.dueDate), asc(partialBookings.createdAt), asc(partialBookings.id))
      .limit(2000);
    const open = await openTaskTypes(
      tx,
      orgId,
      rows.map((r) => r.entry.id),
    );
    const policy = await accessPolicyOn(tx, orgId, today);
    await writeAuditForMany(
      tx,
      actorOf(ctx),
      'PartialBooking.read',
      'PartialBooking',
      rows.map((r) => ({ resourceId: r.entry.id, patientId: r.entry.patientId })),
    );
    return {
      asOf: today,
      rows: rows.map((r) => view(r.entry, r.patient, open.get(r.entry.id) ?? [], policy)),
    };
  });
}

async function lockEntry(tx: Database, orgId: string, id: string): Promise<Row> {
  const [row] = await tx
    .select()
    .from(partialBookings)
    .where(and(eq(partialBookings.orgId, orgId), eq(partialBookings.id, id)))
    .for('update');
  if (!row) throw notFound('Partial-booking entry');
  return row;
}

/**
 * The patient's reply. `will-book`: 'replied', the clerk books in the usual way. `postpone` with a new due date:
 * invited again nearer it ('waiting'); a delay of more than `delayReviewOverWeeks` weeks also makes a clinical
 * review; without a date, 'replied'. `no-longer-needed`: 'replied' and a 'confirm-removal' task for a clinician
 * (the patient stays on the list until a clinician confirms). Open follow-up tasks are closed as answered.
 */
export async function replyToPartialBooking(
  db: Database,
  ctx: RequestContext,
  id: string,
  input: PartialBookingReplyInput,
): Promise<PartialBookingReplyResult> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  if (input.dueDate) checkDate('/body/dueDate', input.dueDate);
  if (input.dueDate && input.reply !== 'postpone') {
    throw invalid('/body/dueDate', 'A new due date goes only with the reply "postpone"');
  }
  if (input.dueDate && input.dueDate < today) {
    throw invalid('/body/dueDate', `The new due date must be today (${today}) or later`);
  }
  return db.transaction(async (tx) => {
    const row = await lockEntry(tx, orgId, id);
    if (row.status === 'booked' || row.status === 'closed') {
      throw new AppError('conflict', `The entry is already ${row.status}: there is nothing to reply to`);
    }
    const policy = await accessPolicyOn(tx, orgId, today);
    const change: Partial<Row> = { repliedOn: today, status: 'replied' };
    const newTasks: NewTask[] = [];
    const detail = { partialBookingId: row.id, reply: input.reply };
    if (input.reply === 'no-longer-needed') {
      newTasks.push({
        type: 'confirm-removal',
        team: teamFor('clinician', row.specialtyCode),
        patientId: row.patientId,
        pathwayId: row.pathwayId,
        detail: { ...detail, rule: 'ACC-2.6-no-removal-without-clinician' },
        dedupeKey: `partial-booking:confirm-removal:${row.id}:${today}`,
      });
    }
    if (input.reply === 'postpone' && input.dueDate) {
      const delay = daysBetween(parsePlainDate(row.dueDate), parsePlainDate(input.dueDate));
      const dates = partialBookingDates({ dueDate: input.dueDate, addedOn: today }, policy);
      Object.assign(change, {
        status: 'waiting',
        dueDate: input.dueDate,
        latestDate: row.latestDate && row.latestDate < input.dueDate ? null : row.latestDate,
        inviteOn: dates.inviteOn,
        invitedOn: null,
        replyBy: null,
        remindedOn: null,
      });
      if (delay > policy.patientCancellation.delayReviewOverWeeks * 7) {
        newTasks.push({
          type: 'clinical-review',
          team: teamFor('clinician', row.specialtyCode),
          patientId: row.patientId,
          pathwayId: row.pathwayId,
          detail: { ...detail, delayDays: delay, rule: 'ACC-2.3-delay-over-6-weeks' },
          dedupeKey: `partial-booking:delay-review:${row.id}:${input.dueDate}`,
        });
      }
      await scheduleJobs(
        tx,
        orgId,
        [inviteJob({ id: row.id, inviteOn: dates.inviteOn }, `postponed-${ctx.now.getTime()}`)],
        ctx.now,
      );
    }
    const [updated] = await tx
      .update(partialBookings)
      .set(change)
      .where(and(eq(partialBookings.orgId, orgId), eq(partialBookings.id, row.id)))
      .returning();
    await closeFollowUpTasks(tx, ctx, row.id, 'patient-replied');
    const taskIds = await createTasks(tx, ctx, newTasks);
    await audit(tx, ctx, {
      action: 'PartialBooking.reply',
      resourceType: 'PartialBooking',
      resourceId: row.id,
      patientId: row.patientId,
      detail: { reply: input.reply, tasks: taskIds.length },
    });
    return { entry: await viewOne(tx, orgId, updated!, today), taskIds };
  });
}

/** Open follow-up tasks of an entry are done with once the patient replies or is booked. */
async function closeFollowUpTasks(tx: Database, ctx: RequestContext, entryId: string, reason: string) {
  const open = await tx
    .select({ key: tasks.dedupeKey })
    .from(tasks)
    .where(
      and(
        eq(tasks.orgId, ctx.principal.orgId),
        eq(tasks.type, 'partial-booking-follow-up'),
        inArray(tasks.status, ['open', 'in-progress']),
        sql`${tasks.detail}->>'partialBookingId' = ${entryId}`,
      ),
    );
  const keys = open.map((t) => t.key).filter((k): k is string => k !== null);
  if (keys.length === 0) return;
  await cancelTasks(tx, ctx, { dedupeKeys: keys }, reason);
}

/**
 * The entry was booked: the appointment must be the patient's, on the entry's pathway, and booked (not
 * cancelled). The chain stops (each job checks the status). Booking it again with the same appointment answers
 * the entry as it is.
 */
export async function markPartialBookingBooked(
  db: Database,
  ctx: RequestContext,
  id: string,
  appointmentId: string,
): Promise<PartialBookingView> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  return db.transaction(async (tx) => {
    const row = await lockEntry(tx, orgId, id);
    const [appt] = await tx
      .select({ id: appointments.id, pathwayId: appointments.pathwayId, status: appointments.status })
      .from(appointments)
      .where(and(eq(appointments.orgId, orgId), eq(appointments.id, appointmentId)));
    if (!appt) throw invalid('/body/appointmentId', 'No such appointment');
    if (appt.pathwayId !== row.pathwayId) {
      throw invalid('/body/appointmentId', 'The appointment is on another pathway');
    }
    if (appt.status !== 'booked') {
      throw invalid('/body/appointmentId', `The appointment is ${appt.status}, not booked`);
    }
    if (row.status === 'closed') throw new AppError('conflict', 'The entry is closed');
    let current = row;
    if (row.status !== 'booked') {
      const [updated] = await tx
        .update(partialBookings)
        .set({ status: 'booked' })
        .where(and(eq(partialBookings.orgId, orgId), eq(partialBookings.id, row.id)))
        .returning();
      current = updated!;
      await closeFollowUpTasks(tx, ctx, row.id, 'booked');
    }
    await audit(tx, ctx, {
      action: 'PartialBooking.booked',
      resourceType: 'PartialBooking',
      resourceId: row.id,
      patientId: row.patientId,
      detail: { appointmentId, already: row.status === 'booked' },
    });
    return viewOne(tx, orgId, current, today);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The jobs

function stringField(payload: Record<string, unknown>, key: string): string {
  const v = payload[key];
  if (typeof v !== 'string') throw new Error(`partial-booking job payload has no ${key}`);
  return v;
}

async function jobEntry(
  tx: Database,
  job: JobContext,
  payload: Record<string, unknown>,
): Promise<Row | undefined> {
  const [row] = await tx
    .select()
    .from(partialBookings)
    .where(
      and(
        eq(partialBookings.orgId, job.orgId),
        eq(partialBookings.id, stringField(payload, 'partialBookingId')),
      ),
    )
    .for('update');
  return row;
}

/**
 * A booking made the usual way, without `POST …/booked`: a booked appointment on the entry's pathway, booked
 * since the entry was added and not yet past. The entry becomes 'booked' and the chain stops.
 */
async function detectBooking(tx: Database, job: JobContext, row: Row): Promise<boolean> {
  const [appt] = await tx
    .select({ id: appointments.id })
    .from(appointments)
    .where(
      and(
        eq(appointments.orgId, job.orgId),
        eq(appointments.pathwayId, row.pathwayId),
        eq(appointments.status, 'booked'),
        gte(appointments.bookedAt, row.createdAt),
        gte(appointments.startsAt, job.now),
      ),
    )
    .limit(1);
  if (!appt) return false;
  await tx
    .update(partialBookings)
    .set({ status: 'booked' })
    .where(and(eq(partialBookings.orgId, job.orgId), eq(partialBookings.id, row.id)));
  await audit(tx, systemContext(job.orgId, job.now), {
    action: 'PartialBooking.booked',
    resourceType: 'PartialBooking',
    resourceId: row.id,
    patientId: row.patientId,
    detail: { appointmentId: appt.id, detected: true },
  });
  return true;
}

/** Letter always; SMS and email where they suit the patient and the policy sends them. */
async function messagesFor(
  tx: Database,
  orgId: string,
  row: Row,
  kind: 'partial-booking-invitation' | 'partial-booking-reminder',
  key: string,
  detail: Record<string, unknown>,
  policy: AccessPolicySettings,
): Promise<QueuedCommunication[]> {
  const [p] = await tx
    .select({
      phone: patients.phone,
      email: patients.email,
      needs: patients.communicationNeeds,
      interpreterLanguage: patients.interpreterLanguage,
    })
    .from(patients)
    .where(and(eq(patients.orgId, orgId), eq(patients.id, row.patientId)));
  const choice = chooseChannels({
    needs: p?.needs ?? [],
    phone: p?.phone ?? null,
    email: p?.email ?? null,
    interpreterLanguage: p?.interpreterLanguage ?? null,
    policy: policy.communications,
  });
  const channels = (['letter', 'sms', 'email'] as const).filter((c) => choice[c] || c === 'letter');
  return channels.map((channel) => ({
    patientId: row.patientId,
    pathwayId: row.pathwayId,
    kind,
    channel,
    detail,
    dedupeKey: `${key}:${channel}`,
  }));
}

/** `partial-booking.invite`: if still waiting for this invitation, invite the patient and schedule the reminder. */
export async function runInviteJob(tx: Database, payload: Record<string, unknown>, job: JobContext) {
  const row = await jobEntry(tx, job, payload);
  if (!row || row.status !== 'waiting' || row.inviteOn !== stringField(payload, 'inviteOn')) return;
  if (await detectBooking(tx, job, row)) return;
  const ctx = systemContext(job.orgId, job.now);
  const today = londonToday(job.now);
  const policy = await accessPolicyOn(tx, job.orgId, today);
  const dates = partialBookingDates({ dueDate: row.dueDate, addedOn: row.inviteOn }, policy);
  const replyBy = dates.replyBy(today);
  const key = `partial-booking:invitation:${row.id}:${job.jobId}`;
  await queueCommunications(
    tx,
    ctx,
    await messagesFor(
      tx,
      job.orgId,
      row,
      'partial-booking-invitation',
      key,
      { partialBookingId: row.id, dueDate: row.dueDate, replyBy },
      policy,
    ),
  );
  await tx
    .update(partialBookings)
    .set({ status: 'invited', invitedOn: today, replyBy })
    .where(and(eq(partialBookings.orgId, job.orgId), eq(partialBookings.id, row.id)));
  const next =
    policy.partialBooking.reminders > 0
      ? {
          kind: PARTIAL_BOOKING_JOBS.remind,
          payload: { partialBookingId: row.id, invitedOn: today, reminder: 1 },
        }
      : { kind: PARTIAL_BOOKING_JOBS.followUp, payload: { partialBookingId: row.id, invitedOn: today } };
  await scheduleJobs(
    tx,
    job.orgId,
    [
      {
        ...next,
        dedupeKey: `${next.kind}:${row.id}:${job.jobId}`,
        dueAt: new Date(policyJobInstant(replyBy)),
      },
    ],
    job.now,
  );
  await audit(tx, ctx, {
    action: 'PartialBooking.invite',
    resourceType: 'PartialBooking',
    resourceId: row.id,
    patientId: row.patientId,
    detail: { replyBy },
  });
}

/** `partial-booking.remind`: if no reply or booking yet, remind; then another reminder or the follow-up. */
export async function runRemindJob(tx: Database, payload: Record<string, unknown>, job: JobContext) {
  const row = await jobEntry(tx, job, payload);
  if (
    !row ||
    !['invited', 'reminded'].includes(row.status) ||
    row.invitedOn !== stringField(payload, 'invitedOn')
  )
    return;
  if (await detectBooking(tx, job, row)) return;
  const ctx = systemContext(job.orgId, job.now);
  const today = londonToday(job.now);
  const policy = await accessPolicyOn(tx, job.orgId, today);
  const n = typeof payload.reminder === 'number' ? payload.reminder : 1;
  const key = `partial-booking:reminder:${row.id}:${job.jobId}`;
  await queueCommunications(
    tx,
    ctx,
    await messagesFor(
      tx,
      job.orgId,
      row,
      'partial-booking-reminder',
      key,
      { partialBookingId: row.id, dueDate: row.dueDate, reminder: n },
      policy,
    ),
  );
  await tx
    .update(partialBookings)
    .set({ status: 'reminded', remindedOn: today })
    .where(and(eq(partialBookings.orgId, job.orgId), eq(partialBookings.id, row.id)));
  const at = partialBookingDates({ dueDate: row.dueDate, addedOn: row.inviteOn }, policy).followUpOn(today);
  const next =
    n < policy.partialBooking.reminders
      ? {
          kind: PARTIAL_BOOKING_JOBS.remind,
          payload: { partialBookingId: row.id, invitedOn: row.invitedOn, reminder: n + 1 },
        }
      : {
          kind: PARTIAL_BOOKING_JOBS.followUp,
          payload: { partialBookingId: row.id, invitedOn: row.invitedOn },
        };
  await scheduleJobs(
    tx,
    job.orgId,
    [{ ...next, dedupeKey: `${next.kind}:${row.id}:${job.jobId}`, dueAt: new Date(policyJobInstant(at)) }],
    job.now,
  );
  await audit(tx, ctx, {
    action: 'PartialBooking.remind',
    resourceType: 'PartialBooking',
    resourceId: row.id,
    patientId: row.patientId,
    detail: { reminder: n },
  });
}

/** `partial-booking.follow-up`: still no reply: a task for the booking team. The patient stays on the list. */
export async function runFollowUpJob(tx: Database, payload: Record<string, unknown>, job: JobContext) {
  const row = await jobEntry(tx, job, payload);
  if (
    !row ||
    !['invited', 'reminded'].includes(row.status) ||
    row.invitedOn !== stringField(payload, 'invitedOn')
  )
    return;
  if (await detectBooking(tx, job, row)) return;
  const ctx = systemContext(job.orgId, job.now);
  await createTasks(tx, ctx, [
    {
      type: 'partial-booking-follow-up',
      team: teamFor('booking-clerk', row.specialtyCode),
      patientId: row.patientId,
      pathwayId: row.pathwayId,
      detail: {
        partialBookingId: row.id,
        dueDate: row.dueDate,
        invitedOn: row.invitedOn,
        remindedOn: row.remindedOn,
        rule: 'ACC-2.6-no-removal-for-non-response',
      },
      dedupeKey: `partial-booking:follow-up:${row.id}:${row.invitedOn}`,
    },
  ]);
  await tx
    .update(partialBookings)
    .set({ status: 'follow-up' })
    .where(and(eq(partialBookings.orgId, job.orgId), eq(partialBookings.id, row.id)));
  await audit(tx, ctx, {
    action: 'PartialBooking.follow-up',
    resourceType: 'PartialBooking',
    resourceId: row.id,
    patientId: row.patientId,
  });
}
