/** Every resource type the FHIR API serves, in the order the CapabilityStatement lists them. */
import type { FhirResourceModule } from '../module';
import { patientModule } from './patient';
import { REFERENCE_MODULES } from './reference-modules';
import { CARE_MODULES } from './care-modules';
import { BOOKING_MODULES } from './booking-modules';

export const FHIR_MODULES: readonly FhirResourceModule[] = [
  patientModule,
  ...REFERENCE_MODULES,
  ...BOOKING_MODULES,
  ...CARE_MODULES,
];
