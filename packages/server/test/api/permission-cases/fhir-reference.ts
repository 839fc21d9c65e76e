/**
 * FHIR reference data (Organization, Location, Practitioner, PractitionerRole, HealthcareService): every role
 * holds Organization.read, so every role may read them; none may write (there are no write routes).
 */
import { randomUUID } from 'node:crypto';
import { clinicians, locations, specialties } from '../../../src/db/schema';
import type { Case, PermissionCaseSet } from './types';

/** Records nothing else changes, so their versions stay 1 for the version reads. */
const unchanged = { clinician: '', location: '' };
/** A specialty of this file's own (treatment function code 340, respiratory medicine). */
const SPECIALTY = '340';

/** Organization.read: every role (booking clerk, team leader, clinician, service manager, flow and care coordinators, admin). */
const ALL_ROLES = 'all' as const;

const reads = (type: string, search: string, id: () => string, version: string): Case[] => [
  { method: 'GET', route: `/fhir/R4/${type}`, url: () => `/fhir/R4/${type}?${search}`, allowed: ALL_ROLES },
  { method: 'GET', route: `/fhir/R4/${type}/:id`, url: () => `/fhir/R4/${type}/${id()}`, allowed: ALL_ROLES },
  {
    method: 'GET',
    route: `/fhir/R4/${type}/:id/_history/:vid`,
    url: () => `/fhir/R4/${type}/${id()}/_history/${version}`,
    allowed: ALL_ROLES,
  },
];

let orgId = '';

const set: PermissionCaseSet = {
  fill: async (h) => {
    orgId = h.fixture.orgId;
    await h.db.db.insert(specialties).values({
      orgId,
      code: SPECIALTY,
      name: 'Respiratory medicine',
      directorate: 'Medicine',
    });
    unchanged.clinician = randomUUID();
    await h.db.db.insert(clinicians).values({
      orgId,
      id: unchanged.clinician,
      registrationCode: '7000340',
      title: 'Dr',
      givenName: 'Vera',
      familyName: 'Version',
      specialtyCode: SPECIALTY,
      grade: 'consultant',
    });
    unchanged.location = randomUUID();
    await h.db.db.insert(locations).values({
      orgId,
      id: unchanged.location,
      siteCode: 'XT199',
      name: 'Permission Clinic',
      site: 'Test General',
      addressLine: '1 Hospital Road',
      postcode: 'LS1 3EX',
    });
  },
  cases: [
    ...reads('Organization', 'identifier=XT1', () => orgId, '1'),
    ...reads('Location', 'name=Permission', () => unchanged.location, '1'),
    ...reads('Practitioner', 'family=Version', () => unchanged.clinician, '1'),
    ...reads('PractitionerRole', `specialty=${SPECIALTY}`, () => unchanged.clinician, '1.1'),
    ...reads('HealthcareService', `specialty=${SPECIALTY}`, () => SPECIALTY, '1'),
  ],
};
export default set;
