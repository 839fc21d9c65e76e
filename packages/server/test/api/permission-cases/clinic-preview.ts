/**
 * Previews of clinic changes: those who may cancel a session may preview it; only a service manager (who
 * decides change requests) may preview what approving one would do. A preview changes nothing, so one clinic
 * and one request serve every request of the matrix.
 */
import { randomUUID } from 'node:crypto';
import { clinicChangeRequests, clinicTemplates, locations, slots } from '../../../src/db/schema';
import type { PermissionCaseSet } from './types';

let clinicId = '';
let requestId = '';

/** A free 20-minute slot at 09:00 UTC on `date`, on the preview clinic. */
const slotOn = (orgId: string, locationId: string, date: string) => ({
  orgId,
  id: randomUUID(),
  templateId: clinicId,
  key: `${clinicId}/v1/${date}/0/0`,
  sessionDate: date,
  sessionIndex: 0,
  startsAt: new Date(`${date}T09:00:00Z`),
  endsAt: new Date(`${date}T09:20:00Z`),
  slotType: 'new',
  capacity: 1,
  status: 'open',
  specialtyCode: '120',
  locationId,
});

const set: PermissionCaseSet = {
  fill: async (h) => {
    const orgId = h.fixture.orgId;
    const locationId = randomUUID();
    await h.db.db.insert(locations).values({
      orgId,
      id: locationId,
      siteCode: 'XT103',
      name: 'Preview pool',
      site: 'Test General',
      addressLine: '1 Hospital Road',
      postcode: 'LS1 3EX',
    });
    clinicId = randomUUID();
    await h.db.db.insert(clinicTemplates).values({
      orgId,
      id: clinicId,
      name: 'Preview clinic',
      serviceName: 'ENT',
      locationId,
      specialtyCode: '120',
      createdBy: 'permission-test',
    });
    await h.db.db
      .insert(slots)
      .values([slotOn(orgId, locationId, '2027-03-01'), slotOn(orgId, locationId, '2026-12-08')]);
    requestId = randomUUID();
    await h.db.db.insert(clinicChangeRequests).values({
      orgId,
      id: requestId,
      templateId: clinicId,
      kind: 'cancel-session',
      version: null,
      sessionDate: '2026-12-08',
      firstAffectedDate: '2026-12-08',
      reason: 'Permission test',
      status: 'requested',
      requestedBy: 'permission-test',
      requestedAt: new Date('2026-11-20T10:00:00Z'),
      detail: { sessionIndex: null, keepSlots: null },
    });
  },
  cases: [
    {
      method: 'POST',
      route: '/api/v1/clinics/:id/sessions/cancel/preview',
      url: () => `/api/v1/clinics/${clinicId}/sessions/cancel/preview`,
      payload: () => ({ date: '2027-03-01', reason: 'Permission test' }),
      allowed: ['booking-clerk', 'team-leader', 'service-manager'],
    },
    {
      method: 'GET',
      route: '/api/v1/clinic-change-requests/:id/preview',
      url: () => `/api/v1/clinic-change-requests/${requestId}/preview`,
      allowed: ['service-manager'],
    },
  ],
};
export default set;
