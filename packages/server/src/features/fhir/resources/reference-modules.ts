/** The trust's reference data as FHIR: Organization, Location, Practitioner, PractitionerRole, HealthcareService. */
import type { FhirResourceModule } from '../module';
import { healthcareServiceModule } from './healthcare-service';
import { locationModule } from './location';
import { organizationModule } from './organization';
import { practitionerModule } from './practitioner';
import { practitionerRoleModule } from './practitioner-role';

export const REFERENCE_MODULES: readonly FhirResourceModule[] = [
  organizationModule,
  locationModule,
  practitionerModule,
  practitionerRoleModule,
  healthcareServiceModule,
];
