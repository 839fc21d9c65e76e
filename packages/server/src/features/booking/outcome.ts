/**
 * After the appointment: its attendance (arrived, attended, did not attend, cancelled on the day) and the
 * clinic outcome a clinician gives, each recording the RTT status it implies through `appendRttEvent` (which
 * re-runs the engine, refuses an illegal sequence naming the rule, and audits) in the same transaction.
 *
 * - A missed first appointment (DNA) records status 33 with the evidence that the appointment was
 *   communicated: the engine nullifies the clock when it was, and for a two-week-wait pathway the clock runs
 *   on (§1.4). Later missed appointments record no status here. Either way the access policy's tasks follow
 *   (`dna.ts`: a clinician's decision, a clinical or safeguarding review; nobody discharged automatically).
 * - Outcomes: discharge (34, pathway closed), follow-up in N weeks (20, and onto the follow-up list with its
 *   due date), add to the admitted waiting list with a surgical priority (20), treatment started (30), active
 *   monitoring (31/32). After the clock has stopped, a follow-up or a discharge records no RTT status.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import {
  acceptedSlotTypes,
  addDays,
  londonDateOfEpochMilliseconds,
  outcomeRttCode,
  parsePlainDate,
  surgicalDueBy,
  type AttendanceStatus,
  type ClinicOutcome,
  type SlotType,
  type SurgicalPriority,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { admittedListEntries, appointments, followUps, pathways } from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError, invalid, notFound } from '../../errors';
import { londonToday } from '../../clock';
import { appendRttEvent } from '../pathways/service';
import { appointmentView, type AppointmentView } from './service';
import { afterDna } from './dna';

type AppointmentRow = typeof appointments.$inferSelect;

async function lockAppointment(tx: Database, orgId: string, id: string): Promise<AppointmentRow> {
  const [row] = await tx
    .select()
    .from(appointments)
    .where(and(eq(appointments.orgId, orgId), eq(appointments.id, id)))
    .for('update');
  if (!row) throw notFound('Appointment');
  return row;
}

/** Whether this is the pathway's first appointment to be attended or missed (no earlier attended one). */
async function isFirst(tx: Database, orgId: string, a: AppointmentRow): Promise<boolean> {
  const rows = await tx
    .select({ id: appointments.id, status: appointments.status, startsAt: appointments.startsAt })
    .from(appointments)
    .where(and(eq(appointments.orgId, orgId), eq(appointments.pathwayId, a.pathwayId)));
  return !rows.some(
    (r) => r.id !== a.id && (r.status === 'attended' || r.status === 'dna') && r.startsAt < a.startsAt,
  );
}

export interface AttendanceInput {
  status: AttendanceStatus;
  /** For a DNA: the appointment was clearly communicated to the patient (letter, SMS, call). */
  appointmentCommunicated?: boolean | undefined;
  note?: string | undefined;
}

const NEXT_STATUSES: Record<string, readonly AttendanceStatus[]> = {
  booked: ['arrived', 'attended', 'dna', 'cancelled-on-day'],
  arrived: ['attended', 'cancelled-on-day'],
};

/**
 * Records what happened on the day. Only on or after the appointment's day; each step once; a did-not-attend
 * only once the appointment's time has passed (RECEPTION-dna-before-start, the same rule the reception desk
 * keeps).
 */
export async function recordAttendance(
  db: Database,
  ctx: RequestContext,
  id: string,
  input: AttendanceInput,
): Promise<AppointmentView> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  return db.transaction(async (tx) => {
    const a = await lockAppointment(tx, orgId, id);
    const day = londonDateOfEpochMilliseconds(a.startsAt.getTime());
    if (day > today) {
      throw invalid('/body/status', `The appointment is on ${day}: record attendance on or after that day`);
    }
    if (!(NEXT_STATUSES[a.status] ?? []).includes(input.status)) {
      throw new AppError(
        'conflict',
        `This appointment is ${a.status}: it cannot be recorded as ${input.status}`,
      );
    }
    if (input.status === 'dna' && a.startsAt.getTime() > ctx.now.getTime()) {
      const message =
        'This appointment has not started yet: a patient can only be recorded as did not attend once their appointment time has passed';
      throw new AppError('booking_rule_violation', message, {
        rule: 'RECEPTION-dna-before-start',
        errors: [{ field: '/body/status', message }],
      });
    }
    if (input.status === 'dna' && input.appointmentCommunicated === undefined) {
      throw invalid(
        '/body/appointmentCommunicated',
        'Say whether the appointment was clearly communicated to the patient: it decides what a missed first appointment does to the clock',
      );
    }
    const first = input.status === 'dna' && (await isFirst(tx, orgId, a));
    if (first) {
      await appendRttEvent(
        tx,
        ctx,
        a.pathwayId,
        {
          date: day,
          code: '33',
          appointmentCommunicated: input.appointmentCommunicated,
          note: input.note,
        },
        'appointment',
      );
    }
    const [updated] = await tx
      .update(appointments)
      .set({ status: input.status })
      .where(and(eq(appointments.orgId, orgId), eq(appointments.id, id)))
      .returning();
    await audit(tx, ctx, {
      action: 'Appointment.attendance',
      resourceType: 'Appointment',
      resourceId: id,
      patientId: a.patientId,
      detail: { status: input.status },
    });
    if (input.status === 'dna') {
      await afterDna(tx, ctx, updated!, { first, communicated: input.appointmentCommunicated === true, day });
    }
    return appointmentView(updated!);
  });
}

export interface OutcomeInput {
  outcome: ClinicOutcome;
  /** Follow-up: in how many weeks, in which type of slot. */
  followUpWeeks?: number | undefined;
  followUpSlotType?: SlotType | undefined;
  /** Decision to admit: the surgical priority and the procedure. */
  admittedPriority?: SurgicalPriority | undefined;
  procedure?: string | undefined;
  /** Active monitoring: who started it. */
  activeMonitoringBy?: 'patient' | 'clinician' | undefined;
  note?: string | undefined;
}

export interface OutcomeResult {
  appointment: AppointmentView;
  /** The RTT status recorded, or null when none was (the clock had stopped). */
  rttCode: string | null;
  followUp: { id: string; dueDate: string; slotType: string } | null;
  admittedListEntry: { id: string; priority: string; dueBy: string | null } | null;
  pathwayClosed: boolean;
}

function required<T>(value: T | undefined, field: string, message: string): T {
  if (value === undefined) throw invalid(field, message);
  return value;
}

/** Records the clinic outcome of an attended appointment (see the module comment). Once per appointment. */
export async function recordOutcome(
  db: Database,
  ctx: RequestContext,
  id: string,
  input: OutcomeInput,
): Promise<OutcomeResult> {
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    const a = await lockAppointment(tx, orgId, id);
    if (a.status !== 'attended') {
      throw new AppError(
        'conflict',
        `This appointment is ${a.status}: record that the patient attended before the clinic outcome`,
      );
    }
    if (a.outcome !== null) throw new AppError('conflict', 'This appointment already has its clinic outcome');
    const [pathway] = await tx
      .select()
      .from(pathways)
      .where(and(eq(pathways.orgId, orgId), eq(pathways.id, a.pathwayId)));
    if (!pathway) throw notFound('Pathway');
    const day = londonDateOfEpochMilliseconds(a.startsAt.getTime());

    // Check every field the outcome needs before writing anything.
    let followUp: OutcomeResult['followUp'] = null;
    let admitted: OutcomeResult['admittedListEntry'] = null;
    if (input.outcome === 'follow-up') {
      const weeks = required(input.followUpWeeks, '/body/followUpWeeks', 'Enter when to follow up, in weeks');
      const slotType = input.followUpSlotType ?? 'follow-up';
      const allowed = acceptedSlotTypes({ priority: 'routine', clinicType: null, stage: 'follow-up' });
      if (!allowed.includes(slotType)) {
        throw invalid('/body/followUpSlotType', `A follow-up is booked into a ${allowed.join(' or ')} slot`);
      }
      followUp = { id: randomUUID(), dueDate: addDays(parsePlainDate(day), weeks * 7).toString(), slotType };
    }
    if (input.outcome === 'add-to-admitted-list') {
      const priority = required(
        input.admittedPriority,
        '/body/admittedPriority',
        'Choose the surgical priority (P1a to P4)',
      );
      admitted = { id: randomUUID(), priority, dueBy: surgicalDueBy(day, priority) };
    }

    const code = outcomeRttCode({
      outcome: input.outcome,
      clockRunning: pathway.rttRunning,
      ...(input.activeMonitoringBy ? { activeMonitoringBy: input.activeMonitoringBy } : {}),
    });
    if (code === null && !['follow-up', 'discharge'].includes(input.outcome)) {
      throw new AppError(
        'booking_rule_violation',
        'No RTT clock is running on this pathway: record the new clock start (a decision to treat) on the pathway first',
        { errors: [{ field: '/body/outcome', message: 'needs a running RTT clock' }] },
      );
    }
    if (code !== null) {
      await appendRttEvent(
        tx,
        ctx,
        a.pathwayId,
        { date: day, code, clinicianDecision: true, note: input.note },
        'clinic-outcome',
        '/body',
      );
    }
    if (followUp) {
      await tx.insert(followUps).values({
        orgId,
        id: followUp.id,
        pathwayId: a.pathwayId,
        patientId: a.patientId,
        fromAppointmentId: a.id,
        specialtyCode: pathway.specialtyCode,
        slotType: followUp.slotType,
        dueDate: followUp.dueDate,
        status: 'waiting',
        createdBy: ctx.principal.id,
      });
    }
    if (admitted) {
      await tx.insert(admittedListEntries).values({
        orgId,
        id: admitted.id,
        pathwayId: a.pathwayId,
        patientId: a.patientId,
        fromAppointmentId: a.id,
        priority: admitted.priority,
        decidedOn: day,
        dueBy: admitted.dueBy,
        procedure: input.procedure?.trim() || null,
        status: 'waiting',
        createdBy: ctx.principal.id,
      });
    }
    const closes = input.outcome === 'discharge';
    if (closes) {
      await tx
        .update(pathways)
        .set({ status: 'closed', closedDate: day })
        .where(and(eq(pathways.orgId, orgId), eq(pathways.id, a.pathwayId)));
    }
    const [updated] = await tx
      .update(appointments)
      .set({
        outcome: input.outcome,
        outcomeDetail: {
          rttCode: code,
          followUpWeeks: input.followUpWeeks ?? null,
          followUpSlotType: followUp?.slotType ?? null,
          admittedPriority: admitted?.priority ?? null,
          activeMonitoringBy: input.activeMonitoringBy ?? null,
        },
      })
      .where(and(eq(appointments.orgId, orgId), eq(appointments.id, id)))
      .returning();
    await audit(tx, ctx, {
      action: 'Appointment.outcome',
      resourceType: 'Appointment',
      resourceId: id,
      patientId: a.patientId,
      detail: { outcome: input.outcome, rttCode: code },
    });
    return {
      appointment: appointmentView(updated!),
      rttCode: code,
      followUp,
      admittedListEntry: admitted,
      pathwayClosed: closes,
    };
  });
}
