/** Clinics and booking as FHIR: Schedule, Slot, Appointment. */
import type { FhirResourceModule } from '../module';
import { appointmentModule } from './appointment';
import { scheduleModule } from './schedule';
import { slotModule } from './slot';

export const BOOKING_MODULES: readonly FhirResourceModule[] = [scheduleModule, slotModule, appointmentModule];
