/**
 * Automatic rebooking of displaced patients: appointments cancelled by the hospital (a clinic session
 * cancelled or reduced) or marked 'displaced' (their slot left the template with a new version).
 *
 * Order (nhs-domain §2.4: "rebook at the earliest opportunity, with priority given to patients already
 * cancelled once"): patients whose pathway already had an appointment cancelled by the hospital or displaced
 * by a clinic change (before this one) first, then clinical priority (two-week wait, urgent, routine), then the earliest clock start (the
 * earliest 18-week breach date), then the earliest referral.
 *
 * For each patient in that order the earliest slot that suits is taken: open, a place free, the pathway's
 * specialty, a slot type core's `acceptedSlotTypes` allows for the pathway and stage, the pathway's clinician
 * when it names one (else any), on a London date at least the policy's `rebookMinNoticeDays` after today (1), not on a date inside the
 * patient's stated unavailability (`patient_unavailability` not removed, London dates inclusive), and not
 * overlapping the patient's other booked appointments. It is booked with the booking service (`bookInTx`) in the caller's
 * transaction, `replacesId` pointing at the displaced appointment.
 *
 * Escalation: a patient whose earliest suitable slot falls after their 18-week breach date (clock start +
 * 127 days), or who has no suitable slot at all, or whose pathway is closed, is not booked: they are listed as
 * escalated to the service manager and an `Appointment.escalated` audit row records it (the escalation list
 * of a clinic is read back from those rows). Booking them beyond the breach would fix the breach in place and
 * take a slot another patient may need; the service manager decides (extra capacity, another clinician). Each
 * escalation puts an 'escalate-capacity' task on the service manager's queue and an urgent 'rebook' task on the
 * booking team's, and cancels the displaced appointment's interpreter or transport requests and reminders.
 * A pathway whose RTT clock is not running has no breach date: it is rebooked into the earliest slot.
 *
 * Letters: every patient handled here ends with one letter queued in the same transaction: 'appointment-moved'
 * when rebooked, 'appointment-cancelled' otherwise (escalated, or their pathway already has another appointment
 * booked). Its id is answered as `communicationId` (see `settleLetters` for the booking service's own letters).
 */
import { and, asc, eq, inArray, ne, notInArray, or, sql } from 'drizzle-orm';
import {
  PRIORITY_RANK,
  acceptedSlotTypes,
  addDays,
  breachDates,
  compareDates,
  parsePlainDate,
  teamFor,
  type ClinicEscalated,
  type ClinicRebooked,
  type ClinicRebooking,
  type RttPriority,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { appointments, communications, pathways, patientUnavailability, slots } from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError } from '../../errors';
import { londonToday } from '../../clock';
import { bookInTx } from '../booking/service';
import {
  cancelQueuedCommunications,
  queueCommunications,
  type QueuedCommunication,
} from '../communications/outbox';
import { createTasks } from '../tasks/service';
import { accessPolicyOn } from '../access-policy/service';
import { cancelSupport } from '../support-requests/service';

type AppointmentRow = typeof appointments.$inferSelect;
type PathwayRow = typeof pathways.$inferSelect;

export const REBOOK_REASON = 'Rebooked after clinic cancellation';
export const REBOOK_AFTER_CHANGE_REASON = 'Rebooked after a clinic change';
/** Candidate slots tried per patient when an earlier one is taken meanwhile. */
const TRIES = 5;

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
 * rebooked where and who was escalated, audits both and queues each patient's letter.
 */
export async function rebookDisplaced(
  tx: Database,
  ctx: RequestContext,
  appointmentIds: readonly string[],
  options: RebookOptions,
): Promise<ClinicRebooking> {
  const orgId = ctx.principal.orgId;
  const result: ClinicRebooking = { rebooked: [], escalated: [] };
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
  if (rows.length === 0) return result;
  const pathwayIds = [...new Set(rows.map((r) => r.pathway.id))];
  // A displacement by a clinic change is the hospital's cancellation too, as far as the patient is concerned.
  const earlier = await tx
    .select({ pathwayId: appointments.pathwayId })
    .from(appointments)
    .where(
      and(
        eq(appointments.orgId, orgId),
        inArray(appointments.pathwayId, pathwayIds),
        or(eq(appointments.cancelledBy, 'hospital'), eq(appointments.status, 'displaced')),
        notInArray(appointments.id, ids),
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
  // The soonest a rebooked appointment may be: the access policy's setting (default the next day).
  const policy = await accessPolicyOn(tx, orgId, today);
  const firstDate = addDays(parsePlainDate(today), policy.booking.rebookMinNoticeDays).toString();
  const outOfTurnReason = options.cause === 'version-change' ? REBOOK_AFTER_CHANGE_REASON : REBOOK_REASON;
  // One letter per patient, queued together at the end; `assign` gives each view its letter's id.
  const letters: { item: QueuedCommunication; assign: (id: string) => void }[] = [];
  const cancelledLetter = (c: Candidate, escalated: boolean, assign: (id: string) => void = () => {}) =>
    letters.push({
      item: {
        patientId: c.pathway.patientId,
        pathwayId: c.pathway.id,
        appointmentId: c.appointment.id,
        kind: 'appointment-cancelled',
        detail: {
          cause: options.cause,
          templateId: options.templateId,
          startsAt: c.appointment.startsAt.toISOString(),
          escalated,
        },
      },
      assign,
    });
  for (const c of candidates) {
    const escalate = async (reason: string, earliestSlotAt: string | null = null) => {
      const view: ClinicEscalated = {
        appointmentId: c.appointment.id,
        pathwayId: c.pathway.id,
        reason,
        breachDate: c.breachDate,
        communicationId: '',
      };
      result.escalated.push(view);
      cancelledLetter(c, true, (id) => (view.communicationId = id));
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
      // The work that follows, on the queues: the service manager finds capacity, the booking team rebooks.
      const base = {
        patientId: c.pathway.patientId,
        pathwayId: c.pathway.id,
        appointmentId: c.appointment.id,
      };
      const detail = {
        rule: 'ACC-2.4-rebook-first',
        templateId: options.templateId,
        breachDate: c.breachDate,
        earliestSlotAt,
      };
      await createTasks(tx, ctx, [
        {
          ...base,
          type: 'escalate-capacity',
          team: teamFor('service-manager', c.pathway.specialtyCode),
          detail,
          dedupeKey: `escalate-capacity:${c.appointment.id}`,
        },
        {
          ...base,
          type: 'rebook',
          team: teamFor('booking-clerk', c.pathway.specialtyCode),
          priority: 'urgent',
          detail,
          dedupeKey: `rebook:${c.appointment.id}`,
        },
      ]);
      await cancelSupport(tx, ctx, {
        id: c.appointment.id,
        patientId: c.pathway.patientId,
        pathwayId: c.pathway.id,
        startsAt: c.appointment.startsAt,
        specialtyCode: c.pathway.specialtyCode,
      });
      await cancelQueuedCommunications(tx, ctx, c.appointment.id, ['appointment-reminder']);
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
    if (booked) {
      // Already rebooked (by hand, or an earlier run): nothing to book, but this appointment is still gone.
      cancelledLetter(c, false);
      continue;
    }
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
          sql`not exists (select 1 from ${patientUnavailability} u where u.org_id = ${slots.orgId}
                and u.patient_id = ${c.pathway.patientId} and u.removed_at is null
                and ${slots.sessionDate} between u.from_date and u.to_date)`,
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
        const booking = await tx.transaction((sp) =>
          bookInTx(sp, ctx, { slotId: slot.id, pathwayId: c.pathway.id, outOfTurnReason }, c.appointment),
        );
        const view: ClinicRebooked = {
          appointmentId: booking.id,
          replacesId: c.appointment.id,
          pathwayId: c.pathway.id,
          from: c.appointment.startsAt.toISOString(),
          to: booking.startsAt,
          breachDate: c.breachDate,
          letter: 'rebooking-confirmation',
          communicationId: '',
        };
        result.rebooked.push(view);
        letters.push({
          item: {
            patientId: c.pathway.patientId,
            pathwayId: c.pathway.id,
            appointmentId: booking.id,
            kind: 'appointment-moved',
            detail: {
              cause: options.cause,
              templateId: options.templateId,
              replacesId: c.appointment.id,
              from: view.from,
              to: view.to,
            },
          },
          assign: (id) => (view.communicationId = id),
        });
        await audit(tx, ctx, {
          action: 'Appointment.rebook',
          resourceType: 'Appointment',
          resourceId: booking.id,
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
  await settleLetters(
    tx,
    ctx,
    letters,
    result.rebooked.map((r) => r.replacesId),
    options,
  );
  return result;
}

/**
 * One letter per patient, whoever queued it. The booking service may already have queued letters in this
 * transaction: a 'appointment-cancelled' when the hospital cancelled the session's appointment, and an
 * 'appointment-moved' when it booked the replacement. Such a letter is kept when it is the one the patient
 * should get (and told what caused it); a cancellation letter for a patient rebooked since is withdrawn before
 * it ever leaves the transaction; the letters still missing are queued.
 */
async function settleLetters(
  tx: Database,
  ctx: RequestContext,
  letters: readonly { item: QueuedCommunication; assign: (id: string) => void }[],
  rebookedFrom: readonly string[],
  options: RebookOptions,
): Promise<void> {
  const orgId = ctx.principal.orgId;
  const ids = [...new Set([...letters.map((l) => l.item.appointmentId!), ...rebookedFrom])];
  if (ids.length === 0) return;
  // Only what this request queued: same author, same instant, still queued.
  const mine = and(
    eq(communications.orgId, orgId),
    eq(communications.status, 'queued'),
    eq(communications.createdBy, ctx.principal.id),
    eq(communications.createdAt, ctx.now),
    inArray(communications.kind, ['appointment-moved', 'appointment-cancelled']),
  );
  const already = await tx
    .select({ id: communications.id, appointmentId: communications.appointmentId, kind: communications.kind })
    .from(communications)
    .where(and(mine, inArray(communications.appointmentId, ids)));
  const found = new Map(already.map((c) => [`${c.appointmentId}/${c.kind}`, c.id]));
  const missing: { item: QueuedCommunication; assign: (id: string) => void }[] = [];
  const adopted: string[] = [];
  for (const l of letters) {
    const id = found.get(`${l.item.appointmentId}/${l.item.kind}`);
    if (id === undefined) missing.push(l);
    else {
      adopted.push(id);
      l.assign(id);
    }
  }
  const withdrawn = already
    .filter((c) => c.kind === 'appointment-cancelled' && rebookedFrom.includes(c.appointmentId!))
    .map((c) => c.id);
  if (withdrawn.length > 0) {
    await tx.delete(communications).where(and(mine, inArray(communications.id, withdrawn)));
  }
  if (adopted.length > 0) {
    const cause = JSON.stringify({ cause: options.cause, templateId: options.templateId });
    await tx
      .update(communications)
      .set({ detail: sql`coalesce(${communications.detail}, '{}'::jsonb) || ${cause}::jsonb` })
      .where(and(eq(communications.orgId, orgId), inArray(communications.id, adopted)));
  }
  const queued = await queueCommunications(
    tx,
    ctx,
    missing.map((l) => l.item),
  );
  missing.forEach((l, i) => l.assign(queued[i]!));
}
