/**
 * Working a task: creating one by hand, claiming, reassigning, completing with an outcome, cancelling and
 * reopening. Each write is one transaction holding the change, a history row and an audit row. A change is a
 * conditional UPDATE on the status the rule expects, so of two people acting at once exactly one wins and the
 * other is told (409) what happened.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, or, type SQL } from 'drizzle-orm';
import {
  OPEN_TASK_STATUSES,
  TASK_TYPES,
  canReassignTask,
  canWorkTask,
  isRole,
  isTaskType,
  taskTransition,
  type CancelTaskRequest,
  type CompleteTaskRequest,
  type CreateTaskRequest,
  type ReassignTaskRequest,
  type ReopenTaskRequest,
  type TaskAction,
  type TaskDetail,
  type TaskRole,
  type TaskStatus,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { pathways, patients, staffUsers, taskEvents, tasks } from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { londonToday } from '../../clock';
import { AppError, invalid } from '../../errors';
import { createTasks } from './service';
import { findTask, showsPatients } from './queries';
import { checkTeams } from './teams';
import { taskDetail, type TaskRow } from './views';
import { afterTaskCompleted } from './follow-on';

const WORKERS: Record<TaskRole, string> = {
  'booking-clerk': 'booking clerks and team leaders',
  'team-leader': 'team leaders',
  clinician: 'clinicians',
  'service-manager': 'service managers',
};

const AUDIT_ACTIONS = {
  claimed: 'Task.claim',
  reassigned: 'Task.reassign',
  completed: 'Task.complete',
  cancelled: 'Task.cancel',
  reopened: 'Task.reopen',
} as const;

const labelOf = (row: TaskRow): string =>
  isTaskType(row.type) ? TASK_TYPES[row.type].label.toLowerCase() : row.type;

function mustWork(ctx: RequestContext, row: TaskRow, what: string): void {
  if (!canWorkTask(ctx.principal.role, row.role as TaskRole)) {
    throw new AppError(
      'forbidden',
      `Only ${WORKERS[row.role as TaskRole] ?? row.role} can ${what} this task (${labelOf(row)})`,
    );
  }
}

function mustMove(ctx: RequestContext, row: TaskRow, action: TaskAction): TaskStatus {
  const t = taskTransition(
    { status: row.status as TaskStatus, ownerId: row.ownerId },
    action,
    ctx.principal.id,
  );
  if (!t.ok) throw new AppError('conflict', t.message);
  return t.status;
}

/** After a conditional UPDATE found nothing: someone else changed the task between our read and our write. */
async function lostRace(tx: Database, ctx: RequestContext, id: string): Promise<never> {
  const now = await findTask(tx, ctx.principal.orgId, id);
  const message =
    now.status === 'in-progress' && now.ownerId !== ctx.principal.id
      ? 'Someone else claimed this task first'
      : `Someone else changed this task just now: it is ${now.status}`;
  throw new AppError('conflict', message);
}

async function record(
  tx: Database,
  ctx: RequestContext,
  row: TaskRow,
  event: 'claimed' | 'reassigned' | 'completed' | 'cancelled' | 'reopened',
  detail: Record<string, unknown> | null,
  auditDetail: Record<string, unknown>,
): Promise<TaskDetail> {
  const orgId = ctx.principal.orgId;
  await tx.insert(taskEvents).values({
    orgId,
    id: randomUUID(),
    taskId: row.id,
    action: event,
    actorId: ctx.principal.id,
    at: ctx.now,
    detail,
  });
  await audit(tx, ctx, {
    action: AUDIT_ACTIONS[event],
    resourceType: 'Task',
    resourceId: row.id,
    patientId: row.patientId,
    detail: { type: row.type, ...auditDetail },
  });
  return taskDetail(tx, orgId, row, londonToday(ctx.now), showsPatients(ctx));
}

const stillOpen = (): SQL => inArray(tasks.status, [...OPEN_TASK_STATUSES]);
const byId = (ctx: RequestContext, id: string) => and(eq(tasks.orgId, ctx.principal.orgId), eq(tasks.id, id));

/** A task made by hand: the type, the team and what it is about are checked, each error naming its field. */
export async function createTask(
  db: Database,
  ctx: RequestContext,
  body: CreateTaskRequest,
): Promise<TaskDetail> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  if (!isTaskType(body.type)) throw invalid('/body/type', `There is no task type "${String(body.type)}"`);
  const role = body.role ?? TASK_TYPES[body.type].role;
  if (body.dueDate !== undefined && body.dueDate < today) {
    throw invalid('/body/dueDate', `The due date is in the past: it must be today (${today}) or later`);
  }
  return db.transaction(async (tx) => {
    await checkTeams(tx, orgId, [body.team], '/body/team', role);
    let patientId = body.patientId ?? null;
    if (body.pathwayId) {
      const [pathway] = await tx
        .select({ patientId: pathways.patientId })
        .from(pathways)
        .where(and(eq(pathways.orgId, orgId), eq(pathways.id, body.pathwayId)));
      if (!pathway) throw invalid('/body/pathwayId', 'There is no pathway with this id');
      if (patientId !== null && patientId !== pathway.patientId) {
        throw invalid('/body/pathwayId', 'This pathway is for a different patient from patientId');
      }
      patientId = pathway.patientId;
    } else if (patientId !== null) {
      const [patient] = await tx
        .select({ id: patients.id })
        .from(patients)
        .where(and(eq(patients.orgId, orgId), eq(patients.id, patientId)));
      if (!patient) throw invalid('/body/patientId', 'There is no patient with this id');
    }
    const [id] = await createTasks(tx, ctx, [
      {
        type: body.type,
        team: body.team,
        role,
        ...(body.priority ? { priority: body.priority } : {}),
        ...(body.dueDate ? { dueDate: body.dueDate } : {}),
        patientId,
        pathwayId: body.pathwayId ?? null,
        detail: { rule: 'manual' },
      },
    ]);
    const note = body.note?.trim();
    if (note) {
      await tx
        .update(taskEvents)
        .set({ detail: { rule: 'manual', note } })
        .where(
          and(eq(taskEvents.orgId, orgId), eq(taskEvents.taskId, id!), eq(taskEvents.action, 'created')),
        );
    }
    const row = await findTask(tx, orgId, id!);
    await audit(tx, ctx, {
      action: 'Task.create',
      resourceType: 'Task',
      resourceId: row.id,
      patientId: row.patientId,
      detail: { type: row.type, team: row.team, role: row.role },
    });
    return taskDetail(tx, orgId, row, today, showsPatients(ctx));
  });
}

/** Takes an open task: the caller owns it and it is in progress. Claiming a task one already has changes nothing. */
export async function claimTask(db: Database, ctx: RequestContext, id: string): Promise<TaskDetail> {
  const me = ctx.principal.id;
  return db.transaction(async (tx) => {
    const row = await findTask(tx, ctx.principal.orgId, id);
    mustWork(ctx, row, 'claim');
    mustMove(ctx, row, 'claim');
    if (row.status === 'in-progress' && row.ownerId === me) {
      return taskDetail(tx, ctx.principal.orgId, row, londonToday(ctx.now), showsPatients(ctx));
    }
    const [updated] = await tx
      .update(tasks)
      .set({ status: 'in-progress', ownerId: me })
      .where(and(byId(ctx, id), eq(tasks.status, 'open'), or(isNull(tasks.ownerId), eq(tasks.ownerId, me))))
      .returning();
    if (!updated) return lostRace(tx, ctx, id);
    return record(tx, ctx, updated, 'claimed', null, {});
  });
}

/** Moves a task to another person (whose role can work it) or team; it is open on their queue. */
export async function reassignTask(
  db: Database,
  ctx: RequestContext,
  id: string,
  body: ReassignTaskRequest,
): Promise<TaskDetail> {
  const orgId = ctx.principal.orgId;
  if (body.ownerId === undefined && body.team === undefined) {
    throw invalid('/body/ownerId', 'Give ownerId (a person, or null for the team’s queue), team, or both');
  }
  return db.transaction(async (tx) => {
    const row = await findTask(tx, orgId, id);
    const role = row.role as TaskRole;
    if (!canReassignTask(ctx.principal.role, role)) {
      throw new AppError(
        'forbidden',
        `Only ${WORKERS[role]}, team leaders and service managers can reassign this task (${labelOf(row)})`,
      );
    }
    mustMove(ctx, row, 'reassign');
    const team = body.team ?? row.team;
    if (body.team !== undefined) await checkTeams(tx, orgId, [body.team], '/body/team', role);
    const ownerId =
      body.ownerId === undefined ? (body.team !== undefined ? null : row.ownerId) : body.ownerId;
    if (ownerId !== null) {
      const [staff] = await tx
        .select({ role: staffUsers.role, name: staffUsers.displayName, active: staffUsers.active })
        .from(staffUsers)
        .where(and(eq(staffUsers.orgId, orgId), eq(staffUsers.id, ownerId)));
      if (!staff || !staff.active) {
        throw invalid('/body/ownerId', 'There is no active member of staff with this id');
      }
      if (!isRole(staff.role) || !canWorkTask(staff.role, role)) {
        throw invalid(
          '/body/ownerId',
          `${staff.name} cannot work this task: only ${WORKERS[role]} can (${labelOf(row)})`,
        );
      }
    }
    const [updated] = await tx
      .update(tasks)
      .set({ team, ownerId, status: 'open' })
      .where(and(byId(ctx, id), stillOpen()))
      .returning();
    if (!updated) return lostRace(tx, ctx, id);
    const note = body.note?.trim();
    const change = { fromTeam: row.team, toTeam: team, fromOwnerId: row.ownerId, toOwnerId: ownerId };
    return record(tx, ctx, updated, 'reassigned', { ...change, ...(note ? { note } : {}) }, change);
  });
}

/** Closes a task with one of its type's outcomes. Only people who may work it can (a clinical task: clinicians). */
export async function completeTask(
  db: Database,
  ctx: RequestContext,
  id: string,
  body: CompleteTaskRequest,
): Promise<TaskDetail> {
  return db.transaction(async (tx) => {
    const row = await findTask(tx, ctx.principal.orgId, id);
    mustWork(ctx, row, 'complete');
    mustMove(ctx, row, 'complete');
    const allowed: readonly string[] = isTaskType(row.type) ? TASK_TYPES[row.type].outcomes : [];
    if (!allowed.includes(body.outcome)) {
      throw invalid(
        '/body/outcome',
        `"${body.outcome}" is not an outcome of this task (${labelOf(row)}). Choose one of: ${allowed.join(', ')}`,
      );
    }
    const note = body.note?.trim() || null;
    const [updated] = await tx
      .update(tasks)
      .set({
        status: 'done',
        outcome: body.outcome,
        outcomeNote: note,
        completedBy: ctx.principal.id,
        completedAt: ctx.now,
      })
      .where(and(byId(ctx, id), stillOpen()))
      .returning();
    if (!updated) return lostRace(tx, ctx, id);
    await afterTaskCompleted(tx, ctx, updated, body.outcome, note);
    return record(
      tx,
      ctx,
      updated,
      'completed',
      { outcome: body.outcome, ...(note ? { note } : {}) },
      {
        outcome: body.outcome,
      },
    );
  });
}

/** Closes a task that no longer needs doing, with the reason (kept as its outcome, as `cancelTasks` does). */
export async function cancelTask(
  db: Database,
  ctx: RequestContext,
  id: string,
  body: CancelTaskRequest,
): Promise<TaskDetail> {
  const reason = body.reason.trim();
  if (reason === '') throw invalid('/body/reason', 'Say why the task is cancelled');
  return db.transaction(async (tx) => {
    const row = await findTask(tx, ctx.principal.orgId, id);
    mustWork(ctx, row, 'cancel');
    mustMove(ctx, row, 'cancel');
    const [updated] = await tx
      .update(tasks)
      .set({ status: 'cancelled', outcome: reason, completedBy: ctx.principal.id, completedAt: ctx.now })
      .where(and(byId(ctx, id), stillOpen()))
      .returning();
    if (!updated) return lostRace(tx, ctx, id);
    return record(tx, ctx, updated, 'cancelled', { reason }, {});
  });
}

/** Puts a done or cancelled task back on its team's queue, open and nobody's, with the reason in its history. */
export async function reopenTask(
  db: Database,
  ctx: RequestContext,
  id: string,
  body: ReopenTaskRequest,
): Promise<TaskDetail> {
  const reason = body.reason.trim();
  if (reason === '') throw invalid('/body/reason', 'Say why the task is reopened');
  return db.transaction(async (tx) => {
    const row = await findTask(tx, ctx.principal.orgId, id);
    mustWork(ctx, row, 'reopen');
    mustMove(ctx, row, 'reopen');
    const [updated] = await tx
      .update(tasks)
      .set({
        status: 'open',
        ownerId: null,
        outcome: null,
        outcomeNote: null,
        completedBy: null,
        completedAt: null,
      })
      .where(and(byId(ctx, id), inArray(tasks.status, ['done', 'cancelled'])))
      .returning();
    if (!updated) return lostRace(tx, ctx, id);
    const was = { status: row.status, outcome: row.outcome };
    return record(tx, ctx, updated, 'reopened', { reason, ...was }, { was: row.status });
  });
}
