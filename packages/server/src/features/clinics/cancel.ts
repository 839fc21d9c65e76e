/**
 * Cancelling or reducing a clinic session (for example clinician leave), issue "Clinic templates, slots and
 * the booking engine" item 6.
 *
 * A session is the clinic's slots on a date (and session index, when given) that are still open. Cancelling
 * it cancels all of them; a reduction (`keepSlots`) keeps the first N in start order and cancels the rest.
 * With less than six weeks' notice (core `changeNeedsApproval`, the first affected date being the session
 * date) nothing changes yet: a 'cancel-session' change request waits for a service manager, and approving it
 * applies the cancellation exactly as below, as of the day of the decision.
 *
 * Applying, in one transaction with the template's row locked: active holds on the cancelled slots are
 * released; their booked appointments are cancelled by the hospital with the reason (the places given back,
 * through the booking service); the slots become 'cancelled'; then the patients are rebooked automatically
 * (`rebook.ts`) and those who cannot be rebooked by their breach date are escalated; each patient gets one
 * letter queued ('appointment-moved' or 'appointment-cancelled').
 *
 * A request keeps what it cancels beyond its date, `{ sessionIndex, keepSlots }`, in its `detail` column.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import {
  changeNeedsApproval,
  compareDates,
  parsePlainDate,
  type ClinicCancelOutcome,
  type ClinicCancellation,
  type ClinicEscalation,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import {
  appointments,
  auditLog,
  clinicChangeRequests,
  clinicTemplates,
  slotHolds,
  slots,
} from '../../db/schema';
import { actorOf, audit, writeAuditForMany } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError, invalid, notFound } from '../../errors';
import { londonToday } from '../../clock';
import { cancelAppointmentInTx } from '../booking/service';
import { rebookDisplaced } from './rebook';

type TemplateRow = typeof clinicTemplates.$inferSelect;
type SlotRow = typeof slots.$inferSelect;

export interface CancelSessionInput {
  date: string;
  sessionIndex?: number | undefined;
  reason: string;
  /** A reduction: keep the session's first `keepSlots` slots (in start order) and cancel the rest. */
  keepSlots?: number | undefined;
}

/** What a 'cancel-session' request stores in `clinic_change_requests.detail`. */
export interface CancelRequestDetail {
  sessionIndex: number | null;
  keepSlots: number | null;
}

async function lockTemplate(tx: Database, orgId: string, id: string): Promise<TemplateRow> {
  const [row] = await tx
    .select()
    .from(clinicTemplates)
    .where(and(eq(clinicTemplates.orgId, orgId), eq(clinicTemplates.id, id)))
    .for('update');
  if (!row) throw notFound('Clinic');
  return row;
}

/**
 * The session's open slots in start order, locked; refuses (400, naming the field) a date in the past, a
 * date without an open session and a reduction that would cancel nothing.
 */
async function sessionSlots(
  tx: Database,
  ctx: RequestContext,
  t: TemplateRow,
  input: CancelSessionInput,
): Promise<SlotRow[]> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  if (compareDates(parsePlainDate(input.date), parsePlainDate(today)) < 0) {
    throw invalid(
      '/body/date',
      `${input.date} is in the past: a session can be cancelled from today (${today})`,
    );
  }
  const onDate = await tx
    .select()
    .from(slots)
    .where(and(eq(slots.orgId, orgId), eq(slots.templateId, t.id), eq(slots.sessionDate, input.date)))
    .orderBy(asc(slots.startsAt), asc(slots.key))
    .for('update');
  const open = onDate.filter((s) => s.status === 'open');
  if (open.length === 0) {
    throw invalid(
      '/body/date',
      onDate.length === 0
        ? `The clinic has no session on ${input.date}`
        : `The clinic's session on ${input.date} has already been cancelled`,
    );
  }
  const chosen =
    input.sessionIndex === undefined ? open : open.filter((s) => s.sessionIndex === input.sessionIndex);
  if (chosen.length === 0) {
    const indexes = [...new Set(open.map((s) => s.sessionIndex))].join(', ');
    throw invalid(
      '/body/sessionIndex',
      `The clinic has no open session ${input.sessionIndex} on ${input.date} (its open sessions: ${indexes})`,
    );
  }
  if (input.keepSlots !== undefined && input.keepSlots >= chosen.length) {
    throw invalid(
      '/body/keepSlots',
      `The session has ${chosen.length} open slot${chosen.length === 1 ? '' : 's'}: keep fewer than that to reduce it`,
    );
  }
  return chosen;
}

/** Applies a cancellation or reduction (see the module comment) inside the caller's transaction. */
async function applyCancellation(
  tx: Database,
  ctx: RequestContext,
  t: TemplateRow,
  input: CancelSessionInput,
  requestId: string | null,
): Promise<ClinicCancellation> {
  const orgId = ctx.principal.orgId;
  const session = await sessionSlots(tx, ctx, t, input);
  const keep = input.keepSlots ?? 0;
  const cancel = session.slice(keep);
  const ids = cancel.map((s) => s.id);
  const reason = input.reason.trim();

  await tx
    .update(slotHolds)
    .set({ status: 'released' })
    .where(and(eq(slotHolds.orgId, orgId), inArray(slotHolds.slotId, ids), eq(slotHolds.status, 'active')));
  const booked = await tx
    .select({ id: appointments.id })
    .from(appointments)
    .where(
      and(
        eq(appointments.orgId, orgId),
        inArray(appointments.slotId, ids),
        eq(appointments.status, 'booked'),
      ),
    )
    .orderBy(asc(appointments.startsAt), asc(appointments.id));
  for (const a of booked) {
    await cancelAppointmentInTx(tx, ctx, a.id, { by: 'hospital', reason, rebookingFollows: true });
  }
  await tx
    .update(slots)
    .set({ status: 'cancelled', held: 0 })
    .where(and(eq(slots.orgId, orgId), inArray(slots.id, ids)));

  const rebooking = await rebookDisplaced(
    tx,
    ctx,
    booked.map((a) => a.id),
    { templateId: t.id, cause: 'session-cancelled' },
  );
  const result: ClinicCancellation = {
    sessionDate: input.date,
    sessionIndex: input.sessionIndex ?? null,
    cancelledSlots: cancel.length,
    keptSlots: keep,
    cancelledAppointments: booked.length,
    ...rebooking,
  };
  await audit(tx, ctx, {
    action: 'ClinicSession.cancel',
    resourceType: 'Clinic',
    resourceId: t.id,
    detail: {
      sessionDate: input.date,
      sessionIndex: input.sessionIndex ?? null,
      keepSlots: input.keepSlots ?? null,
      requestId,
      reason,
      cancelledSlots: cancel.length,
      cancelledAppointments: booked.length,
      rebooked: rebooking.rebooked.length,
      escalated: rebooking.escalated.length,
    },
  });
  return result;
}

/** Whether cancelling the session on `date` needs a service manager's approval (less than six weeks' notice). */
export const cancellationNeedsApproval = (ctx: RequestContext, date: string): boolean =>
  changeNeedsApproval({ today: londonToday(ctx.now), firstAffectedDate: date });

/**
 * Applies a cancellation or reduction now, whatever the notice, inside the caller's transaction (the template
 * locked first). Only the preview (`preview.ts`) calls it directly, in a transaction it rolls back: it is the
 * very computation `cancelSession` and an approval run, so a preview and what applying does cannot disagree.
 */
export async function applyCancellationNow(
  tx: Database,
  ctx: RequestContext,
  templateId: string,
  input: CancelSessionInput,
): Promise<ClinicCancellation> {
  const t = await lockTemplate(tx, ctx.principal.orgId, templateId);
  return applyCancellation(tx, ctx, t, input, null);
}

/**
 * Cancels or reduces a clinic session: applied now with six weeks' notice or more, otherwise sent to a
 * service manager as a 'cancel-session' change request (nothing changes until it is approved).
 */
export async function cancelSession(
  db: Database,
  ctx: RequestContext,
  templateId: string,
  input: CancelSessionInput,
): Promise<ClinicCancelOutcome> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  return db.transaction(async (tx) => {
    const t = await lockTemplate(tx, orgId, templateId);
    if (!changeNeedsApproval({ today, firstAffectedDate: input.date })) {
      return { status: 'applied' as const, ...(await applyCancellation(tx, ctx, t, input, null)) };
    }
    await sessionSlots(tx, ctx, t, input); // Refuses a request that could never be applied.
    const requestId = randomUUID();
    const reason = input.reason.trim();
    const detail: CancelRequestDetail = {
      sessionIndex: input.sessionIndex ?? null,
      keepSlots: input.keepSlots ?? null,
    };
    await tx.insert(clinicChangeRequests).values({
      orgId,
      id: requestId,
      templateId: t.id,
      kind: 'cancel-session',
      version: null,
      sessionDate: input.date,
      firstAffectedDate: input.date,
      reason,
      status: 'requested',
      requestedBy: ctx.principal.id,
      requestedAt: ctx.now,
      detail,
    });
    await audit(tx, ctx, {
      action: 'ClinicSession.request',
      resourceType: 'ClinicChangeRequest',
      resourceId: requestId,
      detail: { templateId: t.id, sessionDate: input.date, ...detail, reason },
    });
    return { status: 'pending-approval' as const, requestId, firstAffectedDate: input.date };
  });
}

/**
 * Applies an approved 'cancel-session' request inside the decision's transaction (the template locked by the
 * caller): its session index and `keepSlots` come from the request's `detail`.
 */
export async function applyCancelRequest(
  tx: Database,
  ctx: RequestContext,
  t: TemplateRow,
  request: typeof clinicChangeRequests.$inferSelect,
): Promise<ClinicCancellation> {
  if (request.sessionDate === null) {
    throw new AppError('conflict', 'This cancellation request names no session date');
  }
  const detail = request.detail as Partial<CancelRequestDetail> | null;
  if (detail === null) {
    // Guessing would risk cancelling a whole session when only a reduction was asked for.
    throw new AppError(
      'conflict',
      'This cancellation request does not say which slots it cancels: reject it and ask again',
    );
  }
  try {
    return await applyCancellation(
      tx,
      ctx,
      t,
      {
        date: request.sessionDate,
        sessionIndex: detail.sessionIndex ?? undefined,
        keepSlots: detail.keepSlots ?? undefined,
        reason: request.reason,
      },
      request.id,
    );
  } catch (e) {
    // The session is gone or already cancelled since the request, or its date has passed: it cannot apply.
    if (e instanceof AppError && e.code === 'validation_failed') {
      throw new AppError('conflict', `This cancellation can no longer be applied: ${e.message}`);
    }
    throw e;
  }
}

/**
 * The patients a clinic's cancellations could not rebook by their breach date, newest first, read from the
 * `Appointment.escalated` audit rows (there is no tasks table yet). Audited as a read of those pathways.
 */
export async function listEscalations(
  db: Database,
  ctx: RequestContext,
  templateId: string,
): Promise<{ escalations: ClinicEscalation[] }> {
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    const [t] = await tx
      .select({ id: clinicTemplates.id })
      .from(clinicTemplates)
      .where(and(eq(clinicTemplates.orgId, orgId), eq(clinicTemplates.id, templateId)));
    if (!t) throw notFound('Clinic');
    const rows = await tx
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.orgId, orgId),
          eq(auditLog.action, 'Appointment.escalated'),
          sql`${auditLog.detail}->>'templateId' = ${templateId}`,
        ),
      )
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(1000);
    type Detail = { pathwayId: string; reason: string; breachDate: string | null; cause: string };
    const pathwayIds = [...new Set(rows.map((r) => (r.detail as Detail).pathwayId))];
    const bookedNow =
      pathwayIds.length === 0
        ? []
        : await tx
            .select({ pathwayId: appointments.pathwayId })
            .from(appointments)
            .where(
              and(
                eq(appointments.orgId, orgId),
                inArray(appointments.pathwayId, pathwayIds),
                eq(appointments.status, 'booked'),
              ),
            );
    const booked = new Set(bookedNow.map((b) => b.pathwayId));
    const escalations = rows.map((r) => {
      const d = r.detail as Detail;
      return {
        appointmentId: r.resourceId!,
        pathwayId: d.pathwayId,
        patientId: r.patientId,
        reason: d.reason,
        breachDate: d.breachDate,
        cause: d.cause,
        escalatedAt: r.at.toISOString(),
        bookedSince: booked.has(d.pathwayId),
      };
    });
    await writeAuditForMany(
      tx,
      actorOf(ctx),
      'ClinicEscalation.read',
      'Pathway',
      escalations.flatMap((e) => (e.patientId ? [{ resourceId: e.pathwayId, patientId: e.patientId }] : [])),
    );
    return { escalations };
  });
}
