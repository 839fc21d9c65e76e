/**
 * Reading work queues: a queue (one page, in the order it is worked), the queues with their counts, and one
 * task with its history. Every task shown with its patient is audited in the same transaction as the read;
 * the counts are aggregates only and are not audited.
 */
import { and, asc, eq, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import {
  OPEN_TASK_STATUSES,
  TASK_ROLES,
  canWorkTask,
  isOwnQueue,
  type TaskDetail,
  type TaskListPage,
  type TaskListQuery,
  type TaskQueueSummary,
  type TaskQueues,
  type TaskRole,
} from '@pathflow/core';
import { queryRows, type Database } from '../../db/client';
import { staffUsers, tasks } from '../../db/schema';
import { actorOf, audit, writeAuditForMany } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { londonToday } from '../../clock';
import { notFound } from '../../errors';
import { isUuid, namesOf, patientsOf, taskDetail, toListRow, type PatientBrief, type TaskRow } from './views';
import { rolesOfTeam } from './teams';

export const TASK_PAGE_MAX = 200;

/** Whether the caller sees who the patient is (every role that works queues may). */
export const showsPatients = (ctx: RequestContext): boolean => ctx.principal.permissions.has('Patient.read');

function filterOf(ctx: RequestContext, q: TaskListQuery, today: string): SQL[] {
  const where: SQL[] = [eq(tasks.orgId, ctx.principal.orgId)];
  where.push(inArray(tasks.status, q.status && q.status.length > 0 ? q.status : [...OPEN_TASK_STATUSES]));
  if (q.team) where.push(eq(tasks.team, q.team));
  if (q.role) where.push(eq(tasks.role, q.role));
  if (q.owner === 'none') where.push(isNull(tasks.ownerId));
  else if (q.owner !== undefined) {
    const owner = q.owner === 'me' ? ctx.principal.id : q.owner;
    where.push(isUuid(owner) ? eq(tasks.ownerId, owner) : sql`false`);
  }
  if (q.type && q.type.length > 0) where.push(inArray(tasks.type, q.type));
  if (q.overdue === true) {
    where.push(lt(tasks.dueDate, today), inArray(tasks.status, [...OPEN_TASK_STATUSES]));
  } else if (q.overdue === false) {
    where.push(sql`(${tasks.dueDate} >= ${today} or ${tasks.status} not in ('open', 'in-progress'))`);
  }
  if (q.patientId) where.push(eq(tasks.patientId, q.patientId));
  if (q.pathwayId) where.push(eq(tasks.pathwayId, q.pathwayId));
  return where;
}

/** The order a queue is worked in (core `compareQueueOrder`): priority, due date, oldest first, then id. */
const QUEUE_ORDER = [
  sql`case ${tasks.priority} when 'urgent' then 0 when 'high' then 1 else 2 end`,
  asc(tasks.dueDate),
  asc(tasks.createdAt),
  asc(tasks.id),
];

/** One page of a queue, with the total over the same filter; an audit row for each task shown with a patient. */
export async function listTasks(
  db: Database,
  ctx: RequestContext,
  q: TaskListQuery & { limit: number; offset: number },
): Promise<TaskListPage> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  const where = and(...filterOf(ctx, q, today));
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(tasks)
      .where(where)
      .orderBy(...QUEUE_ORDER)
      .limit(q.limit)
      .offset(q.offset);
    const total =
      rows.length < q.limit && (rows.length > 0 || q.offset === 0)
        ? q.offset + rows.length
        : ((
            await tx
              .select({ n: sql<number>`count(*)::int` })
              .from(tasks)
              .where(where)
          )[0]?.n ?? 0);
    const show = showsPatients(ctx);
    const found = show ? await patientsOf(tx, orgId, rows) : new Map<string, PatientBrief>();
    const person = await namesOf(
      tx,
      orgId,
      rows.map((r) => r.ownerId),
    );
    const page = rows.map((r) => toListRow(r, today, person, found.get(r.patientId ?? '') ?? null));
    await writeAuditForMany(
      tx,
      actorOf(ctx),
      'Task.list',
      'Task',
      page.flatMap((r) => (r.patient ? [{ resourceId: r.id, patientId: r.patient.id }] : [])),
    );
    return { asOf: today, total, limit: q.limit, offset: q.offset, rows: page };
  });
}

/** The caller's teams (`staff_users.teams`); a machine client has none. */
async function teamsOf(db: Database, ctx: RequestContext): Promise<string[]> {
  if (ctx.principal.kind !== 'user') return [];
  const [me] = await db
    .select({ teams: staffUsers.teams })
    .from(staffUsers)
    .where(and(eq(staffUsers.orgId, ctx.principal.orgId), eq(staffUsers.id, ctx.principal.id)));
  return me?.teams ?? [];
}

interface QueueCounts {
  team: string;
  role: string;
  open: number;
  in_progress: number;
  overdue: number;
  unassigned: number;
}

/**
 * Every queue with open work, by team and role, with its counts; the caller's own queues (their role's, for
 * their teams) first, including their teams' empty ones.
 */
export async function taskQueues(db: Database, ctx: RequestContext): Promise<TaskQueues> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  const teams = await teamsOf(db, ctx);
  const counts = await queryRows<QueueCounts>(
    db,
    sql`select team, role,
               count(*) filter (where status = 'open')::int as open,
               count(*) filter (where status = 'in-progress')::int as in_progress,
               count(*) filter (where due_date < ${today})::int as overdue,
               count(*) filter (where status = 'open' and owner_id is null)::int as unassigned
          from tasks
         where org_id = ${orgId} and status in ('open', 'in-progress')
         group by team, role`,
  );
  const me = { role: ctx.principal.role, teams };
  const queues = new Map<string, TaskQueueSummary>();
  for (const c of counts) {
    const role = c.role as TaskRole;
    queues.set(`${c.team}|${role}`, {
      team: c.team,
      role,
      mine: isOwnQueue(me, { role, team: c.team }),
      open: c.open,
      inProgress: c.in_progress,
      overdue: c.overdue,
      unassigned: c.unassigned,
    });
  }
  // The caller's own teams are listed even when there is nothing on them.
  for (const team of teams) {
    for (const role of TASK_ROLES) {
      if (!canWorkTask(me.role, role) || !rolesOfTeam(team).includes(role)) continue;
      const key = `${team}|${role}`;
      if (!queues.has(key)) {
        queues.set(key, { team, role, mine: true, open: 0, inProgress: 0, overdue: 0, unassigned: 0 });
      }
    }
  }
  const [assigned] = isUuid(ctx.principal.id)
    ? await queryRows<{ total: number; overdue: number }>(
        db,
        sql`select count(*)::int as total, count(*) filter (where due_date < ${today})::int as overdue
              from tasks
             where org_id = ${orgId} and owner_id = ${ctx.principal.id} and status in ('open', 'in-progress')`,
      )
    : [];
  const ordered = [...queues.values()].sort(
    (a, b) =>
      Number(b.mine) - Number(a.mine) ||
      a.team.localeCompare(b.team) ||
      TASK_ROLES.indexOf(a.role) - TASK_ROLES.indexOf(b.role),
  );
  return {
    asOf: today,
    teams,
    assignedToMe: { total: assigned?.total ?? 0, overdue: assigned?.overdue ?? 0 },
    queues: ordered,
  };
}

export async function findTask(db: Database, orgId: string, id: string): Promise<TaskRow> {
  const [row] = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.orgId, orgId), eq(tasks.id, id)));
  if (!row) throw notFound('The task');
  return row;
}

/** One task with its history; audited (with its patient, if it has one). */
export async function getTask(db: Database, ctx: RequestContext, id: string): Promise<TaskDetail> {
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    const row = await findTask(tx, orgId, id);
    const view = await taskDetail(tx, orgId, row, londonToday(ctx.now), showsPatients(ctx));
    await audit(tx, ctx, {
      action: 'Task.read',
      resourceType: 'Task',
      resourceId: row.id,
      patientId: row.patientId,
      detail: { type: row.type, events: view.history.length },
    });
    return view;
  });
}
