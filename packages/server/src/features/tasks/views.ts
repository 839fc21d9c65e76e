/**
 * Tasks as the API shows them: rows joined to their patient, names for the people in them, overdue flags from
 * the request's clock.
 */
import { and, eq, inArray } from 'drizzle-orm';
import {
  TASK_TYPES,
  daysTaskOverdue,
  isTaskType,
  type TaskDetail,
  type TaskHistoryEntry,
  type TaskListRow,
  type TaskPerson,
  type TaskPriority,
  type TaskRole,
  type TaskStatus,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { oauthClients, patients, staffUsers, taskEvents, type tasks } from '../../db/schema';

export type TaskRow = typeof tasks.$inferSelect;
export interface PatientBrief {
  id: string;
  nhsNumber: string;
  givenName: string;
  familyName: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID.test(s);

/** Display names for staff ids and machine-client ids; background work shows as Pathflow. */
export async function namesOf(
  db: Database,
  orgId: string,
  ids: Iterable<string | null>,
): Promise<(id: string) => TaskPerson> {
  const wanted = [...new Set([...ids].filter((i): i is string => i !== null && isUuid(i)))];
  const names = new Map<string, string>();
  if (wanted.length > 0) {
    const staff = await db
      .select({ id: staffUsers.id, name: staffUsers.displayName })
      .from(staffUsers)
      .where(and(eq(staffUsers.orgId, orgId), inArray(staffUsers.id, wanted)));
    for (const s of staff) names.set(s.id, s.name);
    const missing = wanted.filter((w) => !names.has(w));
    if (missing.length > 0) {
      const clients = await db
        .select({ id: oauthClients.clientId, name: oauthClients.name })
        .from(oauthClients)
        .where(and(eq(oauthClients.orgId, orgId), inArray(oauthClients.clientId, missing)));
      for (const c of clients) names.set(c.id, c.name);
    }
  }
  return (id) => ({
    id,
    name: names.get(id) ?? (isUuid(id) ? 'Unknown' : `Pathflow (${id})`),
  });
}

/** The patients some tasks are about. */
export async function patientsOf(
  db: Database,
  orgId: string,
  rows: readonly TaskRow[],
): Promise<Map<string, PatientBrief>> {
  const ids = [...new Set(rows.map((r) => r.patientId).filter((p): p is string => p !== null))];
  if (ids.length === 0) return new Map();
  const found = await db
    .select({
      id: patients.id,
      nhsNumber: patients.nhsNumber,
      givenName: patients.givenName,
      familyName: patients.familyName,
    })
    .from(patients)
    .where(and(eq(patients.orgId, orgId), inArray(patients.id, ids)));
  return new Map(found.map((p) => [p.id, p]));
}

export function toListRow(
  row: TaskRow,
  today: string,
  person: (id: string) => TaskPerson,
  patient: PatientBrief | null,
): TaskListRow {
  const status = row.status as TaskStatus;
  const daysOverdue = daysTaskOverdue({ status, dueDate: row.dueDate }, today);
  return {
    id: row.id,
    type: row.type as TaskListRow['type'],
    typeLabel: isTaskType(row.type) ? TASK_TYPES[row.type].label : row.type,
    status,
    priority: row.priority as TaskPriority,
    team: row.team,
    role: row.role as TaskRole,
    owner: row.ownerId === null ? null : person(row.ownerId),
    dueDate: row.dueDate,
    overdue: daysOverdue > 0,
    daysOverdue,
    patientId: row.patientId,
    patient: patient
      ? { id: patient.id, nhsNumber: patient.nhsNumber, name: `${patient.familyName}, ${patient.givenName}` }
      : null,
    pathwayId: row.pathwayId,
    appointmentId: row.appointmentId,
    detail: (row.detail as Record<string, unknown> | null) ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** One task with its history, oldest first. `showPatient`: the caller may read patient records. */
export async function taskDetail(
  db: Database,
  orgId: string,
  row: TaskRow,
  today: string,
  showPatient: boolean,
): Promise<TaskDetail> {
  const events = await db
    .select()
    .from(taskEvents)
    .where(and(eq(taskEvents.orgId, orgId), eq(taskEvents.taskId, row.id)));
  // Events of one instant: the creation first; otherwise by time (ids are random, so only a last resort).
  events.sort(
    (a, b) =>
      a.at.getTime() - b.at.getTime() ||
      Number(b.action === 'created') - Number(a.action === 'created') ||
      (a.id < b.id ? -1 : 1),
  );
  const person = await namesOf(db, orgId, [
    row.ownerId,
    row.createdBy,
    row.completedBy,
    ...events.map((e) => e.actorId),
  ]);
  const patient = showPatient
    ? ((await patientsOf(db, orgId, [row])).get(row.patientId ?? '') ?? null)
    : null;
  const history: TaskHistoryEntry[] = events.map((e) => ({
    action: e.action,
    actor: person(e.actorId),
    at: e.at.toISOString(),
    detail: (e.detail as Record<string, unknown> | null) ?? null,
  }));
  return {
    ...toListRow(row, today, person, patient),
    outcome: row.outcome,
    outcomeNote: row.outcomeNote,
    outcomes: isTaskType(row.type) ? [...TASK_TYPES[row.type].outcomes] : [],
    createdBy: person(row.createdBy),
    completedBy: row.completedBy === null ? null : person(row.completedBy),
    completedAt: row.completedAt ? row.completedAt.toISOString() : null,
    history,
  };
}
