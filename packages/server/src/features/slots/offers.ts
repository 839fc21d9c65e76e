/**
 * Slot offers for one pathway (`GET /pathways/:id/slot-offers`): the free-slot search narrowed to what the
 * pathway can be booked into — its specialty, the slot types its next appointment accepts (core
 * `acceptedSlotTypes`), never on a date the patient has said they cannot come — each slot with the notice it
 * would give if offered today and whether that is a reasonable offer (21 days or more, §1.5). With the patient
 * and pathway the booking clerk needs to see (name, NHS number, priority, 18-week breach date), the clinics and
 * clinicians of the specialty for the filters, and the patient's unavailability in the window. A read of the
 * patient's record: audited.
 *
 * And the cheap re-check a screen of slots polls (`GET /slots/availability`): how many places each slot still
 * has, nothing about any patient, so it is not audited (it would write an audit row every few seconds).
 */
import { and, asc, eq, gte, inArray, lte, isNull } from 'drizzle-orm';
import {
  acceptedSlotTypes,
  breachDates,
  type AppointmentStage,
  type RttPriority,
  type SlotType,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import {
  appointments,
  clinicTemplates,
  clinicians,
  pathways,
  patientUnavailability,
  patients,
  slots,
  specialties,
} from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { invalid, notFound } from '../../errors';
import { londonToday } from '../../clock';
import { freeSlotOf, freeSlotsQuery, searchWindow, type FreeSlot } from './service';

export interface SlotOffersQuery {
  from?: string | undefined;
  to?: string | undefined;
  slotType?: SlotType | undefined;
  clinicianId?: string | undefined;
  clinicId?: string | undefined;
  limit?: number | undefined;
}

export interface SlotOffers {
  pathway: {
    id: string;
    patientId: string;
    patientName: string;
    nhsNumber: string;
    priority: string;
    status: string;
    specialty: { code: string; name: string | null };
    clockStart: string | null;
    /** The 18-week breach date while the RTT clock runs. */
    breachDate: string | null;
    stage: AppointmentStage;
    acceptedSlotTypes: SlotType[];
    /** The appointment already booked on the pathway: a second is a reschedule, not a booking. */
    bookedAppointment: { id: string; startsAt: string } | null;
  };
  /** Dates the patient cannot come within the window (London dates, inclusive): slots on them are left out. */
  unavailability: { from: string; to: string }[];
  clinics: { id: string; name: string }[];
  clinicians: { id: string; name: string }[];
  from: string;
  to: string;
  today: string;
  limit: number;
  more: boolean;
  slots: FreeSlot[];
}

const clinicianName = (c: { title: string | null; givenName: string; familyName: string }) =>
  `${c.title ?? ''} ${c.givenName} ${c.familyName}`.trim();

export async function pathwaySlotOffers(
  db: Database,
  ctx: RequestContext,
  pathwayId: string,
  query: SlotOffersQuery,
): Promise<SlotOffers> {
  const orgId = ctx.principal.orgId;
  const w = searchWindow(ctx.now, query);
  const today = londonToday(ctx.now);
  return db.transaction(async (tx) => {
    const [p] = await tx
      .select({
        id: pathways.id,
        patientId: pathways.patientId,
        priority: pathways.priority,
        clinicType: pathways.clinicType,
        status: pathways.status,
        specialtyCode: pathways.specialtyCode,
        rttRunning: pathways.rttRunning,
        rttPeriodStart: pathways.rttPeriodStart,
        referralReceived: pathways.referralReceivedDate,
        nhsNumber: patients.nhsNumber,
        givenName: patients.givenName,
        familyName: patients.familyName,
        specialtyName: specialties.name,
      })
      .from(pathways)
      .innerJoin(patients, and(eq(patients.orgId, pathways.orgId), eq(patients.id, pathways.patientId)))
      .leftJoin(
        specialties,
        and(eq(specialties.orgId, pathways.orgId), eq(specialties.code, pathways.specialtyCode)),
      )
      .where(and(eq(pathways.orgId, orgId), eq(pathways.id, pathwayId)));
    if (!p) throw notFound('Pathway');

    const own = await tx
      .select({ id: appointments.id, status: appointments.status, startsAt: appointments.startsAt })
      .from(appointments)
      .where(
        and(
          eq(appointments.orgId, orgId),
          eq(appointments.pathwayId, pathwayId),
          inArray(appointments.status, ['booked', 'attended']),
        ),
      )
      .orderBy(asc(appointments.startsAt));
    const stage: AppointmentStage = own.some((a) => a.status === 'attended') ? 'follow-up' : 'first';
    const booked = own.find((a) => a.status === 'booked');
    const accepted = acceptedSlotTypes({
      priority: p.priority as RttPriority,
      clinicType: p.clinicType,
      stage,
    });
    if (query.slotType !== undefined && !accepted.includes(query.slotType)) {
      throw invalid(
        '/query/slotType',
        `A ${query.slotType} slot does not suit this pathway's ${stage === 'first' ? `${p.priority} first` : 'follow-up'} appointment: choose ${accepted.join(' or ')}`,
      );
    }

    const unavailable = await tx
      .select({ from: patientUnavailability.fromDate, to: patientUnavailability.toDate })
      .from(patientUnavailability)
      .where(
        and(
          eq(patientUnavailability.orgId, orgId),
          eq(patientUnavailability.patientId, p.patientId),
          isNull(patientUnavailability.removedAt),
          lte(patientUnavailability.fromDate, w.to),
          gte(patientUnavailability.toDate, w.from),
        ),
      )
      .orderBy(asc(patientUnavailability.fromDate));
    const clinicRows = await tx
      .select({ id: clinicTemplates.id, name: clinicTemplates.name })
      .from(clinicTemplates)
      .where(and(eq(clinicTemplates.orgId, orgId), eq(clinicTemplates.specialtyCode, p.specialtyCode)))
      .orderBy(asc(clinicTemplates.name), asc(clinicTemplates.id));
    const clinicianRows = await tx
      .select({
        id: clinicians.id,
        title: clinicians.title,
        givenName: clinicians.givenName,
        familyName: clinicians.familyName,
      })
      .from(clinicians)
      .where(and(eq(clinicians.orgId, orgId), eq(clinicians.specialtyCode, p.specialtyCode)))
      .orderBy(asc(clinicians.familyName), asc(clinicians.givenName), asc(clinicians.id));

    const rows = await freeSlotsQuery(
      tx,
      orgId,
      p.specialtyCode,
      w,
      {
        slotTypes: query.slotType === undefined ? accepted : [query.slotType],
        clinicianId: query.clinicianId,
        clinicId: query.clinicId,
        availableFor: p.patientId,
      },
      w.limit + 1,
    );
    const page = rows.slice(0, w.limit);
    await audit(tx, ctx, {
      action: 'Booking.slotOffers',
      resourceType: 'Pathway',
      resourceId: p.id,
      patientId: p.patientId,
      detail: { from: w.from, to: w.to, returned: page.length },
    });
    const clockStart = p.rttPeriodStart ?? p.referralReceived;
    return {
      pathway: {
        id: p.id,
        patientId: p.patientId,
        patientName: `${p.familyName}, ${p.givenName}`,
        nhsNumber: p.nhsNumber,
        priority: p.priority,
        status: p.status,
        specialty: { code: p.specialtyCode, name: p.specialtyName },
        clockStart,
        breachDate: p.rttRunning && clockStart ? breachDates(clockStart)['18'] : null,
        stage,
        acceptedSlotTypes: accepted,
        bookedAppointment: booked ? { id: booked.id, startsAt: booked.startsAt.toISOString() } : null,
      },
      unavailability: unavailable,
      clinics: clinicRows,
      clinicians: clinicianRows.map((c) => ({ id: c.id, name: clinicianName(c) })),
      from: w.from,
      to: w.to,
      today,
      limit: w.limit,
      more: rows.length > w.limit,
      slots: page.map((r) => freeSlotOf(r, today)),
    };
  });
}

export const MAX_AVAILABILITY_IDS = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SlotAvailability {
  id: string;
  /** Places still free (capacity less booked and held). */
  free: number;
  /** Open, not started and with a place free: it can be booked now. */
  bookable: boolean;
}

/**
 * How many places each slot still has, for a screen of slots to re-check cheaply: one indexed read by primary
 * key, no joins. A slot that does not exist is answered as not bookable with no place free.
 */
export async function slotAvailability(
  db: Database,
  ctx: RequestContext,
  idsParam: string,
): Promise<{ slots: SlotAvailability[] }> {
  const ids = [...new Set(idsParam.split(',').map((s) => s.trim()))].filter((s) => s.length > 0);
  if (ids.length === 0) throw invalid('/query/ids', 'Give at least one slot id');
  if (ids.length > MAX_AVAILABILITY_IDS) {
    throw invalid('/query/ids', `Give at most ${MAX_AVAILABILITY_IDS} slot ids at a time`);
  }
  const bad = ids.find((id) => !UUID.test(id));
  if (bad !== undefined) throw invalid('/query/ids', 'Each slot id must be a UUID');
  const rows = await db
    .select({
      id: slots.id,
      status: slots.status,
      startsAt: slots.startsAt,
      capacity: slots.capacity,
      booked: slots.booked,
      held: slots.held,
    })
    .from(slots)
    .where(and(eq(slots.orgId, ctx.principal.orgId), inArray(slots.id, ids)));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return {
    slots: ids.map((id) => {
      const r = byId.get(id);
      if (!r) return { id, free: 0, bookable: false };
      const free = Math.max(0, r.capacity - r.booked - r.held);
      return {
        id,
        free,
        bookable: r.status === 'open' && r.startsAt.getTime() > ctx.now.getTime() && free > 0,
      };
    }),
  };
}
