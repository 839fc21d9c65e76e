/**
 * The access policy's booking routes: interpreter and transport requests, and the clinician's decision after a
 * missed appointment (Pathway.write, and then clinicians only: others holding Pathway.write get 403 too).
 */
import { randomUUID } from 'node:crypto';
import { appointments, supportRequests } from '../../../src/db/schema';
import { createTestClinic } from '../../support/clinic';
import { READERS, WRITERS, type PermissionCaseSet } from './types';

/** Requests a case makes: each role twice (signed in, machine client), and once with no credentials. */
const CALLS = 20;
const pool = { requests: [] as string[], dnas: [] as string[] };
let nextRequest = 0;
let nextDna = 0;

const set: PermissionCaseSet = {
  fill: async (h) => {
    // The matrix runs once per engine: each run starts its pools afresh.
    pool.requests = [];
    pool.dnas = [];
    nextRequest = 0;
    nextDna = 0;
    const orgId = h.fixture.orgId;
    const clinic = await createTestClinic(h, 999_470_000);
    for (let i = 0; i < CALLS; i++) {
      const { pathwayId, patientId } = await clinic.addPathway();
      const slotId = await clinic.addSlot(`2026-11-${String(2 + (i % 20)).padStart(2, '0')}T09:00:00Z`, {
        booked: 1,
        capacity: 1,
      });
      const appointmentId = randomUUID();
      await h.db.db.insert(appointments).values({
        orgId,
        id: appointmentId,
        slotId,
        pathwayId,
        patientId,
        startsAt: new Date('2026-11-16T09:00:00Z'),
        endsAt: new Date('2026-11-16T09:20:00Z'),
        slotType: 'new',
        status: 'dna',
        offeredOn: '2026-10-01',
        noticeDays: 46,
        reasonableOffer: true,
        bookedBy: 'test',
        bookedAt: new Date('2026-10-01T09:00:00Z'),
      });
      pool.dnas.push(appointmentId);
      const requestId = randomUUID();
      await h.db.db.insert(supportRequests).values({
        orgId,
        id: requestId,
        kind: 'interpreter',
        appointmentId,
        patientId,
        language: 'Polish',
        startsAt: new Date('2026-12-16T09:00:00Z'),
        status: 'needed',
        updatedAt: new Date(),
      });
      pool.requests.push(requestId);
    }
  },
  cases: [
    {
      method: 'GET',
      route: '/api/v1/support-requests',
      url: () => '/api/v1/support-requests?status=needed&limit=5',
      allowed: READERS,
    },
    {
      method: 'POST',
      route: '/api/v1/support-requests/:id/booked',
      url: () => `/api/v1/support-requests/${pool.requests[nextRequest++ % CALLS]}/booked`,
      payload: () => ({ reference: 'PERM-1' }),
      allowed: WRITERS,
    },
    {
      method: 'POST',
      route: '/api/v1/appointments/:id/dna-decision',
      url: () => `/api/v1/appointments/${pool.dnas[nextDna++ % CALLS]}/dna-decision`,
      payload: () => ({ decision: 'rebook' }),
      allowed: ['clinician'],
    },
  ],
};
export default set;
