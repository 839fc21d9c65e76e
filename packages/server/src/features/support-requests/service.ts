/**
 * Interpreters and transport for appointments (issue 5, §7.6 EX-AIS-02): when an appointment is booked for a
 * patient who needs an interpreter (a spoken language recorded, or BSL / deafblind manual among their needs) or is
 * eligible for patient transport, a request is recorded and a task to book it goes on the booking team's queue.
 * The request moves and is cancelled with its appointment: a request already booked with the supplier gets a task
 * to cancel (or move) that booking, so no interpreter or ambulance turns up for an appointment that is not there.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, ne, type SQL } from 'drizzle-orm';
import {
  addDays,
  londonDateOfEpochMilliseconds,
  parsePlainDate,
  teamFor,
  TASK_TYPES,
  type CommunicationNeed,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { supportRequests, taskEvents, tasks } from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { londonToday } from '../../clock';
import { AppError, notFound } from '../../errors';
import { cancelTasks, createTasks } from '../tasks/service';

export type SupportKind = 'interpreter' | 'transport';

export interface SupportNeeds {
  interpreterLanguage: string | null;
  transportEligible: boolean;
  communicationNeeds: readonly string[];
}

/** What an appointment needs booking alongside it, from the patient's record. */
export function supportNeeded(needs: SupportNeeds): { kind: SupportKind; language: string | null }[] {
  const out: { kind: SupportKind; language: string | null }[] = [];
  const has = (n: CommunicationNeed) => needs.communicationNeeds.includes(n);
  const language =
    needs.interpreterLanguage?.trim() ||
    (has('bsl') ? 'British Sign Language' : has('deafblind-manual') ? 'Deafblind manual' : null);
  if (language) out.push({ kind: 'interpreter', language });
  if (needs.transportEligible) out.push({ kind: 'transport', language: null });
  return out;
}

export interface SupportAppointment {
  id: string;
  patientId: string;
  pathwayId: string;
  startsAt: Date;
  specialtyCode: string;
}

const BOOK_TASK = { interpreter: 'book-interpreter', transport: 'book-transport' } as const;
const CANCEL_TASK = { interpreter: 'cancel-interpreter', transport: 'cancel-transport' } as const;

/** Due by the type's usual time, but no later than the day before the appointment (and not before today). */
function dueBefore(ctx: RequestContext, type: keyof typeof TASK_TYPES, startsAt: Date): string {
  const today = londonToday(ctx.now);
  const usual = addDays(parsePlainDate(today), TASK_TYPES[type].dueInDays).toString();
  const dayBefore = addDays(parsePlainDate(londonDateOfEpochMilliseconds(startsAt.getTime())), -1).toString();
  const due = usual < dayBefore ? usual : dayBefore;
  return due < today ? today : due;
}

/** Records the requests a newly booked appointment needs, each with its task. Answers the requests made. */
export async function requestSupport(
  tx: Database,
  ctx: RequestContext,
  appt: SupportAppointment,
  needs: SupportNeeds,
): Promise<number> {
  const wanted = supportNeeded(needs);
  if (wanted.length === 0) return 0;
  const orgId = ctx.principal.orgId;
  const rows = wanted.map((w) => ({
    orgId,
    id: randomUUID(),
    kind: w.kind,
    appointmentId: appt.id,
    patientId: appt.patientId,
    language: w.language,
    startsAt: appt.startsAt,
    status: 'needed',
    reference: null,
    taskId: null as string | null,
    updatedAt: ctx.now,
  }));
  const taskIds = await createTasks(
    tx,
    ctx,
    rows.map((r) => ({
      type: BOOK_TASK[r.kind],
      team: teamFor('booking-clerk', appt.specialtyCode),
      dueDate: dueBefore(ctx, BOOK_TASK[r.kind], appt.startsAt),
      patientId: appt.patientId,
      pathwayId: appt.pathwayId,
      appointmentId: appt.id,
      detail: {
        rule: r.kind === 'interpreter' ? 'AIS-EX-02' : 'transport-eligible',
        supportRequestId: r.id,
        startsAt: appt.startsAt.toISOString(),
        ...(r.language ? { language: r.language } : {}),
      },
      dedupeKey: `support:${r.id}`,
    })),
  );
  rows.forEach((r, i) => (r.taskId = taskIds[i]!));
  await tx.insert(supportRequests).values(rows);
  return rows.length;
}

type RequestRow = typeof supportRequests.$inferSelect;

async function liveRequests(tx: Database, orgId: string, appointmentId: string): Promise<RequestRow[]> {
  return tx
    .select()
    .from(supportRequests)
    .where(
      and(
        eq(supportRequests.orgId, orgId),
        eq(supportRequests.appointmentId, appointmentId),
        ne(supportRequests.status, 'cancelled'),
      ),
    )
    .for('update');
}

async function cancelBookingTask(
  tx: Database,
  ctx: RequestContext,
  r: RequestRow,
  appt: Pick<SupportAppointment, 'patientId' | 'pathwayId' | 'specialtyCode'>,
  why: 'appointment-cancelled' | 'appointment-moved',
): Promise<void> {
  await createTasks(tx, ctx, [
    {
      type: CANCEL_TASK[r.kind as SupportKind],
      team: teamFor('booking-clerk', appt.specialtyCode),
      dueDate: londonToday(ctx.now),
      patientId: appt.patientId,
      pathwayId: appt.pathwayId,
      appointmentId: r.appointmentId,
      detail: {
        rule: why,
        supportRequestId: r.id,
        startsAt: r.startsAt.toISOString(),
        reference: r.reference,
      },
      dedupeKey: `support-cancel:${r.id}`,
    },
  ]);
}

/**
 * The appointment was moved (rescheduled, or rebooked after its clinic changed): requests not yet booked follow
 * it, their task updated; a request already booked is cancelled with the supplier (a task) and asked for afresh.
 */
export async function moveSupport(
  tx: Database,
  ctx: RequestContext,
  from: SupportAppointment,
  to: SupportAppointment,
): Promise<void> {
  const orgId = ctx.principal.orgId;
  const live = await liveRequests(tx, orgId, from.id);
  for (const r of live) {
    if (r.status === 'needed') {
      await tx
        .update(supportRequests)
        .set({ appointmentId: to.id, startsAt: to.startsAt, updatedAt: ctx.now })
        .where(and(eq(supportRequests.orgId, orgId), eq(supportRequests.id, r.id)));
      if (r.taskId) {
        const due = dueBefore(ctx, BOOK_TASK[r.kind as SupportKind], to.startsAt);
        await tx
          .update(tasks)
          .set({
            appointmentId: to.id,
            dueDate: due,
            detail: {
              rule: 'appointment-moved',
              supportRequestId: r.id,
              startsAt: to.startsAt.toISOString(),
              ...(r.language ? { language: r.language } : {}),
            },
          })
          .where(
            and(
              eq(tasks.orgId, orgId),
              eq(tasks.id, r.taskId),
              inArray(tasks.status, ['open', 'in-progress']),
            ),
          );
        await tx.insert(taskEvents).values({
          orgId,
          id: randomUUID(),
          taskId: r.taskId,
          action: 'updated',
          actorId: ctx.principal.id,
          at: ctx.now,
          detail: { reason: 'appointment-moved', appointmentId: to.id, dueDate: due },
        });
      }
    } else {
      await tx
        .update(supportRequests)
        .set({ status: 'cancelled', updatedAt: ctx.now })
        .where(and(eq(supportRequests.orgId, orgId), eq(supportRequests.id, r.id)));
      await cancelBookingTask(tx, ctx, r, from, 'appointment-moved');
      await requestSupport(tx, ctx, to, {
        interpreterLanguage: r.kind === 'interpreter' ? r.language : null,
        transportEligible: r.kind === 'transport',
        communicationNeeds: [],
      });
    }
  }
}

/** The appointment was cancelled: its requests are cancelled, and a booked one gets a task to cancel it. */
export async function cancelSupport(
  tx: Database,
  ctx: RequestContext,
  appt: SupportAppointment,
): Promise<void> {
  const orgId = ctx.principal.orgId;
  const live = await liveRequests(tx, orgId, appt.id);
  if (live.length === 0) return;
  await tx
    .update(supportRequests)
    .set({ status: 'cancelled', updatedAt: ctx.now })
    .where(
      and(
        eq(supportRequests.orgId, orgId),
        inArray(
          supportRequests.id,
          live.map((r) => r.id),
        ),
      ),
    );
  const open = live.filter((r) => r.status === 'needed' && r.taskId).map((r) => `support:${r.id}`);
  if (open.length > 0) await cancelTasks(tx, ctx, { dedupeKeys: open }, 'appointment-cancelled');
  for (const r of live.filter((x) => x.status === 'booked')) {
    await cancelBookingTask(tx, ctx, r, appt, 'appointment-cancelled');
  }
}

/** A clerk has booked the interpreter or transport: the request is booked and its task done. */
export async function markSupportBooked(
  db: Database,
  ctx: RequestContext,
  id: string,
  reference: string,
): Promise<RequestRow> {
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    const [r] = await tx
      .select()
      .from(supportRequests)
      .where(and(eq(supportRequests.orgId, orgId), eq(supportRequests.id, id)))
      .for('update');
    if (!r) throw notFound('Support request');
    if (r.status !== 'needed')
      throw new AppError('conflict', `This request is ${r.status}: it cannot be booked`);
    const [updated] = await tx
      .update(supportRequests)
      .set({ status: 'booked', reference: reference.trim(), updatedAt: ctx.now })
      .where(and(eq(supportRequests.orgId, orgId), eq(supportRequests.id, id)))
      .returning();
    if (r.taskId) {
      const done = await tx
        .update(tasks)
        .set({ status: 'done', outcome: 'booked', completedBy: ctx.principal.id, completedAt: ctx.now })
        .where(
          and(eq(tasks.orgId, orgId), eq(tasks.id, r.taskId), inArray(tasks.status, ['open', 'in-progress'])),
        )
        .returning({ id: tasks.id });
      if (done.length > 0) {
        await tx.insert(taskEvents).values({
          orgId,
          id: randomUUID(),
          taskId: r.taskId,
          action: 'completed',
          actorId: ctx.principal.id,
          at: ctx.now,
          detail: { outcome: 'booked' },
        });
      }
    }
    await audit(tx, ctx, {
      action: 'SupportRequest.booked',
      resourceType: 'SupportRequest',
      resourceId: id,
      patientId: r.patientId,
      detail: { kind: r.kind, appointmentId: r.appointmentId },
    });
    return updated!;
  });
}

export interface SupportRequestView {
  id: string;
  kind: SupportKind;
  appointmentId: string;
  patientId: string;
  language: string | null;
  startsAt: string;
  status: 'needed' | 'booked' | 'cancelled';
  reference: string | null;
  taskId: string | null;
  updatedAt: string;
}

export function supportRequestView(r: RequestRow): SupportRequestView {
  return {
    id: r.id,
    kind: r.kind as SupportKind,
    appointmentId: r.appointmentId,
    patientId: r.patientId,
    language: r.language,
    startsAt: r.startsAt.toISOString(),
    status: r.status as SupportRequestView['status'],
    reference: r.reference,
    taskId: r.taskId,
    updatedAt: r.updatedAt.toISOString(),
  };
}

export interface SupportQuery {
  appointmentId?: string | undefined;
  patientId?: string | undefined;
  status?: SupportRequestView['status'] | undefined;
  kind?: SupportKind | undefined;
  limit: number;
}

/** Requests by appointment, patient, status or kind, soonest appointment first; audited for each patient. */
export async function listSupportRequests(
  db: Database,
  ctx: RequestContext,
  q: SupportQuery,
): Promise<SupportRequestView[]> {
  const orgId = ctx.principal.orgId;
  const where: SQL[] = [eq(supportRequests.orgId, orgId)];
  if (q.appointmentId) where.push(eq(supportRequests.appointmentId, q.appointmentId));
  if (q.patientId) where.push(eq(supportRequests.patientId, q.patientId));
  if (q.status) where.push(eq(supportRequests.status, q.status));
  if (q.kind) where.push(eq(supportRequests.kind, q.kind));
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(supportRequests)
      .where(and(...where))
      .orderBy(asc(supportRequests.startsAt), asc(supportRequests.id))
      .limit(q.limit);
    await audit(
      tx,
      ctx,
      ...rows.map((r) => ({
        action: 'SupportRequest.read',
        resourceType: 'SupportRequest',
        resourceId: r.id,
        patientId: r.patientId,
      })),
    );
    return rows.map(supportRequestView);
  });
}
