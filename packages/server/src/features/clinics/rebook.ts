/**
 * Automatic rebooking of displaced patients: appointments cancelled by the hospital (a clinic session
 * cancelled or reduced) or marked 'displaced' (their slot left the template with a new version).
 *
 * Order (nhs-domain §2.4: "rebook at the earliest opportunity, with priority given to patients already
 * cancelled once"): patients whose pathway already had an appointment cancelled by the hospital (before this
 * one) first, then clinical priority (two-week wait, urgent, routine), then the earliest clock start (the
 * earliest 18-week breach date), then the earliest referral.
 *
 * For each patient in that order the earliest slot that suits is taken: open, a place free, the pathway's
 * specialty, a slot type core's `acceptedSlotTypes` allows for the pathway and stage, the pathway's clinician
 * when it names one (else any), on a London date at least one day after today, and not overlapping the
 * patient's other booked appointments. It is booked with the booking service (`bookInTx`) in the caller's
 * transaction, `replacesId` pointing at the displaced appointment.
 *
 * Escalation: a patient whose earliest suitable slot falls after their 18-week breach date (clock start +
 * 127 days), or who has no suitable slot at all, or whose pathway is closed, is not booked: they are listed as
 * escalated to the service manager and an `Appointment.escalated` audit row records it (the escalation list
 * of a clinic is read back from those rows). Booking them beyond the breach would fix the breach in place and
 * take a slot another patient may need; the service manager decides (extra capacity, another clinician).
 * A pathway whose RTT clock is not running has no breach date: it is rebooked into the earliest slot.
 *
 * Letters: each rebooked patient is answered with `letter: 'rebooking-confirmation'`, the letter to queue.
 * Nothing is sent here: there is no letters table yet (communications issue).
 */
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import {
  PRIORITY_RANK,
  acceptedSlotTypes,
  addDays,
  breachDates,
  compareDates,
  parsePlainDate,
  type RttPriority,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { appointments, pathways, slots } from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError } from '../../errors';
import { londonToday } from '../../clock';
import { bookInTx } from '../booking/service';

type AppointmentRow = typeof appointments.$inferSelect;
type PathwayRow = typeof pathways.$inferSelect;

export const REBOOK_REASON = 'Rebooked after clinic cancellation';
/** Candidate slots tried per patient when an earlier one is taken meanwhile. */
const TRIES = 5;

export interface RebookedView {
  /** The new appointment. */
  appointmentId: string;
  /** The cancelled or displaced appointment it replaces. */
  replacesId: string;
  pathwayId: string;
  from: string;
  to: string;
  breachDate: string | null;
  letter: 'rebooking-confirmation';
}

export interface EscalatedView {
  appointmentId: string;
  pathwayId: string;
  reason: string;
  breachDate: string | null;
}

export interface RebookResult {
  rebooked: RebookedView[];
  escalated: EscalatedView[];
}

export interface RebookOptions {
  /** The clinic whose change displaced the patients (kept on the audit rows, for its escalation list). */
  templateId: string;
  /** What displaced them: a session cancelled or reduced, or a new version of the template. */
  cause: 'session-cancelled' | 'version-change';
}

interface Candidate {
  appointment: AppointmentRow;
  pathway: PathwayRow;
  cancelledBefore: boolean;
  clockStart: string;
  breachDate: string | null;
}

/** The order patients are rebooked in (see the module comment). */
export function rebookOrder(a: Candidate, b: Candidate): number {
  if (a.cancelledBefore !== b.cancelledBefore) return a.cancelledBefore ? -1 : 1;
  const rank =
    PRIORITY_RANK[a.pathway.priority as RttPriority] - PRIORITY_RANK[b.pathway.priority as RttPriority];
  if (rank !== 0) return rank;
  if (a.clockStart !== b.clockStart) return a.clockStart < b.clockStart ? -1 : 1;
  if (a.pathway.referralReceivedDate !== b.pathway.referralReceivedDate) {
    return a.pathway.referralReceivedDate < b.pathway.referralReceivedDate ? -1 : 1;
  }
  return a.appointment.startsAt.getTime() - b.appointment.startsAt.getTime();
}

/**
 * Rebooks the given cancelled or displaced appointments inside the caller's transaction; returns who was
 * rebooked where and who was escalated, and audits both.
 */
export async function rebookDisplaced(
  tx: Database,
  ctx: RequestContext,
  appointmentIds: readonly string[],
  options: RebookOptions,
): Promise<RebookResult> {
  const orgId = ctx.principal.orgId;
  const result: RebookResult = { rebooked: [], escalated: [] };
  if (appointmentIds.length === 0) return result;
  const ids = [...appointmentIds];
  const rows = await tx
    .select({ appointment: appointments, pathway: pathways })
    .from(appointments)
    .innerJoin(pathways, and(eq(pathways.orgId, appointments.orgId), eq(pathways.id, appointments.pathwayId)))
    .where(
      and(
        eq(appointments.orgId, orgId),
        inArray(appointments.id, ids),
        inArray(appointments.status, ['cancelled', 'displaced']),
      ),
    );
  const pathwayIds = [...new Set(rows.map((r) => r.pathway.id))];
  const earlier = await tx
    .select({ pathwayId: appointments.pathwayId })
    .from(appointments)
    .where(
      and(
        eq(appointments.orgId, orgId),
        inArray(appointments.pathwayId, pathwayIds),
        eq(appointments.cancelledBy, 'hospital'),
        sql`${appointments.id} not in (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
      ),
    );
  const cancelledBefore = new Set(earlier.map((e) => e.pathwayId));
  const candidates: Candidate[] = rows.map(({ appointment, pathway }) => {
    const clockStart = pathway.rttPeriodStart ?? pathway.clockStartDate;
    return {
      appointment,
      pathway,
      cancelledBefore: cancelledBefore.has(pathway.id),
      clockStart,
      breachDate: pathway.rttRunning ? breachDates(clockStart)['18'] : null,
    };
  });
  candidates.sort(rebookOrder);

  const today = londonToday(ctx.now);
  const firstDate = addDays(parsePlainDate(today), 1).toString();
  for (const c of candidates) {
    const escalate = async (reason: string, earliestSlotAt: string | null = null) => {
      result.escalated.push({
        appointmentId: c.appointment.id,
        pathwayId: c.pathway.id,
        reason,
        breachDate: c.breachDate,
      });
      await audit(tx, ctx, {
        action: 'Appointment.escalated',
        resourceType: 'Appointment',
        resourceId: c.appointment.id,
        patientId: c.pathway.patientId,
        detail: {
          templateId: options.templateId,
          cause: options.cause,
          pathwayId: c.pathway.id,
          reason,
          breachDate: c.breachDate,
          earliestSlotAt,
          escalatedTo: 'service-manager',
        },
      });
    };
    if (c.pathway.status !== 'open') {
      await escalate(
        'The pathway is closed: a clinician should confirm whether the patient still needs an appointment',
      );
      continue;
    }
    const [booked] = await tx
      .select({ id: appointments.id })
      .from(appointments)
      .where(
        and(
          eq(appointments.orgId, orgId),
          eq(appointments.pathwayId, c.pathway.id),
          eq(appointments.status, 'booked'),
        ),
      )
      .limit(1);
    if (booked) continue; // Already rebooked (by hand, or an earlier run): nothing to do.
    const [seen] = await tx
      .select({ id: appointments.id })
      .from(appointments)
      .where(
        and(
          eq(appointments.orgId, orgId),
          eq(appointments.pathwayId, c.pathway.id),
          eq(appointments.status, 'attended'),
        ),
      )
      .limit(1);
    const accepted = acceptedSlotTypes({
      priority: c.pathway.priority as RttPriority,
      clinicType: c.pathway.clinicType,
      stage: seen ? 'follow-up' : 'first',
    });
    const free = await tx
      .select()
      .from(slots)
      .where(
        and(
          eq(slots.orgId, orgId),
          eq(slots.status, 'open'),
          sql`${slots.booked} + ${slots.held} < ${slots.capacity}`,
          eq(slots.specialtyCode, c.pathway.specialtyCode),
          inArray(slots.slotType, accepted),
          sql`${slots.startsAt} > ${ctx.now.toISOString()}::timestamptz`,
          sql`${slots.sessionDate} >= ${firstDate}`,
          ne(slots.id, c.appointment.slotId),
          c.pathway.clinicianId === null ? sql`true` : eq(slots.clinicianId, c.pathway.clinicianId),
          sql`not exists (select 1 from ${appointments} a where a.org_id = ${slots.orgId}
                and a.patient_id = ${c.pathway.patientId} and a.status = 'booked'
                and a.starts_at < ${slots.endsAt} and a.ends_at > ${slots.startsAt})`,
        ),
      )
      .orderBy(asc(slots.startsAt), asc(slots.id))
      .limit(TRIES);
    if (free.length === 0) {
      await escalate('No suitable slot is free: the patient could not be rebooked');
      continue;
    }
    const first = free[0]!;
    if (
      c.breachDate !== null &&
      compareDates(parsePlainDate(first.sessionDate), parsePlainDate(c.breachDate)) > 0
    ) {
      await escalate(
        `The earliest suitable slot (${first.sessionDate}) is after the 18-week breach date (${c.breachDate}): not rebooked`,
        first.startsAt.toISOString(),
      );
      continue;
    }
    let done = false;
    for (const slot of free) {
      if (
        c.breachDate !== null &&
        compareDates(parsePlainDate(slot.sessionDate), parsePlainDate(c.breachDate)) > 0
      ) {
        break;
      }
      try {
        // A savepoint: a slot taken meanwhile (or a booking rule) refuses this one, and the next is tried.
        const view = await tx.transaction((sp) =>
          bookInTx(
            sp,
            ctx,
            { slotId: slot.id, pathwayId: c.pathway.id, outOfTurnReason: REBOOK_REASON },
            c.appointment,
          ),
        );
        result.rebooked.push({
          appointmentId: view.id,
          replacesId: c.appointment.id,
          pathwayId: c.pathway.id,
          from: c.appointment.startsAt.toISOString(),
          to: view.startsAt,
          breachDate: c.breachDate,
          letter: 'rebooking-confirmation',
        });
        await audit(tx, ctx, {
          action: 'Appointment.rebook',
          resourceType: 'Appointment',
          resourceId: view.id,
          patientId: c.pathway.patientId,
          detail: {
            templateId: options.templateId,
            cause: options.cause,
            replacesId: c.appointment.id,
            slotId: slot.id,
            letter: 'rebooking-confirmation',
          },
        });
        done = true;
        break;
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
      }
    }
    if (!done)
      await escalate(
        'No suitable slot could be booked by the breach date: the patient could not be rebooked',
      );
  }
  return result;
}
