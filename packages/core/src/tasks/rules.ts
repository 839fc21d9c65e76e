/**
 * The rules of a work queue, as pure functions: how a task moves between statuses, who may work it, when it is
 * overdue and the order a queue is worked in. The server applies them; it keeps no rule of its own.
 */
import { daysBetween, parsePlainDate } from '../time';
import { TASK_TYPES, type TaskPriority, type TaskRole, type TaskStatus, type TaskType } from './types';

/** What a person can do to a task. */
export const TASK_ACTIONS = ['claim', 'reassign', 'complete', 'cancel', 'reopen'] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

/** Open and in-progress tasks are on a queue; done and cancelled ones are closed. */
export const OPEN_TASK_STATUSES = ['open', 'in-progress'] as const satisfies readonly TaskStatus[];

export function isClosedTaskStatus(status: TaskStatus): boolean {
  return status === 'done' || status === 'cancelled';
}

export interface TaskState {
  status: TaskStatus;
  /** The person it is assigned to or who has claimed it. */
  ownerId: string | null;
}

export type TaskTransition =
  | { ok: true; status: TaskStatus }
  | {
      ok: false;
      /** closed: done or cancelled already; held: someone else has it; not-closed: reopen of an open task. */
      reason: 'closed' | 'held' | 'not-closed';
      message: string;
    };

const closedMessage = (status: TaskStatus, what: string): string =>
  `This task is ${status === 'done' ? 'done' : 'cancelled'}: it cannot be ${what}`;

/**
 * The status a task moves to when `actorId` does `action` to it.
 * - claim: open → in-progress, when nobody else holds it (an open task assigned to the actor may be claimed by
 *   them; claiming a task the actor already has changes nothing);
 * - reassign: open or in-progress → open (on the new person's or team's queue, for them to start);
 * - complete: open or in-progress → done; cancel: open or in-progress → cancelled;
 * - reopen: done or cancelled → open.
 */
export function taskTransition(task: TaskState, action: TaskAction, actorId: string): TaskTransition {
  const closed = isClosedTaskStatus(task.status);
  switch (action) {
    case 'claim':
      if (closed) return { ok: false, reason: 'closed', message: closedMessage(task.status, 'claimed') };
      if (task.ownerId !== null && task.ownerId !== actorId) {
        return {
          ok: false,
          reason: 'held',
          message:
            task.status === 'in-progress'
              ? 'Someone else is already working on this task'
              : 'This task is assigned to someone else',
        };
      }
      return { ok: true, status: 'in-progress' };
    case 'reassign':
      if (closed) return { ok: false, reason: 'closed', message: closedMessage(task.status, 'reassigned') };
      return { ok: true, status: 'open' };
    case 'complete':
      if (closed) return { ok: false, reason: 'closed', message: closedMessage(task.status, 'completed') };
      return { ok: true, status: 'done' };
    case 'cancel':
      if (closed)
        return { ok: false, reason: 'closed', message: closedMessage(task.status, 'cancelled again') };
      return { ok: true, status: 'cancelled' };
    case 'reopen':
      if (!closed) return { ok: false, reason: 'not-closed', message: 'This task is still open' };
      return { ok: true, status: 'open' };
  }
}

/** The outcomes a task of this type may be completed with. */
export function taskOutcomes(type: TaskType): readonly string[] {
  return TASK_TYPES[type].outcomes;
}

export function isTaskOutcome(type: TaskType, outcome: string): boolean {
  return taskOutcomes(type).includes(outcome);
}

/**
 * Whether a person in `role` may work (claim, complete, cancel, reopen) a task for `taskRole`: people in the
 * task's role, and a team leader for the booking team's tasks. Clinical tasks (reviews, discharge decisions,
 * safeguarding) are for clinicians only: nobody else may decide them.
 */
export function canWorkTask(role: string, taskRole: TaskRole): boolean {
  if (role === taskRole) return true;
  return role === 'team-leader' && taskRole === 'booking-clerk';
}

/**
 * Whether a person in `role` may reassign a task for `taskRole` to another person or team: those who may work
 * it, and the people who share out work (team leaders and service managers).
 */
export function canReassignTask(role: string, taskRole: TaskRole): boolean {
  return canWorkTask(role, taskRole) || role === 'team-leader' || role === 'service-manager';
}

/** Whether a queue is one of a person's own: one of their role's (see canWorkTask), for one of their teams. */
export function isOwnQueue(
  person: { role: string; teams: readonly string[] },
  queue: { role: TaskRole; team: string },
): boolean {
  if (!canWorkTask(person.role, queue.role)) return false;
  return person.teams.length === 0 || person.teams.includes(queue.team);
}

export interface DatedTask {
  status: TaskStatus;
  /** YYYY-MM-DD. */
  dueDate: string;
}

/** Days past its due date (YYYY-MM-DD) on `today`; 0 when it is not overdue or is closed. */
export function daysTaskOverdue(task: DatedTask, today: string): number {
  if (isClosedTaskStatus(task.status)) return 0;
  return Math.max(0, daysBetween(parsePlainDate(task.dueDate), parsePlainDate(today)));
}

/** An open or in-progress task whose due date is before today. A task due today is not overdue yet. */
export function isTaskOverdue(task: DatedTask, today: string): boolean {
  return daysTaskOverdue(task, today) > 0;
}

/** Lower is more urgent. */
export const TASK_PRIORITY_RANK: Readonly<Record<TaskPriority, number>> = { urgent: 0, high: 1, routine: 2 };

export interface QueuedTask {
  id: string;
  priority: TaskPriority;
  /** YYYY-MM-DD. */
  dueDate: string;
  /** An ISO instant (UTC, as the server writes them). */
  createdAt: string;
}

/** Queue order: urgent, high, routine; then the earliest due; then the oldest; then by id, so it is stable. */
export function compareQueueOrder(a: QueuedTask, b: QueuedTask): number {
  const byPriority = TASK_PRIORITY_RANK[a.priority] - TASK_PRIORITY_RANK[b.priority];
  if (byPriority !== 0) return byPriority;
  if (a.dueDate !== b.dueDate) return a.dueDate < b.dueDate ? -1 : 1;
  const byCreated = Date.parse(a.createdAt) - Date.parse(b.createdAt);
  if (byCreated !== 0) return byCreated;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A sorted copy: the caller's array is left as it was. */
export function sortQueue<T extends QueuedTask>(tasks: readonly T[]): T[] {
  return [...tasks].sort(compareQueueOrder);
}
