/**
 * Task (UKCore-Task): the work queues' tasks (`tasks`), read and searched. A task about a patient is part of
 * their record: every task returned is recorded in the audit log.
 *
 * The mapping:
 * - `status`: open → requested (on a queue, not yet started, whether or not someone is assigned),
 *   in-progress → in-progress (claimed and being worked), done → completed, cancelled → cancelled.
 * - `priority`: our three in request-priority's order (routine < urgent < asap), so a client sorting by it
 *   sorts as the queues do: routine → routine, high → urgent, urgent → asap.
 * - `code`: the task type (https://pathflow.dev/CodeSystem/task-type) with its label.
 * - `for`: the patient; `focus`: the appointment it is about, when there is one.
 * - `authoredOn`: when it was made; `lastModified`: its last change; `restriction.period.end`: the due date;
 *   `executionPeriod.end`: when it was completed or cancelled; `output`: the outcome code it was completed with
 *   (never the free-text note).
 * - The owner is a member of staff, not a clinician with a Practitioner record, so `owner` is left out.
 */
import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { Task } from 'fhir/r4';
import { TASK_TYPES } from '@pathflow/core';
import type { Database } from '../../../db/client';
import { tasks } from '../../../db/schema';
import type { FhirResourceModule } from '../module';
import { PROFILES, SYSTEMS, metaOf, ref } from '../resource';
import { checkIncludes } from '../search';
import {
  codeFilter,
  onePage,
  ourStatusesIn,
  readAudited,
  referenceFilter,
  searchAudited,
  statusFilter,
} from './shared';

type Row = typeof tasks.$inferSelect;

const STATUS_TO_FHIR: Record<string, Task['status']> = {
  open: 'requested',
  'in-progress': 'in-progress',
  done: 'completed',
  cancelled: 'cancelled',
};
const TASK_STATUSES = [
  'draft',
  'requested',
  'received',
  'accepted',
  'rejected',
  'ready',
  'cancelled',
  'in-progress',
  'on-hold',
  'failed',
  'completed',
  'entered-in-error',
];

const PRIORITY_TO_FHIR: Record<string, NonNullable<Task['priority']>> = {
  routine: 'routine',
  high: 'urgent',
  urgent: 'asap',
};

const typeLabel = (type: string): string | undefined =>
  (TASK_TYPES as Record<string, { label: string }>)[type]?.label;

export function taskResource(row: Row): Task {
  const label = typeLabel(row.type);
  const resource: Task = {
    resourceType: 'Task',
    id: row.id,
    meta: metaOf('Task', row),
    status: STATUS_TO_FHIR[row.status] ?? 'requested',
    intent: 'order',
    priority: PRIORITY_TO_FHIR[row.priority] ?? 'routine',
    code: { coding: [{ system: SYSTEMS.taskType, code: row.type, ...(label ? { display: label } : {}) }] },
  };
  if (row.appointmentId) resource.focus = ref('Appointment', row.appointmentId);
  if (row.patientId) resource.for = ref('Patient', row.patientId);
  resource.authoredOn = row.createdAt.toISOString();
  resource.lastModified = row.lastUpdated.toISOString();
  if (row.completedAt) resource.executionPeriod = { end: row.completedAt.toISOString() };
  resource.restriction = { period: { end: row.dueDate } };
  if (row.status === 'done' && row.outcome) {
    resource.output = [
      {
        type: { text: 'Outcome' },
        valueCodeableConcept: { coding: [{ system: SYSTEMS.taskOutcome, code: row.outcome }] },
      },
    ];
  }
  return resource;
}

/** The organisation's tasks that meet `where`. */
function selectTasks(db: Database, orgId: string, where: SQL[]) {
  return db
    .select()
    .from(tasks)
    .where(and(eq(tasks.orgId, orgId), ...where));
}

/** Soonest due first, then oldest. */
const BY_DUE = [asc(tasks.dueDate), asc(tasks.createdAt), asc(tasks.id)];

export const taskModule: FhirResourceModule = {
  type: 'Task',
  profile: PROFILES.Task,
  read: 'Task.read',
  documentation:
    'Work-queue tasks. Status: requested (open), in-progress, completed or cancelled. Priority: routine, urgent (our high) or asap (our urgent). code is the task type; for is the patient, focus the appointment. Every task about a patient that is returned is recorded in the audit log.',
  searchParams: [
    { name: 'patient', type: 'reference', documentation: 'The patient the task is for (Patient/<id>)' },
    { name: 'status', type: 'token', documentation: 'requested, in-progress, completed or cancelled' },
    { name: 'code', type: 'token', documentation: `The task type (${SYSTEMS.taskType}|call-patient)` },
  ],

  readById: (db, ctx, id) =>
    readAudited(
      db,
      ctx,
      'Task',
      async (tx) => (await selectTasks(tx, ctx.principal.orgId, [eq(tasks.id, id)]))[0],
      (row) => row.patientId,
      taskResource,
    ),

  search(db, ctx, params) {
    checkIncludes(params, []);
    const where: SQL[] = [
      ...referenceFilter(params, ['patient'], 'Patient', tasks.patientId),
      ...statusFilter(params, TASK_STATUSES, ourStatusesIn(tasks.status, STATUS_TO_FHIR)),
      ...codeFilter(params, 'code', SYSTEMS.taskType, tasks.type, (code) =>
        typeLabel(code) ? undefined : `"${code}" is not a task type: see ${SYSTEMS.taskType}`,
      ),
    ];
    return searchAudited(
      db,
      ctx,
      'Task',
      params,
      (tx) => onePage(selectTasks(tx, ctx.principal.orgId, where).orderBy(...BY_DUE), params),
      (row) => row.patientId,
      taskResource,
    );
  },
};
