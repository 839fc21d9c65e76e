/** The follow-up list: the waiting-list readers read it; those who record on pathways set a follow-up's LCAD. */
import { randomUUID } from 'node:crypto';
import { followUps } from '../../../src/db/schema';
import { READERS, WRITERS, type PermissionCaseSet } from './types';

let followUpId = '';

const set: PermissionCaseSet = {
  fill: async (h) => {
    followUpId = randomUUID();
    await h.db.db.insert(followUps).values({
      orgId: h.fixture.orgId,
      id: followUpId,
      pathwayId: h.fixture.pathways.bobEnt,
      patientId: h.fixture.patients.bob,
      fromAppointmentId: randomUUID(),
      specialtyCode: '120',
      slotType: 'follow-up',
      dueDate: '2026-12-01',
      latestDate: null,
      status: 'waiting',
      createdBy: 'permission-test',
    });
  },
  cases: [
    {
      method: 'GET',
      route: '/api/v1/follow-ups',
      url: () => '/api/v1/follow-ups?specialty=120',
      allowed: READERS,
    },
    {
      method: 'POST',
      route: '/api/v1/follow-ups/:id/latest-date',
      url: () => `/api/v1/follow-ups/${followUpId}/latest-date`,
      payload: (n) => ({ latestDate: n % 2 === 0 ? '2026-12-15' : null }),
      allowed: WRITERS,
    },
  ],
};
export default set;
