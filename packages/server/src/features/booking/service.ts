/**
 * Booking transactions: hold a place, book, cancel and reschedule, all audited, never beyond a slot's capacity.
 *
 * Capacity is PostgreSQL's to enforce: a booking raises `slots.booked` with one conditional update
 * (`booked + held < capacity`) in the same transaction as the appointment, and a check constraint refuses
 * `booked + held > capacity` whatever the code does. A patient is never in two overlapping appointments: the
 * patient's row is locked while the overlap is checked and the appointment written, so two clerks booking the
 * same patient at once are applied one after the other. A pathway has one booked appointment at a time (a
 * second is a reschedule).
 */
import { randomUUID } from 'node:crypto';
import { and, eq, gt, lte, ne, sql } from 'drizzle-orm';
import {
  acceptedSlotTypes,
  isReasonableOffer,
  londonDateOfEpochMilliseconds,
  offerNoticeDays,
  type AppointmentStage,
  type RttPriority,
  type SlotType,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { appointments, pathways, patients, slotHolds, slots } from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError, notFound } from '../../errors';
import { londonToday } from '../../clock';
import { aheadInTurn } from './in-turn';

type SlotRow = typeof slots.$inferSelect;
type PathwayRow = typeof pathways.$inferSelect;
type AppointmentRow = typeof appointments.$inferSelect;

export const DEFAULT_HOLD_MINUTES = 10;
export const MAX_HOLD_MINUTES = 60;

export interface AppointmentView {
  id: string;
  slotId: string;
  pathwayId: string;
  patientId: string;
  startsAt: string;
  endsAt: string;
  slotType: string;
  status: string;
  offeredOn: string;
  noticeDays: number;
  reasonableOffer: boolean;
  outOfTurnReason: string | null;
  replacesId: string | null;
  cancelledBy: string | null;
  cancelReason: string | null;
  bookedBy: string;
  bookedAt: string;
}

export function appointmentView(a: AppointmentRow): AppointmentView {
  return {
    id: a.id,
    slotId: a.slotId,
    pathwayId: a.pathwayId,
    patientId: a.patientId,
    startsAt: a.startsAt.toISOString(),
    endsAt: a.endsAt.toISOString(),
    slotType: a.slotType,
    status: a.status,
    offeredOn: a.offeredOn,
    noticeDays: a.noticeDays,
    reasonableOffer: a.reasonableOffer,
    outOfTurnReason: a.outOfTurnReason,
    replacesId: a.replacesId,
    cancelledBy: a.cancelledBy,
    cancelReason: a.cancelReason,
    bookedBy: a.bookedBy,
    bookedAt: a.bookedAt.toISOString(),
  };
}

const rule = (field: string, message: string): AppError =>
  new AppError('booking_rule_violation', message, { errors: [{ field, message }] });
const unavailable = (message: string): AppError =>
  new AppError('slot_unavailable', message, { errors: [{ field: '/body/slotId', message }] });

/** Releases a slot's expired holds, so that their places can be booked again. */
async function releaseExpiredHolds(
  tx: Database,
  orgId: string,
  slot: Pick<SlotRow, 'id' | 'held'>,
  now: Date,
): Promise<void> {
  // Nothing held when the slot was read: nothing to release (a hold taken since counts, as it should).
  if (slot.held === 0) return;
  const slotId = slot.id;
  const expired = await tx
    .update(slotHolds)
    .set({ status: 'expired' })
    .where(
      and(
        eq(slotHolds.orgId, orgId),
        eq(slotHolds.slotId, slotId),
        eq(slotHolds.status, 'active'),
        lte(slotHolds.expiresAt, now),
      ),
    )
    .returning({ id: slotHolds.id });
  if (expired.length > 0) {
    await tx
      .update(slots)
      .set({ held: sql`${slots.held} - ${expired.length}` })
      .where(and(eq(slots.orgId, orgId), eq(slots.id, slotId)));
  }
}

async function loadSlot(tx: Database, orgId: string, slotId: string): Promise<SlotRow> {
  const [slot] = await tx
    .select()
    .from(slots)
    .where(and(eq(slots.orgId, orgId), eq(slots.id, slotId)));
  if (!slot) throw notFound('Slot');
  return slot;
}

async function lockPathway(tx: Database, orgId: string, pathwayId: string): Promise<PathwayRow> {
  const [pathway] = await tx
    .select()
    .from(pathways)
    .where(and(eq(pathways.orgId, orgId), eq(pathways.id, pathwayId)))
    .for('update');
  if (!pathway) throw notFound('Pathway');
  return pathway;
}

/** First appointment until the patient has attended one on this pathway; follow-up after. */
async function stageOf(tx: Database, orgId: string, pathwayId: string): Promise<AppointmentStage> {
  const [seen] = await tx
    .select({ id: appointments.id })
    .from(appointments)
    .where(
      and(
        eq(appointments.orgId, orgId),
        eq(appointments.pathwayId, pathwayId),
        eq(appointments.status, 'attended'),
      ),
    )
    .limit(1);
  return seen ? 'follow-up' : 'first';
}

/** The checks every booking and hold makes of a slot and a pathway; throws the first that fails. */
async function checkSuits(
  tx: Database,
  ctx: RequestContext,
  slot: SlotRow,
  pathway: PathwayRow,
): Promise<AppointmentStage> {
  if (slot.status !== 'open') {
    throw unavailable('The clinic for this slot has been cancelled: choose another slot');
  }
  if (slot.startsAt.getTime() <= ctx.now.getTime()) {
    throw rule('/body/slotId', 'This slot has already started: choose a slot in the future');
  }
  if (pathway.status !== 'open') {
    throw rule('/body/pathwayId', 'This pathway is closed: it has no appointment to book');
  }
  if (pathway.specialtyCode !== slot.specialtyCode) {
    throw rule(
      '/body/slotId',
      `This slot is in specialty ${slot.specialtyCode}, but the pathway is in specialty ${pathway.specialtyCode}`,
    );
  }
  const stage = await stageOf(tx, ctx.principal.orgId, pathway.id);
  const accepted = acceptedSlotTypes({
    priority: pathway.priority as RttPriority,
    clinicType: pathway.clinicType,
    stage,
  });
  if (!accepted.includes(slot.slotType as SlotType)) {
    throw rule(
      '/body/slotId',
      `A ${slot.slotType} slot does not suit this ${stage === 'first' ? `${pathway.priority} first` : 'follow-up'} appointment: use a ${accepted.join(' or ')} slot`,
    );
  }
  return stage;
}

/** Locks the patient and refuses a booking that overlaps another of the patient's appointments. */
async function checkNoOverlap(
  tx: Database,
  orgId: string,
  patientId: string,
  slot: SlotRow,
  except: string | null,
): Promise<void> {
  await tx
    .select({ id: patients.id })
    .from(patients)
    .where(and(eq(patients.orgId, orgId), eq(patients.id, patientId)))
    .for('update');
  const clash = await tx
    .select({ startsAt: appointments.startsAt })
    .from(appointments)
    .where(
      and(
        eq(appointments.orgId, orgId),
        eq(appointments.patientId, patientId),
        eq(appointments.status, 'booked'),
        sql`${appointments.startsAt} < ${slot.endsAt.toISOString()}::timestamptz`,
        sql`${appointments.endsAt} > ${slot.startsAt.toISOString()}::timestamptz`,
        except === null ? sql`true` : ne(appointments.id, except),
      ),
    )
    .limit(1);
  if (clash.length > 0) {
    throw new AppError(
      'conflict',
      'The patient already has an appointment at that time: choose a slot that does not overlap it',
      { errors: [{ field: '/body/slotId', message: 'overlaps another of the patient’s appointments' }] },
    );
  }
}

export interface HoldInput {
  slotId: string;
  pathwayId: string;
  minutes?: number | undefined;
}

export interface HoldView {
  id: string;
  slotId: string;
  pathwayId: string;
  expiresAt: string;
}

/** Holds a place in a slot for a few minutes while the clerk agrees the date with the patient. */
export async function holdSlot(db: Database, ctx: RequestContext, input: HoldInput): Promise<HoldView> {
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    const pathway = await lockPathway(tx, orgId, input.pathwayId);
    const slot = await loadSlot(tx, orgId, input.slotId);
    await checkSuits(tx, ctx, slot, pathway);
    await takeFreePlace(tx, ctx, slot, 'held');
    const id = randomUUID();
    const expiresAt = new Date(ctx.now.getTime() + (input.minutes ?? DEFAULT_HOLD_MINUTES) * 60_000);
    await tx.insert(slotHolds).values({
      orgId,
      id,
      slotId: slot.id,
      pathwayId: pathway.id,
      expiresAt,
      status: 'active',
      createdBy: ctx.principal.id,
    });
    await audit(tx, ctx, {
      action: 'SlotHold.create',
      resourceType: 'Slot',
      resourceId: slot.id,
      patientId: pathway.patientId,
      detail: { holdId: id, pathwayId: pathway.id },
    });
    return { id, slotId: slot.id, pathwayId: pathway.id, expiresAt: expiresAt.toISOString() };
  });
}

export interface BookInput {
  slotId: string;
  pathwayId: string;
  /** A hold on this slot for this pathway, taken earlier: its place is used. */
  holdId?: string | undefined;
  /** Required when patients are due before this one for this slot (book in turn). */
  outOfTurnReason?: string | undefined;
}

/** Takes a place in the slot: the hold's, or a free one. Throws `slot_unavailable` when none is left. */
async function takePlace(
  tx: Database,
  ctx: RequestContext,
  slot: SlotRow,
  pathwayId: string,
  holdId: string | undefined,
): Promise<void> {
  const orgId = ctx.principal.orgId;
  if (holdId !== undefined) {
    const used = await tx
      .update(slotHolds)
      .set({ status: 'booked' })
      .where(
        and(
          eq(slotHolds.orgId, orgId),
          eq(slotHolds.id, holdId),
          eq(slotHolds.slotId, slot.id),
          eq(slotHolds.pathwayId, pathwayId),
          eq(slotHolds.status, 'active'),
          gt(slotHolds.expiresAt, ctx.now),
        ),
      )
      .returning({ id: slotHolds.id });
    if (used.length === 0) {
      throw rule(
        '/body/holdId',
        'The hold has expired or is not for this slot and pathway: book again without it, or hold the slot again',
      );
    }
    await tx
      .update(slots)
      .set({ held: sql`${slots.held} - 1`, booked: sql`${slots.booked} + 1` })
      .where(and(eq(slots.orgId, orgId), eq(slots.id, slot.id)));
    return;
  }
  await takeFreePlace(tx, ctx, slot, 'booked');
}

/**
 * Takes one free place in the slot, as a hold or a booking, with one conditional update: it succeeds only
 * while the slot is open and `booked + held < capacity`, so concurrent requests can never over-book it.
 * Expired holds are released first. Throws `slot_unavailable` when no place is left.
 */
async function takeFreePlace(
  tx: Database,
  ctx: RequestContext,
  slot: SlotRow,
  as: 'held' | 'booked',
): Promise<void> {
  const orgId = ctx.principal.orgId;
  await releaseExpiredHolds(tx, orgId, slot, ctx.now);
  const taken = await tx
    .update(slots)
    .set(as === 'held' ? { held: sql`${slots.held} + 1` } : { booked: sql`${slots.booked} + 1` })
    .where(
      and(
        eq(slots.orgId, orgId),
        eq(slots.id, slot.id),
        eq(slots.status, 'open'),
        sql`${slots.booked} + ${slots.held} < ${slots.capacity}`,
      ),
    )
    .returning({ id: slots.id });
  if (taken.length === 0) throw unavailable('This slot is fully booked: choose another slot');
}

/** Gives a place back to the slot (a cancellation, or the old appointment of a reschedule). */
async function givePlaceBack(tx: Database, orgId: string, slotId: string): Promise<void> {
  await tx
    .update(slots)
    .set({ booked: sql`${slots.booked} - 1` })
    .where(and(eq(slots.orgId, orgId), eq(slots.id, slotId)));
}

/**
 * Books an appointment inside the caller's transaction (see the module comment). `replaces` is the booked
 * appointment a reschedule moves: it is left out of the one-appointment and overlap checks.
 */
export async function bookInTx(
  tx: Database,
  ctx: RequestContext,
  input: BookInput,
  replaces: AppointmentRow | null = null,
): Promise<AppointmentView> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  const pathway = await lockPathway(tx, orgId, input.pathwayId);
  const slot = await loadSlot(tx, orgId, input.slotId);
  const stage = await checkSuits(tx, ctx, slot, pathway);
  const [current] = await tx
    .select({ id: appointments.id, startsAt: appointments.startsAt })
    .from(appointments)
    .where(
      and(
        eq(appointments.orgId, orgId),
        eq(appointments.pathwayId, pathway.id),
        eq(appointments.status, 'booked'),
        replaces === null ? sql`true` : ne(appointments.id, replaces.id),
      ),
    )
    .limit(1);
  if (current) {
    throw new AppError(
      'conflict',
      'This pathway already has an appointment booked: reschedule that appointment instead',
      { errors: [{ field: '/body/pathwayId', message: 'already has an appointment booked' }] },
    );
  }
  await checkNoOverlap(tx, orgId, pathway.patientId, slot, replaces?.id ?? null);
  const reason = input.outOfTurnReason?.trim() || null;
  // A reschedule moves a patient already booked: the turn was taken when they were first booked.
  if (stage === 'first' && reason === null && input.holdId === undefined && replaces === null) {
    const ahead = await aheadInTurn(tx, orgId, slot, pathway);
    if (ahead > 0) {
      throw rule(
        '/body/outOfTurnReason',
        `${ahead >= 1000 ? 'More than 999' : ahead} ${ahead === 1 ? 'patient is' : 'patients are'} due to be booked before this one for this slot. Book in turn, or give the reason for booking out of turn.`,
      );
    }
  }
  await takePlace(tx, ctx, slot, pathway.id, input.holdId);
  const slotDate = londonDateOfEpochMilliseconds(slot.startsAt.getTime());
  const offer = { madeOn: today, offeredFor: slotDate };
  const row: AppointmentRow = {
    orgId,
    id: randomUUID(),
    slotId: slot.id,
    pathwayId: pathway.id,
    patientId: pathway.patientId,
    startsAt: slot.startsAt,
    endsAt: slot.endsAt,
    slotType: slot.slotType,
    status: 'booked',
    offeredOn: today,
    noticeDays: offerNoticeDays(offer),
    reasonableOffer: isReasonableOffer(offer),
    outOfTurnReason: reason,
    replacesId: replaces?.id ?? null,
    cancelledBy: null,
    cancelReason: null,
    cancelledAt: null,
    outcome: null,
    outcomeDetail: null,
    bookedBy: ctx.principal.id,
    bookedAt: ctx.now,
  };
  await tx.insert(appointments).values(row);
  await audit(tx, ctx, {
    action: 'Appointment.create',
    resourceType: 'Appointment',
    resourceId: row.id,
    patientId: pathway.patientId,
    detail: { slotId: slot.id, pathwayId: pathway.id, outOfTurn: reason !== null },
  });
  return appointmentView(row);
}

async function lockAppointment(tx: Database, orgId: string, id: string): Promise<AppointmentRow> {
  const [row] = await tx
    .select()
    .from(appointments)
    .where(and(eq(appointments.orgId, orgId), eq(appointments.id, id)))
    .for('update');
  if (!row) throw notFound('Appointment');
  return row;
}

export const CANCELLED_BY = ['patient', 'hospital'] as const;
export type CancelledBy = (typeof CANCELLED_BY)[number];

export interface CancelInput {
  by: CancelledBy;
  reason: string;
}

function mustBeBooked(a: AppointmentRow, doing: string): void {
  if (a.status !== 'booked') {
    throw new AppError('conflict', `This appointment is ${a.status}: it cannot be ${doing}`);
  }
}

async function cancelInTx(
  tx: Database,
  ctx: RequestContext,
  a: AppointmentRow,
  input: CancelInput,
  status: 'cancelled' | 'rescheduled',
): Promise<AppointmentRow> {
  const orgId = ctx.principal.orgId;
  const [updated] = await tx
    .update(appointments)
    .set({ status, cancelledBy: input.by, cancelReason: input.reason.trim(), cancelledAt: ctx.now })
    .where(and(eq(appointments.orgId, orgId), eq(appointments.id, a.id)))
    .returning();
  await givePlaceBack(tx, orgId, a.slotId);
  await audit(tx, ctx, {
    action: status === 'cancelled' ? 'Appointment.cancel' : 'Appointment.reschedule',
    resourceType: 'Appointment',
    resourceId: a.id,
    patientId: a.patientId,
    detail: { by: input.by },
  });
  return updated!;
}

/**
 * Cancels a booked appointment, by the patient or by the hospital, with the reason. The RTT clock carries on
 * either way (§1.4: cancellations have no effect on the clock); the place goes back to the slot.
 */
export async function cancelAppointmentInTx(
  tx: Database,
  ctx: RequestContext,
  id: string,
  input: CancelInput,
): Promise<AppointmentView> {
  const a = await lockAppointment(tx, ctx.principal.orgId, id);
  mustBeBooked(a, 'cancelled');
  return appointmentView(await cancelInTx(tx, ctx, a, input, 'cancelled'));
}

export interface RescheduleInput {
  slotId: string;
  by: CancelledBy;
  reason: string;
  outOfTurnReason?: string | undefined;
}

/** Moves a booked appointment to another slot in one transaction: the new one is booked, the old one freed. */
export async function rescheduleInTx(
  tx: Database,
  ctx: RequestContext,
  id: string,
  input: RescheduleInput,
): Promise<AppointmentView> {
  const a = await lockAppointment(tx, ctx.principal.orgId, id);
  mustBeBooked(a, 'rescheduled');
  if (a.slotId === input.slotId) {
    throw rule('/body/slotId', 'The appointment is already in this slot: choose another slot');
  }
  const booked = await bookInTx(
    tx,
    ctx,
    { slotId: input.slotId, pathwayId: a.pathwayId, outOfTurnReason: input.outOfTurnReason },
    a,
  );
  await cancelInTx(tx, ctx, a, input, 'rescheduled');
  return booked;
}

export async function getAppointment(
  db: Database,
  ctx: RequestContext,
  id: string,
): Promise<AppointmentView> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(appointments)
      .where(and(eq(appointments.orgId, ctx.principal.orgId), eq(appointments.id, id)));
    if (!row) throw notFound('Appointment');
    await audit(tx, ctx, {
      action: 'Appointment.read',
      resourceType: 'Appointment',
      resourceId: id,
      patientId: row.patientId,
    });
    return appointmentView(row);
  });
}
