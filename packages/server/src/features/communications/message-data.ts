/**
 * What a batch of messages needs from the database, loaded in a few queries: each message's patient, its
 * appointment (or, for a short-notice offer, the free slot) with the clinic, location, clinician and specialty,
 * and the organisation. From these come the template's fields (`fieldValues`), filled for every field core's
 * `fieldsFor` lists, and the channel choice's inputs.
 */
import { and, eq, inArray } from 'drizzle-orm';
import {
  formatUkDateLong,
  fieldKey,
  isAppointmentKind,
  londonDateOfEpochMilliseconds,
  parsePlainDate,
  type MessageKind,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import {
  appointments,
  clinicians,
  clinicTemplates,
  type communications,
  locations,
  organisations,
  pathways,
  patients,
  slots,
  specialties,
} from '../../db/schema';
import { PREPARATION, TRUST_CONTACT, londonTime, recipientName } from '../print-batches/letter-content';

export type CommunicationRow = typeof communications.$inferSelect;
export type PatientRow = typeof patients.$inferSelect;

export interface AppointmentFacts {
  id: string | null;
  status: string | null;
  startsAt: Date;
  clinic: string | null;
  location: string | null;
  locationAddress: string | null;
  clinician: string | null;
  specialtyCode: string;
}

export interface MessageFacts {
  row: CommunicationRow;
  patient: PatientRow | undefined;
  /** The appointment the message is about, or the slot a short-notice offer offers. */
  appointment: AppointmentFacts | undefined;
  specialtyCode: string | null;
  specialtyName: string | null;
}

export interface BatchFacts {
  trustName: string;
  messages: MessageFacts[];
}

const unique = <T>(xs: readonly (T | null | undefined)[]): T[] => [
  ...new Set(xs.filter((x): x is T => x !== null && x !== undefined)),
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The slot a message names in its detail (a short-notice offer's), if any. */
function detailSlotId(row: CommunicationRow): string | null {
  const d = row.detail as Record<string, unknown> | null;
  const id = d && typeof d.slotId === 'string' ? d.slotId : null;
  return id !== null && UUID.test(id) ? id : null;
}

/** Loads what the messages of one organisation need. */
export async function loadBatchFacts(
  tx: Database,
  orgId: string,
  rows: readonly CommunicationRow[],
): Promise<BatchFacts> {
  const [org] = await tx
    .select({ name: organisations.name })
    .from(organisations)
    .where(eq(organisations.orgId, orgId));
  const patientRows = await tx
    .select()
    .from(patients)
    .where(and(eq(patients.orgId, orgId), inArray(patients.id, unique(rows.map((r) => r.patientId)))));
  const appointmentIds = unique(rows.map((r) => r.appointmentId));
  const apptRows =
    appointmentIds.length === 0
      ? []
      : await tx
          .select({
            id: appointments.id,
            status: appointments.status,
            startsAt: appointments.startsAt,
            slotId: appointments.slotId,
          })
          .from(appointments)
          .where(and(eq(appointments.orgId, orgId), inArray(appointments.id, appointmentIds)));
  const slotIds = unique([...apptRows.map((a) => a.slotId), ...rows.map(detailSlotId)]);
  const slotRows =
    slotIds.length === 0
      ? []
      : await tx
          .select({
            id: slots.id,
            startsAt: slots.startsAt,
            templateId: slots.templateId,
            locationId: slots.locationId,
            clinicianId: slots.clinicianId,
            specialtyCode: slots.specialtyCode,
          })
          .from(slots)
          .where(and(eq(slots.orgId, orgId), inArray(slots.id, slotIds)));
  const clinicRows =
    slotRows.length === 0
      ? []
      : await tx
          .select({ id: clinicTemplates.id, name: clinicTemplates.name })
          .from(clinicTemplates)
          .where(
            and(
              eq(clinicTemplates.orgId, orgId),
              inArray(clinicTemplates.id, unique(slotRows.map((s) => s.templateId))),
            ),
          );
  const locationRows =
    slotRows.length === 0
      ? []
      : await tx
          .select()
          .from(locations)
          .where(
            and(eq(locations.orgId, orgId), inArray(locations.id, unique(slotRows.map((s) => s.locationId)))),
          );
  const clinicianIds = unique(slotRows.map((s) => s.clinicianId));
  const clinicianRows =
    clinicianIds.length === 0
      ? []
      : await tx
          .select()
          .from(clinicians)
          .where(and(eq(clinicians.orgId, orgId), inArray(clinicians.id, clinicianIds)));
  const pathwayIds = unique(rows.map((r) => r.pathwayId));
  const pathwayRows =
    pathwayIds.length === 0
      ? []
      : await tx
          .select({ id: pathways.id, specialtyCode: pathways.specialtyCode })
          .from(pathways)
          .where(and(eq(pathways.orgId, orgId), inArray(pathways.id, pathwayIds)));
  const specialtyRows = await tx
    .select({ code: specialties.code, name: specialties.name })
    .from(specialties)
    .where(eq(specialties.orgId, orgId));

  const patientById = new Map(patientRows.map((p) => [p.id, p]));
  const apptById = new Map(apptRows.map((a) => [a.id, a]));
  const slotById = new Map(slotRows.map((s) => [s.id, s]));
  const clinicById = new Map(clinicRows.map((c) => [c.id, c.name]));
  const locationById = new Map(locationRows.map((l) => [l.id, l]));
  const clinicianById = new Map(
    clinicianRows.map((c) => [c.id, `${c.title} ${c.givenName} ${c.familyName}`]),
  );
  const pathwaySpecialty = new Map(pathwayRows.map((p) => [p.id, p.specialtyCode]));
  const specialtyName = new Map(specialtyRows.map((s) => [s.code, s.name]));

  const messages = rows.map((row): MessageFacts => {
    const appt = row.appointmentId ? apptById.get(row.appointmentId) : undefined;
    const slot = slotById.get(appt?.slotId ?? detailSlotId(row) ?? '');
    const location = slot ? locationById.get(slot.locationId) : undefined;
    const appointment: AppointmentFacts | undefined = slot
      ? {
          id: appt?.id ?? null,
          status: appt?.status ?? null,
          startsAt: appt?.startsAt ?? slot.startsAt,
          clinic: clinicById.get(slot.templateId) ?? null,
          location: location ? `${location.name}, ${location.site}` : null,
          locationAddress: location ? `${location.addressLine}, ${location.postcode}` : null,
          clinician: slot.clinicianId ? (clinicianById.get(slot.clinicianId) ?? null) : null,
          specialtyCode: slot.specialtyCode,
        }
      : undefined;
    const specialtyCode =
      (row.pathwayId ? pathwaySpecialty.get(row.pathwayId) : undefined) ?? appointment?.specialtyCode ?? null;
    return {
      row,
      patient: patientById.get(row.patientId),
      appointment,
      specialtyCode,
      specialtyName: specialtyCode ? (specialtyName.get(specialtyCode) ?? null) : null,
    };
  });
  return { trustName: org?.name ?? 'NHS Trust', messages };
}

/** An NHS number as people read it: 943 476 5919. */
const spacedNhsNumber = (n: string) =>
  n.length === 10 ? `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}` : n;

/**
 * The values of every field a message of this kind can use (core `fieldsFor`), keyed by `fieldKey`. A value
 * the database does not have is left out, so a template that needs it fails with the field named.
 */
export function fieldValues(trustName: string, m: MessageFacts): Record<string, string> {
  const v: Record<string, string | null | undefined> = {};
  const p = m.patient;
  const toGp = m.row.recipient === 'gp';
  v['patient name'] = p ? recipientName(p) : null;
  v['nhs number'] = p ? spacedNhsNumber(p.nhsNumber) : null;
  v['trust name'] = trustName;
  v.department = m.specialtyName ? `${m.specialtyName} outpatients` : TRUST_CONTACT.department;
  v['trust phone'] = TRUST_CONTACT.phone;
  v.specialty = m.specialtyName;
  if (isAppointmentKind(m.row.kind as MessageKind) && m.appointment) {
    const a = m.appointment;
    v['appointment date'] = formatUkDateLong(
      parsePlainDate(londonDateOfEpochMilliseconds(a.startsAt.getTime())),
    );
    v['appointment time'] = londonTime(a.startsAt);
    v.clinic = a.clinic ?? m.specialtyName;
    v.location = a.location;
    v['location address'] = a.locationAddress;
    v.clinician = a.clinician ?? 'a member of the clinical team';
    v.preparation = PREPARATION.join(' ');
    const language = !toGp ? p?.interpreterLanguage?.trim() : undefined;
    v.interpreter = language ? 'yes' : 'no';
    v['interpreter language'] = language || 'none';
  }
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) if (value) out[fieldKey(k)] = value;
  return out;
}
