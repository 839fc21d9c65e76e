import { describe, expect, it } from 'vitest';
import {
  canReassignTask,
  canWorkTask,
  compareQueueOrder,
  daysTaskOverdue,
  isOwnQueue,
  isTaskOutcome,
  isTaskOverdue,
  sortQueue,
  taskOutcomes,
  taskTransition,
  type QueuedTask,
  type TaskAction,
} from './rules';
import { TASK_ROLES, TASK_STATUSES, TASK_TYPES, TASK_TYPE_NAMES, teamFor, type TaskStatus } from './types';

const ME = 'me';
const OTHER = 'other';

describe('taskTransition', () => {
  it.each<[TaskStatus, string | null, TaskAction, string]>([
    // Claiming takes an open task, unassigned or assigned to the claimer.
    ['open', null, 'claim', 'in-progress'],
    ['open', ME, 'claim', 'in-progress'],
    ['open', OTHER, 'claim', 'held'],
    ['in-progress', ME, 'claim', 'in-progress'],
    ['in-progress', OTHER, 'claim', 'held'],
    ['done', null, 'claim', 'closed'],
    ['cancelled', null, 'claim', 'closed'],
    // Completing and cancelling close an open or in-progress task, never a closed one.
    ['open', null, 'complete', 'done'],
    ['in-progress', OTHER, 'complete', 'done'],
    ['done', ME, 'complete', 'closed'],
    ['cancelled', ME, 'complete', 'closed'],
    ['open', null, 'cancel', 'cancelled'],
    ['in-progress', ME, 'cancel', 'cancelled'],
    ['done', ME, 'cancel', 'closed'],
    ['cancelled', ME, 'cancel', 'closed'],
    // Reassigning puts it on the new person's or team's queue, open, for them to start.
    ['open', null, 'reassign', 'open'],
    ['in-progress', OTHER, 'reassign', 'open'],
    ['done', null, 'reassign', 'closed'],
    // Reopening brings back a closed task only.
    ['done', ME, 'reopen', 'open'],
    ['cancelled', null, 'reopen', 'open'],
    ['open', null, 'reopen', 'not-closed'],
    ['in-progress', ME, 'reopen', 'not-closed'],
  ])('%s (owner %s) + %s → %s', (status, ownerId, action, expected) => {
    const result = taskTransition({ status, ownerId }, action, ME);
    if (result.ok) expect(result.status).toBe(expected);
    else {
      expect(result.reason).toBe(expected);
      expect(result.message.length).toBeGreaterThan(10);
    }
  });

  it('says why a closed task cannot be claimed or completed', () => {
    expect(taskTransition({ status: 'done', ownerId: null }, 'claim', ME)).toMatchObject({
      ok: false,
      message: 'This task is done: it cannot be claimed',
    });
    expect(taskTransition({ status: 'cancelled', ownerId: null }, 'complete', ME)).toMatchObject({
      ok: false,
      message: 'This task is cancelled: it cannot be completed',
    });
  });

  it('covers every status and action', () => {
    for (const status of TASK_STATUSES)
      for (const action of ['claim', 'reassign', 'complete', 'cancel', 'reopen'] as const)
        expect(typeof taskTransition({ status, ownerId: null }, action, ME).ok).toBe('boolean');
  });
});

describe('outcomes', () => {
  it('allows only the type’s own outcomes', () => {
    expect(isTaskOutcome('clinical-review', 'discharge')).toBe(true);
    expect(isTaskOutcome('clinical-review', 'booked')).toBe(false);
    expect(isTaskOutcome('call-patient', 'no-answer')).toBe(true);
    expect(taskOutcomes('dna-decision')).toEqual(['rebook', 'discharge']);
  });

  it('gives every type at least one outcome, a label and a due time', () => {
    for (const type of TASK_TYPE_NAMES) {
      const def = TASK_TYPES[type];
      expect(def.outcomes.length, type).toBeGreaterThan(0);
      expect(new Set(def.outcomes).size, type).toBe(def.outcomes.length);
      expect(def.label.length, type).toBeGreaterThan(0);
      expect(def.dueInDays, type).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('who works a task', () => {
  it.each([
    ['booking-clerk', 'booking-clerk', true],
    ['team-leader', 'booking-clerk', true],
    ['clinician', 'booking-clerk', false],
    ['service-manager', 'booking-clerk', false],
    // A booking clerk or a team leader cannot decide a clinical review.
    ['clinician', 'clinician', true],
    ['booking-clerk', 'clinician', false],
    ['team-leader', 'clinician', false],
    ['service-manager', 'clinician', false],
    ['service-manager', 'service-manager', true],
    ['booking-clerk', 'service-manager', false],
    ['team-leader', 'team-leader', true],
    ['admin', 'booking-clerk', false],
  ] as const)('%s works a %s task: %s', (role, taskRole, expected) => {
    expect(canWorkTask(role, taskRole)).toBe(expected);
  });

  it('lets team leaders and service managers share out any task, and workers pass on their own', () => {
    for (const taskRole of TASK_ROLES) {
      expect(canReassignTask('team-leader', taskRole)).toBe(true);
      expect(canReassignTask('service-manager', taskRole)).toBe(true);
    }
    expect(canReassignTask('clinician', 'clinician')).toBe(true);
    expect(canReassignTask('clinician', 'booking-clerk')).toBe(false);
    expect(canReassignTask('booking-clerk', 'clinician')).toBe(false);
  });

  it('finds a person’s own queues: their role’s, for their teams or all teams when they have none', () => {
    const clerk = { role: 'booking-clerk', teams: ['booking-110'] };
    expect(isOwnQueue(clerk, { role: 'booking-clerk', team: 'booking-110' })).toBe(true);
    expect(isOwnQueue(clerk, { role: 'booking-clerk', team: 'booking-120' })).toBe(false);
    expect(isOwnQueue(clerk, { role: 'clinician', team: 'clinical-110' })).toBe(false);
    const anyTeam = { role: 'clinician', teams: [] };
    expect(isOwnQueue(anyTeam, { role: 'clinician', team: teamFor('clinician', '120') })).toBe(true);
    const leader = { role: 'team-leader', teams: [] };
    expect(isOwnQueue(leader, { role: 'booking-clerk', team: 'booking-120' })).toBe(true);
  });
});

describe('overdue', () => {
  it.each<[TaskStatus, string, string, number]>([
    ['open', '2026-11-23', '2026-11-23', 0],
    ['open', '2026-11-22', '2026-11-23', 1],
    ['in-progress', '2026-11-13', '2026-11-23', 10],
    ['open', '2026-11-30', '2026-11-23', 0],
    ['done', '2026-11-01', '2026-11-23', 0],
    ['cancelled', '2026-11-01', '2026-11-23', 0],
    // Calendar days, across the end of British Summer Time and a leap day.
    ['open', '2026-10-24', '2026-10-26', 2],
    ['open', '2028-02-28', '2028-03-01', 2],
  ])('%s task due %s, on %s: %i days overdue', (status, dueDate, today, days) => {
    expect(daysTaskOverdue({ status, dueDate }, today)).toBe(days);
    expect(isTaskOverdue({ status, dueDate }, today)).toBe(days > 0);
  });
});

describe('queue order', () => {
  const t = (
    id: string,
    priority: QueuedTask['priority'],
    dueDate: string,
    createdAt: string,
  ): QueuedTask => ({
    id,
    priority,
    dueDate,
    createdAt,
  });

  it('puts urgent before high before routine, then the earliest due, then the oldest', () => {
    const tasks = [
      t('a', 'routine', '2026-11-20', '2026-11-01T09:00:00.000Z'),
      t('b', 'high', '2026-11-25', '2026-11-02T09:00:00.000Z'),
      t('c', 'urgent', '2026-11-30', '2026-11-03T09:00:00.000Z'),
      t('d', 'high', '2026-11-24', '2026-11-04T09:00:00.000Z'),
      t('e', 'high', '2026-11-24', '2026-11-03T09:00:00.000Z'),
      t('f', 'urgent', '2026-11-30', '2026-11-03T09:00:00.000Z'),
    ];
    const before = tasks.map((x) => x.id);
    expect(sortQueue(tasks).map((x) => x.id)).toEqual(['c', 'f', 'e', 'd', 'b', 'a']);
    // The caller's array is not sorted in place.
    expect(tasks.map((x) => x.id)).toEqual(before);
  });

  it('is a total order', () => {
    const a = t('a', 'high', '2026-11-24', '2026-11-03T09:00:00.000Z');
    expect(compareQueueOrder(a, a)).toBe(0);
    const b = { ...a, id: 'b' };
    expect(Math.sign(compareQueueOrder(a, b))).toBe(-Math.sign(compareQueueOrder(b, a)));
  });
});
