/**
 * The join conditions from an appointment to where it is held (its slot, the slot's clinic template and
 * location) and to its pathway, each within the appointment's organisation: `.innerJoin(slots, slotOfAppointment)`.
 */
import { and, eq } from 'drizzle-orm';
import { appointments, clinicTemplates, locations, pathways, slots } from '../../db/schema';

export const slotOfAppointment = and(eq(slots.orgId, appointments.orgId), eq(slots.id, appointments.slotId));
export const clinicOfSlot = and(
  eq(clinicTemplates.orgId, slots.orgId),
  eq(clinicTemplates.id, slots.templateId),
);
export const locationOfSlot = and(eq(locations.orgId, slots.orgId), eq(locations.id, slots.locationId));
export const pathwayOfAppointment = and(
  eq(pathways.orgId, appointments.orgId),
  eq(pathways.id, appointments.pathwayId),
);
