/**
 * Work queues in the permission matrix. Reads need Task.read; writes Task.write, and then the task's own rule:
 * a booking task is worked by booking clerks and team leaders, a clinical one by clinicians only, a management
 * one by service managers; team leaders and service managers may also reassign any task. Each case below is
 * one kind of task, so the matrix checks that rule role by role. Setting a person's teams: admins and team
 * leaders.
 */
import { randomUUID } from 'node:crypto';
import type { TaskType } from '@pathflow/core';
import { tasks } from '../../../src/db/schema';
import type { Harness } from '../../support/app';
import { POOL_SIZE, READERS, fromPool, type PermissionCaseSet } from './types';

const pools = {
  bookingToClaim: [] as string[],
  clinicalToClaim: [] as string[],
  managementToClaim: [] as string[],
  bookingToComplete: [] as string[],
  clinicalToComplete: [] as string[],
  bookingToCancel: [] as string[],
  bookingToReopen: [] as string[],
  bookingToMove: '',
  clinicalToMove: '',
};

async function fill(h: Harness): Promise<void> {
  const row = (type: TaskType, team: string, role: string, status = 'open') => ({
    orgId: h.fixture.orgId,
    id: randomUUID(),
    type,
    status,
    priority: 'routine',
    team,
    role,
    dueDate: '2026-11-30',
    patientId: h.fixture.patients.bob,
    createdBy: 'permission-test',
    createdAt: new Date('2026-11-20T09:00:00Z'),
    ...(status === 'done' ? { outcome: 'no-answer', completedBy: 'permission-test' } : {}),
  });
  const pool = async (type: TaskType, team: string, role: string, status = 'open', size = POOL_SIZE) => {
    const rows = Array.from({ length: size }, () => row(type, team, role, status));
    for (let i = 0; i < rows.length; i += 500) await h.db.db.insert(tasks).values(rows.slice(i, i + 500));
    return rows.map((r) => r.id);
  };
  pools.bookingToClaim = await pool('call-patient', 'booking-110', 'booking-clerk');
  pools.clinicalToClaim = await pool('clinical-review', 'clinical-110', 'clinician');
  pools.managementToClaim = await pool('escalate-capacity', 'management-110', 'service-manager');
  pools.bookingToComplete = await pool('call-patient', 'booking-110', 'booking-clerk');
  pools.clinicalToComplete = await pool('clinical-review', 'clinical-110', 'clinician');
  pools.bookingToCancel = await pool('validate', 'booking-110', 'booking-clerk');
  pools.bookingToReopen = await pool('call-patient', 'booking-110', 'booking-clerk', 'done');
  pools.bookingToMove = (await pool('validate', 'booking-120', 'booking-clerk', 'open', 1))[0]!;
  pools.clinicalToMove = (await pool('clinical-review', 'clinical-120', 'clinician', 'open', 1))[0]!;
}

const BOOKING_WORKERS = ['booking-clerk', 'team-leader'] as const;

const set: PermissionCaseSet = {
  fill,
  cases: [
    {
      method: 'GET',
      route: '/api/v1/tasks',
      url: () => '/api/v1/tasks?owner=none&limit=5',
      allowed: READERS,
    },
    { method: 'GET', route: '/api/v1/tasks/queues', url: () => '/api/v1/tasks/queues', allowed: READERS },
    {
      method: 'GET',
      route: '/api/v1/tasks/:id',
      url: () => `/api/v1/tasks/${pools.bookingToMove}`,
      allowed: READERS,
    },
    {
      method: 'POST',
      route: '/api/v1/tasks',
      url: () => '/api/v1/tasks',
      payload: () => ({ type: 'call-patient', team: 'booking-110' }),
      allowed: READERS,
    },
    {
      method: 'POST',
      route: '/api/v1/tasks/:id/claim',
      url: (_h, n) => `/api/v1/tasks/${fromPool(pools.bookingToClaim, n)}/claim`,
      allowed: [...BOOKING_WORKERS],
    },
    {
      method: 'POST',
      route: '/api/v1/tasks/:id/claim',
      url: (_h, n) => `/api/v1/tasks/${fromPool(pools.clinicalToClaim, n)}/claim`,
      allowed: ['clinician'],
    },
    {
      method: 'POST',
      route: '/api/v1/tasks/:id/claim',
      url: (_h, n) => `/api/v1/tasks/${fromPool(pools.managementToClaim, n)}/claim`,
      allowed: ['service-manager'],
    },
    {
      method: 'POST',
      route: '/api/v1/tasks/:id/complete',
      url: (_h, n) => `/api/v1/tasks/${fromPool(pools.bookingToComplete, n)}/complete`,
      payload: () => ({ outcome: 'left-message' }),
      allowed: [...BOOKING_WORKERS],
    },
    {
      method: 'POST',
      route: '/api/v1/tasks/:id/complete',
      url: (_h, n) => `/api/v1/tasks/${fromPool(pools.clinicalToComplete, n)}/complete`,
      payload: () => ({ outcome: 'keep-on-list' }),
      allowed: ['clinician'],
    },
    {
      method: 'POST',
      route: '/api/v1/tasks/:id/reassign',
      url: () => `/api/v1/tasks/${pools.bookingToMove}/reassign`,
      payload: () => ({ team: 'booking-120' }),
      allowed: [...BOOKING_WORKERS, 'service-manager'],
    },
    {
      method: 'POST',
      route: '/api/v1/tasks/:id/reassign',
      url: () => `/api/v1/tasks/${pools.clinicalToMove}/reassign`,
      payload: () => ({ ownerId: null }),
      allowed: ['clinician', 'team-leader', 'service-manager'],
    },
    {
      method: 'POST',
      route: '/api/v1/tasks/:id/cancel',
      url: (_h, n) => `/api/v1/tasks/${fromPool(pools.bookingToCancel, n)}/cancel`,
      payload: () => ({ reason: 'Permission test' }),
      allowed: [...BOOKING_WORKERS],
    },
    {
      method: 'POST',
      route: '/api/v1/tasks/:id/reopen',
      url: (_h, n) => `/api/v1/tasks/${fromPool(pools.bookingToReopen, n)}/reopen`,
      payload: () => ({ reason: 'Permission test' }),
      allowed: [...BOOKING_WORKERS],
    },
    {
      method: 'PUT',
      route: '/api/v1/users/:id/teams',
      url: (h) => `/api/v1/users/${h.fixture.users['flow-coordinator'].id}/teams`,
      payload: () => ({ teams: [] }),
      allowed: ['team-leader', 'admin'],
    },
  ],
};

export default set;
