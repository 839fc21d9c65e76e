/** FHIR Patient: the roles that read patients' records (machine clients with system/Patient.read). */
import { randomUUID } from 'node:crypto';
import { patients } from '../../../src/db/schema';
import type { PermissionCaseSet } from './types';

/** A patient nothing else changes, so its version stays 1 for the version read. */
const unchanged = { id: '' };

const PATIENT_READERS = [
  'booking-clerk',
  'team-leader',
  'clinician',
  'service-manager',
  'care-coordinator',
] as const;

const set: PermissionCaseSet = {
  fill: async (h) => {
    unchanged.id = randomUUID();
    await h.db.db.insert(patients).values({
      orgId: h.fixture.orgId,
      id: unchanged.id,
      nhsNumber: '9990000999',
      mrn: 'FHIR-PERM-1',
      givenName: 'Vera',
      familyName: 'Version',
      dateOfBirth: '1950-02-02',
      sex: 'female',
      addressLine1: '1 Test Street',
      town: 'Leeds',
      postcode: 'LS1 4AP',
    });
  },
  cases: [
    {
      method: 'GET',
      route: '/fhir/R4/Patient',
      url: () => '/fhir/R4/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9990000018',
      allowed: [...PATIENT_READERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/Patient/:id',
      url: (h) => `/fhir/R4/Patient/${h.fixture.patients.alice}`,
      allowed: [...PATIENT_READERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/Patient/:id/_history/:vid',
      url: () => `/fhir/R4/Patient/${unchanged.id}/_history/1`,
      allowed: [...PATIENT_READERS],
    },
  ],
};
export default set;
