/**
 * Previews of clinic changes: what cancelling or reducing a session, or approving a change request, would do
 * to the patients booked into it (who is displaced, where each would be rebooked or why they would be escalated,
 * and which letter each would get), without changing anything.
 *
 * A preview is not a second, hand-written model of the rules: it runs the real change (`applyCancellationNow`,
 * `applyChangeRequest`, the very functions applying and approving call) in a transaction and then rolls that
 * transaction back by throwing a sentinel out of it (`inRolledBackTransaction`), on PGlite and PostgreSQL
 * alike. So the preview and what applying does cannot disagree, unless someone books or cancels in between:
 * the result of applying shows what actually happened.
 *
 * The rolled-back change leaves no trace (slots, appointments, letters, tasks and its own audit rows all go);
 * the preview is then audited, in a transaction of its own, as a read of each displaced patient's record
 * ('ClinicChange.preview', one row per displaced appointment, and one for the clinic with the counts).
 */
import { and, asc, eq, gte, inArray, ne, sql } from 'drizzle-orm';
import { breachDates, type ClinicRebooking } from '@pathflow/core';
import type { Database } from '../../db/client';
import {
  appointments,
  clinicTemplates,
  clinicians,
  communications,
  locations,
  pathways,
  patients,
  slots,
} from '../../db/schema';
import { actorOf, writeAudit, type AuditEntry } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { londonToday } from '../../clock';
import { applyCancellationNow, cancellationNeedsApproval, type CancelSessionInput } from './cancel';
import { applyChangeRequest, lockRequestedChange } from './change-requests';
import { loadTemplate, requestView } from './model';

/** What would become of one displaced patient. */
export type PreviewOutcome = 'rebooked' | 'escalated' | 'already-booked';

export interface PreviewSlot {
  slotId: string;
  startsAt: string;
  endsAt: string;
  sessionDate: string;
  clinicId: string;
  clinicName: string;
  /** The clinician's title and name (null for a service-led clinic). */
  clinician: string | null;
  serviceName: string | null;
  location: string;
}

export interface PreviewPatient {
  /** The appointment the change cancels or displaces. */
  appointmentId: string;
  pathwayId: string;
  patientId: string;
  title: string | null;
  givenName: string;
  familyName: string;
  nhsNumber: string;
  current: { startsAt: string; endsAt: string; clinicName: string };
  breachDate: string | null;
  outcome: PreviewOutcome;
  /** The slot the patient would be rebooked into (outcome 'rebooked'). */
  proposed: PreviewSlot | null;
  /** Why they could not be rebooked by the breach date (outcome 'escalated'). */
  escalationReason: string | null;
  /** The letter the patient would be sent. */
  letter: 'appointment-moved' | 'appointment-cancelled' | null;
}

export interface CancelPreview {
  /** Less than six weeks' notice: applying sends the change to a service manager instead. */
  needsApproval: boolean;
  sessionDate: string;
  sessionIndex: number | null;
  cancelledSlots: number;
  keptSlots: number;
  cancelledAppointments: number;
  patients: PreviewPatient[];
}

/** Thrown out of a preview's transaction to roll it back, carrying nothing. */
class PreviewRollback extends Error {
  constructor() {
    super('Preview: rolled back');
  }
}

/**
 * Runs `work` in a transaction, then rolls the transaction back whatever it did, and answers what `work`
 * answered. An error `work` throws is thrown on (and rolls back too).
 */
export async function inRolledBackTransaction<T>(
  db: Database,
  work: (tx: Database) => Promise<T>,
): Promise<T> {
  let answer: { value: T } | null = null;
  try {
    await db.transaction(async (tx) => {
      answer = { value: await work(tx) };
      throw new PreviewRollback();
    });
  } catch (e) {
    if (!(e instanceof PreviewRollback)) throw e;
  }
  if (answer === null) throw new Error('The preview transaction ended without an answer');
  return (answer as { value: T }).value;
}

/** The appointments booked now into the clinic's slots from today (those a change can displace). */
async function bookedInClinic(tx: Database, ctx: RequestContext, templateId: string): Promise<string[]> {
  const orgId = ctx.principal.orgId;
  const rows = await tx
    .select({ id: appointments.id })
    .from(appointments)
    .innerJoin(slots, and(eq(slots.orgId, appointments.orgId), eq(slots.id, appointments.slotId)))
    .where(
      and(
        eq(appointments.orgId, orgId),
        eq(slots.templateId, templateId),
        gte(slots.sessionDate, londonToday(ctx.now)),
        eq(appointments.status, 'booked'),
      ),
    );
  return rows.map((r) => r.id);
}

/**
 * Inside the preview's transaction, after the change: the appointments it took away (booked before, not
 * booked now), each with its patient and what the change did for them, in the order of the appointments.
 */
async function displacedPatients(
  tx: Database,
  ctx: RequestContext,
  clinicName: string,
  bookedBefore: readonly string[],
  rebooking: ClinicRebooking,
): Promise<PreviewPatient[]> {
  const orgId = ctx.principal.orgId;
  if (bookedBefore.length === 0) return [];
  const gone = await tx
    .select({ appointment: appointments, pathway: pathways, patient: patients })
    .from(appointments)
    .innerJoin(pathways, and(eq(pathways.orgId, appointments.orgId), eq(pathways.id, appointments.pathwayId)))
    .innerJoin(patients, and(eq(patients.orgId, appointments.orgId), eq(patients.id, appointments.patientId)))
    .where(
      and(
        eq(appointments.orgId, orgId),
        inArray(appointments.id, [...bookedBefore]),
        ne(appointments.status, 'booked'),
      ),
    )
    .orderBy(asc(appointments.startsAt), asc(appointments.id));
  if (gone.length === 0) return [];

  const rebookedFrom = new Map(rebooking.rebooked.map((r) => [r.replacesId, r]));
  const escalated = new Map(rebooking.escalated.map((e) => [e.appointmentId, e]));
  const newIds = rebooking.rebooked.map((r) => r.appointmentId);
  const proposedRows =
    newIds.length === 0
      ? []
      : await tx
          .select({
            appointmentId: appointments.id,
            slot: slots,
            clinicName: clinicTemplates.name,
            serviceName: clinicTemplates.serviceName,
            clinician: sql<
              string | null
            >`case when ${clinicians.id} is null then null else ${clinicians.title} || ' ' || ${clinicians.givenName} || ' ' || ${clinicians.familyName} end`,
            location: locations.name,
          })
          .from(appointments)
          .innerJoin(slots, and(eq(slots.orgId, appointments.orgId), eq(slots.id, appointments.slotId)))
          .innerJoin(
            clinicTemplates,
            and(eq(clinicTemplates.orgId, slots.orgId), eq(clinicTemplates.id, slots.templateId)),
          )
          .leftJoin(clinicians, and(eq(clinicians.orgId, slots.orgId), eq(clinicians.id, slots.clinicianId)))
          .innerJoin(locations, and(eq(locations.orgId, slots.orgId), eq(locations.id, slots.locationId)))
          .where(and(eq(appointments.orgId, orgId), inArray(appointments.id, newIds)));
  const proposedOf = new Map(proposedRows.map((r) => [r.appointmentId, r]));

  // The letters this change queued (same author, same instant, still queued), about either appointment.
  const letterRows = await tx
    .select({ appointmentId: communications.appointmentId, kind: communications.kind })
    .from(communications)
    .where(
      and(
        eq(communications.orgId, orgId),
        eq(communications.status, 'queued'),
        eq(communications.createdBy, ctx.principal.id),
        eq(communications.createdAt, ctx.now),
        inArray(communications.kind, ['appointment-moved', 'appointment-cancelled']),
        inArray(communications.appointmentId, [...gone.map((g) => g.appointment.id), ...newIds]),
      ),
    );
  const lettersOf = new Map<string, string[]>();
  for (const l of letterRows) {
    lettersOf.set(l.appointmentId!, [...(lettersOf.get(l.appointmentId!) ?? []), l.kind]);
  }

  return gone.map(({ appointment: a, pathway: p, patient }) => {
    const moved = rebookedFrom.get(a.id);
    const up = escalated.get(a.id);
    const proposed = moved ? proposedOf.get(moved.appointmentId) : undefined;
    const kinds = [
      ...(lettersOf.get(a.id) ?? []),
      ...(moved ? (lettersOf.get(moved.appointmentId) ?? []) : []),
    ];
    const letter = kinds.includes('appointment-moved')
      ? 'appointment-moved'
      : kinds.includes('appointment-cancelled')
        ? 'appointment-cancelled'
        : null;
    const clockStart = p.rttPeriodStart ?? p.clockStartDate;
    return {
      appointmentId: a.id,
      pathwayId: p.id,
      patientId: patient.id,
      title: patient.title,
      givenName: patient.givenName,
      familyName: patient.familyName,
      nhsNumber: patient.nhsNumber,
      current: { startsAt: a.startsAt.toISOString(), endsAt: a.endsAt.toISOString(), clinicName },
      breachDate:
        moved?.breachDate ?? up?.breachDate ?? (p.rttRunning ? breachDates(clockStart)['18'] : null),
      outcome: moved ? 'rebooked' : up ? 'escalated' : 'already-booked',
      proposed: proposed
        ? {
            slotId: proposed.slot.id,
            startsAt: proposed.slot.startsAt.toISOString(),
            endsAt: proposed.slot.endsAt.toISOString(),
            sessionDate: proposed.slot.sessionDate,
            clinicId: proposed.slot.templateId,
            clinicName: proposed.clinicName,
            clinician: proposed.clinician,
            serviceName: proposed.serviceName,
            location: proposed.location,
          }
        : null,
      escalationReason: up?.reason ?? null,
      letter,
    } satisfies PreviewPatient;
  });
}

/** The preview read, audited after the rollback: one row per displaced patient and one for the clinic. */
async function auditPreview(
  db: Database,
  ctx: RequestContext,
  templateId: string,
  shown: readonly PreviewPatient[],
  detail: Record<string, unknown>,
): Promise<void> {
  const entries: AuditEntry[] = [
    {
      action: 'ClinicChange.preview',
      resourceType: 'Clinic',
      resourceId: templateId,
      detail: { ...detail, patients: shown.length },
    },
    ...shown.map((p) => ({
      action: 'ClinicChange.preview',
      resourceType: 'Appointment',
      resourceId: p.appointmentId,
      patientId: p.patientId,
      detail: { templateId, pathwayId: p.pathwayId, outcome: p.outcome },
    })),
  ];
  await writeAudit(db, actorOf(ctx), entries);
}

/**
 * What cancelling or reducing the session would do now (the same body as `POST …/sessions/cancel`), and
 * whether applying it needs a service manager's approval. With short notice the proposals are what approving
 * it today would do.
 */
export async function previewCancellation(
  db: Database,
  ctx: RequestContext,
  templateId: string,
  input: CancelSessionInput,
): Promise<CancelPreview> {
  const preview = await inRolledBackTransaction(db, async (tx) => {
    const t = await loadTemplate(tx, ctx.principal.orgId, templateId, true);
    const before = await bookedInClinic(tx, ctx, t.id);
    const result = await applyCancellationNow(tx, ctx, t.id, input);
    const shown = await displacedPatients(tx, ctx, t.name, before, result);
    return {
      needsApproval: cancellationNeedsApproval(ctx, input.date),
      sessionDate: result.sessionDate,
      sessionIndex: result.sessionIndex,
      cancelledSlots: result.cancelledSlots,
      keptSlots: result.keptSlots,
      cancelledAppointments: result.cancelledAppointments,
      patients: shown,
    };
  });
  await auditPreview(db, ctx, templateId, preview.patients, {
    kind: 'cancel-session',
    sessionDate: preview.sessionDate,
    sessionIndex: preview.sessionIndex,
    keepSlots: input.keepSlots ?? null,
  });
  return preview;
}

/**
 * What approving a change request now would do (for the service manager deciding it): a session cancellation's
 * or a new version's counts, and its displaced patients with their proposals. A request already decided, or
 * one that could no longer be applied, is refused with 409 as the decision would be.
 */
export async function previewChangeRequest(db: Database, ctx: RequestContext, requestId: string) {
  const preview = await inRolledBackTransaction(db, async (tx) => {
    const { t, request } = await lockRequestedChange(tx, ctx, requestId);
    const view = requestView(request, t.name);
    const before = await bookedInClinic(tx, ctx, t.id);
    const { applied, cancellation } = await applyChangeRequest(tx, ctx, t, request);
    const rebooking: ClinicRebooking = applied ?? cancellation!;
    const shown = await displacedPatients(tx, ctx, t.name, before, rebooking);
    return {
      request: view,
      cancellation: cancellation
        ? {
            sessionDate: cancellation.sessionDate,
            sessionIndex: cancellation.sessionIndex,
            cancelledSlots: cancellation.cancelledSlots,
            keptSlots: cancellation.keptSlots,
            cancelledAppointments: cancellation.cancelledAppointments,
          }
        : null,
      version: applied
        ? {
            version: applied.version,
            created: applied.created,
            removed: applied.removed,
            kept: applied.kept,
            displacedAppointments: applied.displacedAppointments,
          }
        : null,
      patients: shown,
    };
  });
  await auditPreview(db, ctx, preview.request.templateId, preview.patients, {
    kind: preview.request.kind,
    requestId,
  });
  return preview;
}
