/**
 * What follows a booking, a move and a cancellation, in the same transaction (issue 5): interpreter and transport
 * requests made, moved or cancelled with the appointment; reminders of a cancelled or moved appointment withdrawn;
 * a slot freed inside the reasonable-notice window offered at short notice (a scheduled job, so the cancellation
 * stays quick); and the access policy's rules for cancellations — a patient's repeated cancellations go to
 * clinical review, a hospital cancellation is rebooked first, and an operation cancelled on the day must be
 * rebooked within 28 days (§2.3, §2.4).
 */
import { and, count, eq } from 'drizzle-orm';
import {
  classifyProviderMove,
  londonDateOfEpochMilliseconds,
  operationRebookBy,
  patientCancellationActions,
  teamFor,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { appointments, pathways } from '../../db/schema';
import type { RequestContext } from '../../auth/principal';
import { londonToday } from '../../clock';
import { scheduleJobs } from '../../jobs/scheduler';
import { accessPolicyOn } from '../access-policy/service';
import { cancelQueuedCommunications } from '../communications/outbox';
import { createTasks } from '../tasks/service';
import type { AppointmentView } from './service';
import { cancelSupport, moveSupport, requestSupport, type SupportNeeds } from '../support-requests/service';

type AppointmentRow = typeof appointments.$inferSelect;

const supportAppointment = (a: AppointmentRow, specialtyCode: string) => ({
  id: a.id,
  patientId: a.patientId,
  pathwayId: a.pathwayId,
  startsAt: a.startsAt,
  specialtyCode,
});

/** After a booking (or the booking half of a move): support requested or moved, old reminders withdrawn. */
export async function afterBooked(
  tx: Database,
  ctx: RequestContext,
  booked: AppointmentRow,
  specialtyCode: string,
  needs: SupportNeeds,
  replaces: AppointmentRow | null,
): Promise<void> {
  if (replaces === null) {
    if (needs.interpreterLanguage || needs.transportEligible || needs.communicationNeeds.length > 0) {
      await requestSupport(tx, ctx, supportAppointment(booked, specialtyCode), needs);
    }
    return;
  }
  await cancelQueuedCommunications(tx, ctx, replaces.id, ['appointment-reminder']);
  await moveSupport(
    tx,
    ctx,
    supportAppointment(replaces, specialtyCode),
    supportAppointment(booked, specialtyCode),
  );
}

/** Offers a freed slot at short notice, from a job due at once (it decides whether the slot is inside the window). */
async function offerFreedSlot(tx: Database, ctx: RequestContext, a: AppointmentRow): Promise<void> {
  await scheduleJobs(
    tx,
    ctx.principal.orgId,
    [
      {
        kind: 'short-notice.offer',
        dedupeKey: `short-notice.offer:${a.slotId}:${a.id}`,
        dueAt: ctx.now,
        payload: { slotId: a.slotId },
      },
    ],
    ctx.now,
  );
}

export interface Cancellation {
  by: 'patient' | 'hospital';
  /** For a patient's cancellation: the delay they asked for, in days, when they said. */
  requestedDelayDays?: number | null;
}

/** After a cancellation: support cancelled, reminders withdrawn, the slot offered, the policy's tasks made. */
export async function afterCancelled(
  tx: Database,
  ctx: RequestContext,
  a: AppointmentRow,
  specialtyCode: string,
  how: Cancellation,
): Promise<void> {
  const orgId = ctx.principal.orgId;
  await cancelQueuedCommunications(tx, ctx, a.id, ['appointment-reminder']);
  await cancelSupport(tx, ctx, supportAppointment(a, specialtyCode));
  await offerFreedSlot(tx, ctx, a);
  const today = londonToday(ctx.now);
  const policy = await accessPolicyOn(tx, orgId, today);
  const base = { patientId: a.patientId, pathwayId: a.pathwayId, appointmentId: a.id };
  if (how.by === 'patient') {
    const [{ n }] = (await tx
      .select({ n: count() })
      .from(appointments)
      .where(
        and(
          eq(appointments.orgId, orgId),
          eq(appointments.pathwayId, a.pathwayId),
          eq(appointments.status, 'cancelled'),
          eq(appointments.cancelledBy, 'patient'),
        ),
      )) as [{ n: number }];
    const actions = patientCancellationActions(
      {
        cancellationsSoFar: Number(n),
        requestedDelayDays: how.requestedDelayDays ?? null,
        cancelledDate: today,
      },
      policy,
    );
    if (actions.tasks.length > 0) {
      await createTasks(
        tx,
        ctx,
        actions.tasks.map((type) => ({
          ...base,
          type,
          team: teamFor('clinician', specialtyCode),
          detail: { rule: actions.rule, cancellations: Number(n), secondOfferBy: actions.secondOfferBy },
          dedupeKey: `${type}:cancellation:${a.id}`,
        })),
      );
    }
    return;
  }
  // The hospital cancelled: rebook first (§2.4). An operation cancelled on the day: within 28 days.
  const onTheDay = londonDateOfEpochMilliseconds(a.startsAt.getTime()) === today;
  const operation = a.slotType === 'procedure' && onTheDay;
  await createTasks(tx, ctx, [
    {
      ...base,
      type: operation ? 'rebook-operation' : 'rebook',
      team: teamFor('booking-clerk', specialtyCode),
      ...(operation ? { dueDate: operationRebookBy(today, policy) } : {}),
      detail: operation
        ? { rule: 'ACC-2.4-28-day', cancelledOn: today, rebookBy: operationRebookBy(today, policy) }
        : { rule: 'ACC-2.4-rebook-first', cancelledOn: today },
      dedupeKey: `rebook:${a.id}`,
    },
  ]);
}

/** The pathway's specialty (for the queue a cancellation's tasks go on). */
export async function specialtyOf(tx: Database, orgId: string, pathwayId: string): Promise<string> {
  const [p] = await tx
    .select({ specialtyCode: pathways.specialtyCode })
    .from(pathways)
    .where(and(eq(pathways.orgId, orgId), eq(pathways.id, pathwayId)));
  return p!.specialtyCode;
}

/**
 * A move by the hospital (§2.4): to within 24 hours of the original time is a postponement, but only once on the
 * pathway; any other move is a cancellation. Recorded on the new appointment; answers what it was.
 */
export async function classifyMove(
  tx: Database,
  ctx: RequestContext,
  from: AppointmentRow,
  to: AppointmentView,
): Promise<string> {
  const orgId = ctx.principal.orgId;
  const [{ n }] = (await tx
    .select({ n: count() })
    .from(appointments)
    .where(
      and(
        eq(appointments.orgId, orgId),
        eq(appointments.pathwayId, from.pathwayId),
        eq(appointments.providerMove, 'postponement'),
      ),
    )) as [{ n: number }];
  const policy = await accessPolicyOn(tx, orgId, londonToday(ctx.now));
  const kind = classifyProviderMove(
    { originalStartsAt: from.startsAt, newStartsAt: new Date(to.startsAt), earlierPostponements: Number(n) },
    policy,
  );
  await tx
    .update(appointments)
    .set({ providerMove: kind })
    .where(and(eq(appointments.orgId, orgId), eq(appointments.id, to.id)));
  return kind;
}
