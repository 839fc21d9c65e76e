/** Patients waiting for a first appointment, written straight into the test database for the booking pages' tests. */
import { randomUUID } from 'node:crypto';
import { pathways, patients } from '../../../server/src/db/schema';
import type { WebHarness } from './harness';
import { newNhsNumber } from './referrals';

/**
 * A new patient with one open routine pathway in `specialtyCode`, its clock started on 1 November 2026 (after
 * the fixture's patients, so last in turn). `tag` keeps MRNs and pathway ids apart between test files.
 */
export async function addWaitingPatient(
  h: WebHarness,
  p: { givenName: string; familyName: string; specialtyCode: string; tag: string },
): Promise<{ nhsNumber: string; pathwayId: string }> {
  const orgId = h.fixture.orgId;
  const patientId = randomUUID();
  const nhsNumber = newNhsNumber();
  await h.db.db.insert(patients).values({
    orgId,
    id: patientId,
    nhsNumber,
    mrn: `${p.tag}${nhsNumber}`,
    givenName: p.givenName,
    familyName: p.familyName,
    dateOfBirth: '1975-03-04',
    sex: 'female',
    addressLine1: '3 Test Street',
    town: 'Leeds',
    postcode: 'LS1 4AP',
  });
  const pathwayId = randomUUID();
  await h.db.db.insert(pathways).values({
    orgId,
    id: pathwayId,
    patientId,
    ppid: `XT1${p.tag}${nhsNumber}`,
    ppidIssuer: h.fixture.odsCode,
    specialtyCode: p.specialtyCode,
    source: 'gp-paper',
    priority: 'routine',
    referralReceivedDate: '2026-11-01',
    clockStartDate: '2026-11-01',
    status: 'open',
    rttRunning: true,
    rttPeriodStart: '2026-11-01',
  });
  return { nhsNumber, pathwayId };
}
