/**
 * Work queues: creating and cancelling tasks from inside other features' transactions. Every action a person must
 * take becomes a task here, in the same transaction as the event that calls for it, with a history entry.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import {
  TASK_TYPES,
  addDays,
  parsePlainDate,
  type TaskPriority,
  type TaskRole,
  type TaskType,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { taskEvents, tasks } from '../../db/schema';
import type { RequestContext } from '../../auth/principal';
import { londonToday } from '../../clock';

export interface NewTask {
  type: TaskType;
  /** The queue: a team (`teamFor(role, specialty)`) and the role that works it (default: the type's role). */
  team: string;
  role?: TaskRole;
  /** Default: the type's priority. */
  priority?: TaskPriority;
  /** Default: today plus the type's `dueInDays`. */
  dueDate?: string;
  ownerId?: string | null;
  patientId?: string | null;
  pathwayId?: string | null;
  appointmentId?: string | null;
  /** Ids, dates, codes and the rule that made it: never free text about the patient. */
  detail?: Record<string, unknown>;
  /** One task per event: a second task with the same key is not created (the first one's id is answered). */
  dedupeKey?: string | null;
}

type TaskRow = typeof tasks.$inferSelect;

/** Creates tasks in the caller's transaction. Answers their ids in order (an existing task's for a repeated key). */
export async function createTasks(
  tx: Database,
  ctx: RequestContext,
  items: readonly NewTask[],
): Promise<string[]> {
  if (items.length === 0) return [];
  const orgId = ctx.principal.orgId;
  const today = parsePlainDate(londonToday(ctx.now));
  const rows: TaskRow[] = items.map((t) => {
    const def = TASK_TYPES[t.type];
    return {
      orgId,
      versionId: 1,
      lastUpdated: ctx.now,
      id: randomUUID(),
      type: t.type,
      status: 'open',
      priority: t.priority ?? def.priority,
      team: t.team,
      role: t.role ?? def.role,
      ownerId: t.ownerId ?? null,
      dueDate: t.dueDate ?? addDays(today, def.dueInDays).toString(),
      patientId: t.patientId ?? null,
      pathwayId: t.pathwayId ?? null,
      appointmentId: t.appointmentId ?? null,
      detail: t.detail ?? null,
      dedupeKey: t.dedupeKey ?? null,
      outcome: null,
      outcomeNote: null,
      createdBy: ctx.principal.id,
      createdAt: ctx.now,
      completedBy: null,
      completedAt: null,
    };
  });
  const inserted = await tx
    .insert(tasks)
    .values(rows)
    .onConflictDoNothing({ target: [tasks.orgId, tasks.dedupeKey] })
    .returning({ id: tasks.id });
  const made = new Set(inserted.map((r) => r.id));
  if (made.size > 0) {
    await tx.insert(taskEvents).values(
      rows
        .filter((r) => made.has(r.id))
        .map((r) => ({
          orgId,
          id: randomUUID(),
          taskId: r.id,
          action: 'created',
          actorId: ctx.principal.id,
          at: ctx.now,
          detail: r.detail === null ? null : { rule: (r.detail as { rule?: unknown }).rule ?? null },
        })),
    );
  }
  // A repeated key: answer the task that already holds it.
  const repeated = rows.filter((r) => !made.has(r.id) && r.dedupeKey !== null).map((r) => r.dedupeKey!);
  const existing =
    repeated.length === 0
      ? new Map<string, string>()
      : new Map(
          (
            await tx
              .select({ id: tasks.id, key: tasks.dedupeKey })
              .from(tasks)
              .where(and(eq(tasks.orgId, orgId), inArray(tasks.dedupeKey, repeated)))
          ).map((r) => [r.key!, r.id]),
        );
  return rows.map((r) => (made.has(r.id) ? r.id : (existing.get(r.dedupeKey!) ?? r.id)));
}

export interface TaskSelector {
  appointmentId?: string;
  pathwayId?: string;
  types?: readonly TaskType[];
  dedupeKeys?: readonly string[];
}

/**
 * Cancels the open tasks a selector picks (the appointment they were about was cancelled, say), with the reason
 * in their history. Answers the ids cancelled.
 */
export async function cancelTasks(
  tx: Database,
  ctx: RequestContext,
  selector: TaskSelector,
  reason: string,
): Promise<string[]> {
  const orgId = ctx.principal.orgId;
  const where = [eq(tasks.orgId, orgId), inArray(tasks.status, ['open', 'in-progress'])];
  if (selector.appointmentId) where.push(eq(tasks.appointmentId, selector.appointmentId));
  if (selector.pathwayId) where.push(eq(tasks.pathwayId, selector.pathwayId));
  if (selector.types) where.push(inArray(tasks.type, [...selector.types]));
  if (selector.dedupeKeys) where.push(inArray(tasks.dedupeKey, [...selector.dedupeKeys]));
  if (where.length === 2) throw new Error('cancelTasks needs a selector');
  const cancelled = await tx
    .update(tasks)
    .set({ status: 'cancelled', completedBy: ctx.principal.id, completedAt: ctx.now, outcome: reason })
    .where(and(...where))
    .returning({ id: tasks.id });
  if (cancelled.length > 0) {
    await tx.insert(taskEvents).values(
      cancelled.map((c) => ({
        orgId,
        id: randomUUID(),
        taskId: c.id,
        action: 'cancelled',
        actorId: ctx.principal.id,
        at: ctx.now,
        detail: { reason },
      })),
    );
  }
  return cancelled.map((c) => c.id);
}

/** Open tasks of some types on a pathway (what the screens and the policy's rules ask: is one already open?). */
export async function openTasksOn(
  tx: Database,
  orgId: string,
  pathwayId: string,
  types?: readonly TaskType[],
) {
  return tx
    .select()
    .from(tasks)
    .where(
      and(
        eq(tasks.orgId, orgId),
        eq(tasks.pathwayId, pathwayId),
        inArray(tasks.status, ['open', 'in-progress']),
        types ? inArray(tasks.type, [...types]) : sql`true`,
      ),
    );
}

/**
 * The tasks on a pathway or an appointment, of some types, oldest first, whatever their status: for other
 * features' tests and screens ("which tasks did this event make?").
 */
export async function tasksFor(
  db: Database,
  orgId: string,
  selector: { pathwayId?: string; appointmentId?: string; patientId?: string; types?: readonly TaskType[] },
): Promise<TaskRow[]> {
  const where = [eq(tasks.orgId, orgId)];
  if (selector.pathwayId) where.push(eq(tasks.pathwayId, selector.pathwayId));
  if (selector.appointmentId) where.push(eq(tasks.appointmentId, selector.appointmentId));
  if (selector.patientId) where.push(eq(tasks.patientId, selector.patientId));
  if (selector.types) where.push(inArray(tasks.type, [...selector.types]));
  const rows = await db
    .select()
    .from(tasks)
    .where(and(...where));
  return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
}
