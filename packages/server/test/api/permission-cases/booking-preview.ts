/**
 * Permission cases for finding a slot for a pathway and previewing its letter: the slot offers of a pathway and
 * the availability re-check are for the roles that read appointments and clinics; the letter preview is for
 * those who book. The preview writes nothing (but its audit row), so one pathway and one free slot of their
 * own serve every request.
 */
import { randomUUID } from 'node:crypto';
import { nhsNumberFromStem } from '@pathflow/core';
import { clinicTemplates, locations, pathways, patients, slots } from '../../../src/db/schema';
import type { Harness } from '../../support/app';
import { READERS, WRITERS, type PermissionCaseSet } from './types';

const ids = { pathway: '', slot: '' };

function nhsNumber(): string {
  for (let stem = 999_650_000; ; stem++) {
    const nhs = nhsNumberFromStem(String(stem));
    if (nhs) return nhs;
  }
}

async function fill(h: Harness): Promise<void> {
  const orgId = h.fixture.orgId;
  const locationId = randomUUID();
  await h.db.db.insert(locations).values({
    orgId,
    id: locationId,
    siteCode: 'XT1BP',
    name: 'Preview outpatients',
    site: 'Test General',
    addressLine: '1 Hospital Road',
    postcode: 'LS1 3EX',
  });
  const templateId = randomUUID();
  await h.db.db.insert(clinicTemplates).values({
    orgId,
    id: templateId,
    name: 'Preview clinic',
    serviceName: 'ENT',
    locationId,
    specialtyCode: '120',
    createdBy: 'test',
  });
  ids.slot = randomUUID();
  await h.db.db.insert(slots).values({
    orgId,
    id: ids.slot,
    templateId,
    key: `${templateId}/preview`,
    sessionDate: '2027-02-01',
    sessionIndex: 0,
    startsAt: new Date('2027-02-01T10:00:00Z'),
    endsAt: new Date('2027-02-01T10:20:00Z'),
    slotType: 'new',
    capacity: 1,
    status: 'open',
    specialtyCode: '120',
    clinicianId: null,
    locationId,
  });
  const patientId = randomUUID();
  await h.db.db.insert(patients).values({
    orgId,
    id: patientId,
    nhsNumber: nhsNumber(),
    mrn: 'TBP001',
    givenName: 'Preview',
    familyName: 'Patient',
    dateOfBirth: '1980-02-02',
    sex: 'female',
    addressLine1: '2 Test Street',
    town: 'Leeds',
    postcode: 'LS1 4AP',
  });
  ids.pathway = randomUUID();
  await h.db.db.insert(pathways).values({
    orgId,
    id: ids.pathway,
    patientId,
    ppid: 'XT1BP0000000001',
    ppidIssuer: h.fixture.odsCode,
    specialtyCode: '120',
    source: 'gp-paper',
    priority: 'routine',
    referralReceivedDate: '2026-10-01',
    clockStartDate: '2026-10-01',
    status: 'open',
    rttRunning: true,
    rttPeriodStart: '2026-10-01',
  });
}

const set: PermissionCaseSet = {
  fill,
  cases: [
    {
      method: 'GET',
      route: '/api/v1/pathways/:id/slot-offers',
      url: () => `/api/v1/pathways/${ids.pathway}/slot-offers?from=2027-02-01&to=2027-02-01`,
      allowed: READERS,
    },
    {
      method: 'GET',
      route: '/api/v1/slots/availability',
      url: () => `/api/v1/slots/availability?ids=${ids.slot}`,
      allowed: READERS,
    },
    {
      method: 'POST',
      route: '/api/v1/appointments/letter-preview',
      url: () => '/api/v1/appointments/letter-preview',
      payload: () => ({ pathwayId: ids.pathway, slotId: ids.slot }),
      allowed: WRITERS,
    },
  ],
};
export default set;
