/**
 * Patient-initiated follow-up: the waiting-list readers read plans; those who record on pathways start plans and
 * record outcomes; those who book record a patient's request. Each start takes a pathway of its own.
 */
import { randomUUID } from 'node:crypto';
import { pathways, pifuPlans } from '../../../src/db/schema';
import { POOL_SIZE, READERS, WRITERS, fromPool, type PermissionCaseSet } from './types';

const pool = { pathways: [] as string[], planId: '' };

const set: PermissionCaseSet = {
  fill: async (h) => {
    const orgId = h.fixture.orgId;
    const rows = Array.from({ length: POOL_SIZE + 1 }, (_, i) => ({
      orgId,
      id: randomUUID(),
      patientId: h.fixture.patients.bob,
      ppid: `XT1PFPOOL${String(i).padStart(6, '0')}`,
      ppidIssuer: h.fixture.odsCode,
      specialtyCode: '120',
      source: 'gp-paper',
      priority: 'routine',
      referralReceivedDate: '2026-09-01',
      clockStartDate: '2026-09-01',
      status: 'open',
      rttRunning: true,
      rttPeriodStart: '2026-09-01',
    }));
    for (let i = 0; i < rows.length; i += 500) await h.db.db.insert(pathways).values(rows.slice(i, i + 500));
    pool.pathways = rows.slice(1).map((r) => r.id);
    pool.planId = randomUUID();
    await h.db.db.insert(pifuPlans).values({
      orgId,
      id: pool.planId,
      pathwayId: rows[0]!.id,
      patientId: h.fixture.patients.bob,
      kind: 'time-limited',
      startsOn: '2026-11-01',
      months: 6,
      endsOn: '2027-05-01',
      status: 'active',
      createdBy: 'permission-test',
    });
  },
  cases: [
    {
      method: 'POST',
      route: '/api/v1/pathways/:id/pifu',
      url: (_h, n) => `/api/v1/pathways/${fromPool(pool.pathways, n)}/pifu`,
      payload: (n) => (n % 2 === 0 ? { kind: 'open-ended' } : { kind: 'time-limited', months: 6 }),
      allowed: WRITERS,
    },
    { method: 'GET', route: '/api/v1/pifu', url: () => '/api/v1/pifu?specialty=120', allowed: READERS },
    { method: 'GET', route: '/api/v1/pifu/:id', url: () => `/api/v1/pifu/${pool.planId}`, allowed: READERS },
    {
      method: 'POST',
      route: '/api/v1/pifu/:id/requests',
      url: () => `/api/v1/pifu/${pool.planId}/requests`,
      allowed: WRITERS,
    },
    {
      method: 'POST',
      route: '/api/v1/pifu/:id/outcome',
      url: () => `/api/v1/pifu/${pool.planId}/outcome`,
      payload: () => ({ outcome: 'continue' }),
      allowed: WRITERS,
    },
  ],
};
export default set;
