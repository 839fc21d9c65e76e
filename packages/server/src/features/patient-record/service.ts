/**
 * The parts of a patient's record the patient page shows beside their demographics: their pathways (each with
 * its RTT clock read today by the engine, and its booked appointment) and their appointments (where, with
 * whom, what happened, and any interpreter or transport requested). Each read checks the patient belongs to
 * the caller's organisation (404 otherwise) and is audited as a read of the patient's record, in the same
 * transaction.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import {
  breachDates,
  completedWeeks,
  type PatientAppointment,
  type PatientPathway,
  type RttPriority,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import {
  appointments,
  clinicTemplates,
  clinicians,
  locations,
  pathways,
  patients,
  rttEvents,
  slots,
  specialties,
  supportRequests,
} from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { notFound } from '../../errors';
import { londonToday } from '../../clock';
import { evaluatePathway } from '../pathways/service';
import {
  clinicOfSlot,
  locationOfSlot,
  pathwayOfAppointment,
  slotOfAppointment,
} from '../clinics/appointment-joins';

/** Most appointments one read returns, newest first (a patient has tens at most). */
export const MAX_PATIENT_APPOINTMENTS = 200;

const fullName = (p: { title: string | null; givenName: string | null; familyName: string | null }) =>
  [p.title, p.givenName, p.familyName].filter((s) => s !== null && s !== '').join(' ');

/** Throws 404 unless the patient is one of the caller's organisation's. */
async function requirePatient(tx: Database, orgId: string, patientId: string): Promise<void> {
  const [row] = await tx
    .select({ id: patients.id })
    .from(patients)
    .where(and(eq(patients.orgId, orgId), eq(patients.id, patientId)));
  if (!row) throw notFound('Patient');
}

/** The patient's pathways, open ones first then the newest, each with its clock today and booked appointment. */
export async function patientPathways(
  db: Database,
  ctx: RequestContext,
  patientId: string,
): Promise<PatientPathway[]> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  return db.transaction(async (tx) => {
    await requirePatient(tx, orgId, patientId);
    const rows = await tx
      .select({
        pathway: pathways,
        specialtyName: specialties.name,
        clinicianTitle: clinicians.title,
        clinicianGivenName: clinicians.givenName,
        clinicianFamilyName: clinicians.familyName,
      })
      .from(pathways)
      .innerJoin(
        specialties,
        and(eq(specialties.orgId, pathways.orgId), eq(specialties.code, pathways.specialtyCode)),
      )
      .leftJoin(
        clinicians,
        and(eq(clinicians.orgId, pathways.orgId), eq(clinicians.id, pathways.clinicianId)),
      )
      .where(and(eq(pathways.orgId, orgId), eq(pathways.patientId, patientId)))
      .orderBy(desc(eq(pathways.status, 'open')), desc(pathways.clockStartDate), asc(pathways.id));
    const ids = rows.map((r) => r.pathway.id);
    const events =
      ids.length === 0
        ? []
        : await tx
            .select()
            .from(rttEvents)
            .where(and(eq(rttEvents.orgId, orgId), inArray(rttEvents.pathwayId, ids)))
            .orderBy(asc(rttEvents.eventDate), asc(rttEvents.seq));
    const booked =
      ids.length === 0
        ? []
        : await tx
            .select({
              id: appointments.id,
              pathwayId: appointments.pathwayId,
              startsAt: appointments.startsAt,
              clinic: clinicTemplates.name,
            })
            .from(appointments)
            .innerJoin(slots, slotOfAppointment)
            .innerJoin(clinicTemplates, clinicOfSlot)
            .where(
              and(
                eq(appointments.orgId, orgId),
                inArray(appointments.pathwayId, ids),
                eq(appointments.status, 'booked'),
              ),
            )
            .orderBy(asc(appointments.startsAt));
    await audit(tx, ctx, {
      action: 'Patient.read',
      resourceType: 'Patient',
      resourceId: patientId,
      patientId,
      detail: { part: 'pathways', count: rows.length },
    });
    return rows.map((r): PatientPathway => {
      const p = r.pathway;
      const rtt = evaluatePathway(
        p,
        events.filter((e) => e.pathwayId === p.id),
        today,
      );
      const appointment = booked.find((a) => a.pathwayId === p.id);
      const c = rtt.current;
      const waiting =
        p.status === 'open' && c.running && c.start !== null && c.daysWaited !== null
          ? {
              since: c.start,
              daysWaited: c.daysWaited,
              weeksWaited: completedWeeks(c.daysWaited),
              weekBand: c.weekBand ?? 1,
              breachDate: c.breachDates?.['18'] ?? breachDates(c.start)['18'],
              over18Weeks: c.over18Weeks,
            }
          : null;
      return {
        id: p.id,
        ppid: p.ppid,
        specialty: { code: p.specialtyCode, name: r.specialtyName },
        clinician:
          p.clinicianId === null
            ? null
            : {
                id: p.clinicianId,
                name: fullName({
                  title: r.clinicianTitle,
                  givenName: r.clinicianGivenName,
                  familyName: r.clinicianFamilyName,
                }),
              },
        priority: p.priority as RttPriority,
        clockStart: p.clockStartDate,
        status: p.status,
        clockRunning: rtt.current.running,
        waiting,
        bookedAppointment: appointment
          ? { id: appointment.id, startsAt: appointment.startsAt.toISOString(), clinic: appointment.clinic }
          : null,
      };
    });
  });
}

/** The patient's appointments, newest first, with the clinic, clinician, place and any support requested. */
export async function patientAppointments(
  db: Database,
  ctx: RequestContext,
  patientId: string,
): Promise<PatientAppointment[]> {
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    await requirePatient(tx, orgId, patientId);
    const rows = await tx
      .select({
        appointment: appointments,
        specialtyCode: pathways.specialtyCode,
        specialtyName: specialties.name,
        clinicId: clinicTemplates.id,
        clinicName: clinicTemplates.name,
        serviceName: clinicTemplates.serviceName,
        clinicianId: clinicians.id,
        clinicianTitle: clinicians.title,
        clinicianGivenName: clinicians.givenName,
        clinicianFamilyName: clinicians.familyName,
        location: {
          id: locations.id,
          name: locations.name,
          site: locations.site,
          addressLine: locations.addressLine,
          postcode: locations.postcode,
        },
      })
      .from(appointments)
      .innerJoin(slots, slotOfAppointment)
      .innerJoin(clinicTemplates, clinicOfSlot)
      .innerJoin(locations, locationOfSlot)
      .innerJoin(pathways, pathwayOfAppointment)
      .innerJoin(
        specialties,
        and(eq(specialties.orgId, pathways.orgId), eq(specialties.code, pathways.specialtyCode)),
      )
      .leftJoin(clinicians, and(eq(clinicians.orgId, slots.orgId), eq(clinicians.id, slots.clinicianId)))
      .where(and(eq(appointments.orgId, orgId), eq(appointments.patientId, patientId)))
      .orderBy(desc(appointments.startsAt), asc(appointments.id))
      .limit(MAX_PATIENT_APPOINTMENTS);
    const ids = rows.map((r) => r.appointment.id);
    const support =
      ids.length === 0
        ? []
        : await tx
            .select()
            .from(supportRequests)
            .where(and(eq(supportRequests.orgId, orgId), inArray(supportRequests.appointmentId, ids)))
            .orderBy(asc(supportRequests.kind), asc(supportRequests.createdAt));
    await audit(tx, ctx, {
      action: 'Patient.read',
      resourceType: 'Patient',
      resourceId: patientId,
      patientId,
      detail: { part: 'appointments', count: rows.length },
    });
    return rows.map((r): PatientAppointment => {
      const a = r.appointment;
      return {
        id: a.id,
        pathwayId: a.pathwayId,
        specialty: { code: r.specialtyCode, name: r.specialtyName },
        startsAt: a.startsAt.toISOString(),
        endsAt: a.endsAt.toISOString(),
        clinic: { id: r.clinicId, name: r.clinicName },
        clinician:
          r.clinicianId === null
            ? null
            : {
                id: r.clinicianId,
                name: fullName({
                  title: r.clinicianTitle,
                  givenName: r.clinicianGivenName,
                  familyName: r.clinicianFamilyName,
                }),
              },
        serviceName: r.serviceName,
        location: r.location,
        slotType: a.slotType,
        status: a.status,
        outcome: a.outcome,
        cancelledBy: a.cancelledBy,
        cancelReason: a.cancelReason,
        bookedAt: a.bookedAt.toISOString(),
        support: support
          .filter((s) => s.appointmentId === a.id)
          .map((s) => ({
            id: s.id,
            kind: s.kind,
            language: s.language,
            status: s.status,
            reference: s.reference,
          })),
      };
    });
  });
}
