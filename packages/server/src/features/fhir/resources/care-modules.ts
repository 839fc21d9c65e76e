/** Referrals and the work around a patient's care as FHIR: ServiceRequest, Task, Communication, CarePlan. */
import type { FhirResourceModule } from '../module';
import { carePlanModule } from './care-plan';
import { communicationModule } from './communication';
import { serviceRequestModule } from './service-request';
import { taskModule } from './task';

export const CARE_MODULES: readonly FhirResourceModule[] = [
  serviceRequestModule,
  taskModule,
  communicationModule,
  carePlanModule,
];
