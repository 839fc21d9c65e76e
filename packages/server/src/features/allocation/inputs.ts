/**
 * What an allocation plan is made from, read in three queries: a specialty's waiting list for first
 * appointments, its patients' stated unavailability, and the free places over the plan's window.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { type FreeSlot, type SlotType, type UnavailablePeriod } from '@pathflow/core';
import type { Database } from '../../db/client';
import { appointments, pathways, patientUnavailability, slots } from '../../db/schema';
import type { RequestContext } from '../../auth/principal';

export interface WaitingRow {
  pathwayId: string;
  patientId: string;
  priority: string;
  clinicType: string | null;
  clinicianId: string | null;
  clockStart: string | null;
  clockStartDate: string;
  referralReceived: string;
}

/**
 * The waiting list for first appointments in a specialty: open pathways whose RTT clock is running and that
 * have no appointment booked or attended (the same eligibility as book in turn).
 */
export async function loadWaitingList(
  tx: Database,
  orgId: string,
  specialtyCode: string,
): Promise<WaitingRow[]> {
  return tx
    .select({
      pathwayId: pathways.id,
      patientId: pathways.patientId,
      priority: pathways.priority,
      clinicType: pathways.clinicType,
      clinicianId: pathways.clinicianId,
      clockStart: pathways.rttPeriodStart,
      clockStartDate: pathways.clockStartDate,
      referralReceived: pathways.referralReceivedDate,
    })
    .from(pathways)
    .where(
      and(
        eq(pathways.orgId, orgId),
        eq(pathways.specialtyCode, specialtyCode),
        sql`${pathways.status} = 'open' and ${pathways.rttRunning}`,
        sql`not exists (select 1 from ${appointments} a where a.org_id = ${pathways.orgId}
              and a.pathway_id = ${pathways.id} and a.status in ('booked', 'attended'))`,
      ),
    )
    .orderBy(asc(pathways.id));
}

/**
 * Days each waiting patient cannot be booked: their recorded unavailability, and the days they already have
 * an appointment on another pathway (so the plan never double-books a patient on one day).
 */
export async function loadUnavailable(
  tx: Database,
  orgId: string,
  specialtyCode: string,
  from: string,
  to: string,
): Promise<Map<string, UnavailablePeriod[]>> {
  const waiting = sql`(select p.patient_id from ${pathways} p where p.org_id = ${orgId}
      and p.specialty_code = ${specialtyCode} and p.status = 'open' and p.rtt_running)`;
  const periods = await tx
    .select({
      patientId: patientUnavailability.patientId,
      from: patientUnavailability.fromDate,
      to: patientUnavailability.toDate,
    })
    .from(patientUnavailability)
    .where(
      and(
        eq(patientUnavailability.orgId, orgId),
        sql`${patientUnavailability.removedAt} is null`,
        sql`${patientUnavailability.toDate} >= ${from} and ${patientUnavailability.fromDate} <= ${to}`,
        sql`${patientUnavailability.patientId} in ${waiting}`,
      ),
    );
  const booked = await tx
    .select({ patientId: appointments.patientId, day: sql<string>`${slots.sessionDate}` })
    .from(appointments)
    .innerJoin(slots, and(eq(slots.orgId, appointments.orgId), eq(slots.id, appointments.slotId)))
    .where(
      and(
        eq(appointments.orgId, orgId),
        eq(appointments.status, 'booked'),
        sql`${slots.sessionDate} between ${from} and ${to}`,
        sql`${appointments.patientId} in ${waiting}`,
      ),
    );
  const byPatient = new Map<string, UnavailablePeriod[]>();
  const add = (patientId: string, p: UnavailablePeriod) => {
    const list = byPatient.get(patientId);
    if (list) list.push(p);
    else byPatient.set(patientId, [p]);
  };
  for (const p of periods) add(p.patientId, { from: p.from, to: p.to });
  for (const b of booked) add(b.patientId, { from: b.day, to: b.day });
  return byPatient;
}

/** Open slots of the specialty in the window with a place free, starting after now. */
export async function loadFreeSlots(
  tx: Database,
  ctx: RequestContext,
  specialtyCode: string,
  from: string,
  to: string,
): Promise<FreeSlot[]> {
  const rows = await tx
    .select({
      slotId: slots.id,
      date: slots.sessionDate,
      startsAt: slots.startsAt,
      slotType: slots.slotType,
      clinicianId: slots.clinicianId,
      free: sql<number>`(${slots.capacity} - ${slots.booked} - ${slots.held})::int`,
    })
    .from(slots)
    .where(
      and(
        eq(slots.orgId, ctx.principal.orgId),
        eq(slots.specialtyCode, specialtyCode),
        eq(slots.status, 'open'),
        sql`${slots.booked} + ${slots.held} < ${slots.capacity}`,
        sql`${slots.sessionDate} between ${from} and ${to}`,
        sql`${slots.startsAt} > ${ctx.now.toISOString()}::timestamptz`,
      ),
    );
  return rows.map((r) => ({
    slotId: r.slotId,
    date: r.date,
    startsAt: r.startsAt.toISOString(),
    slotType: r.slotType as SlotType,
    specialtyCode,
    clinicianId: r.clinicianId,
    capacity: Number(r.free),
  }));
}
