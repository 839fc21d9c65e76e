/**
 * Work queues over HTTP: a queue (filtered, in the order it is worked), the queues with their counts, one task
 * with its history, and the actions on a task. HTTP in, plain calls on the task services out.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  TASK_PRIORITIES,
  TASK_ROLES,
  TASK_STATUSES,
  TASK_TYPE_NAMES,
  TASK_TYPES,
  type TaskPriority,
  type TaskRole,
  type TaskStatus,
  type TaskType,
} from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { IsoDate, IsoDateTime, Nullable, Uuid } from '../../http/schemas';
import { problemResponse } from '../openapi/problem-schema';
import { TASK_PAGE_MAX, getTask, listTasks, taskQueues } from './queries';
import { cancelTask, claimTask, completeTask, createTask, reassignTask, reopenTask } from './actions';
import { TEAM_PATTERN } from './teams';

const TypeName = Type.Unsafe<TaskType>({
  type: 'string',
  enum: [...TASK_TYPE_NAMES],
  description: TASK_TYPE_NAMES.map((t) => `${t}: ${TASK_TYPES[t].label}`).join('; '),
});
const Status = Type.Unsafe<TaskStatus>({ type: 'string', enum: [...TASK_STATUSES] });
const Priority = Type.Unsafe<TaskPriority>({ type: 'string', enum: [...TASK_PRIORITIES] });
const Role = Type.Unsafe<TaskRole>({ type: 'string', enum: [...TASK_ROLES] });
const Team = Type.String({
  pattern: TEAM_PATTERN,
  maxLength: 40,
  description: 'A role’s team for a specialty: booking-110, clinical-110, management-110',
});
const Note = Type.String({ maxLength: 1000 });
const Reason = Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' });
const Person = Type.Object({ id: Type.String(), name: Type.String() });
const Detail = Nullable(Type.Record(Type.String(), Type.Unknown()));

const TaskRowSchema = Type.Object({
  id: Uuid,
  type: Type.String(),
  typeLabel: Type.String(),
  status: Status,
  priority: Priority,
  team: Type.String(),
  role: Type.String(),
  owner: Nullable(Person),
  dueDate: IsoDate,
  overdue: Type.Boolean({ description: 'Open or in progress, and the due date is before today (London)' }),
  daysOverdue: Type.Integer({ minimum: 0 }),
  patientId: Nullable(Uuid),
  patient: Nullable(
    Type.Object({
      id: Uuid,
      nhsNumber: Type.String({ pattern: '^[0-9]{10}$' }),
      name: Type.String({ description: 'Family, Given' }),
    }),
  ),
  pathwayId: Nullable(Uuid),
  appointmentId: Nullable(Uuid),
  detail: Detail,
  createdAt: IsoDateTime,
});

const TaskDetailSchema = Type.Composite([
  TaskRowSchema,
  Type.Object({
    outcome: Nullable(Type.String({ description: 'Done: the outcome chosen; cancelled: the reason' })),
    outcomeNote: Nullable(Type.String()),
    outcomes: Type.Array(Type.String(), { description: 'The outcomes it may be completed with' }),
    createdBy: Person,
    completedBy: Nullable(Person),
    completedAt: Nullable(IsoDateTime),
    history: Type.Array(
      Type.Object({ action: Type.String(), actor: Person, at: IsoDateTime, detail: Detail }),
      { description: 'Oldest first' },
    ),
  }),
]);

const ListQuery = Type.Object(
  {
    team: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    role: Type.Optional(Role),
    owner: Type.Optional(
      Type.String({
        pattern: '^(me|none|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$',
        description: 'me, none (nobody’s yet) or a staff id',
      }),
    ),
    status: Type.Optional(
      Type.Array(Status, { maxItems: 4, description: 'Default: open and in-progress. Repeat for more' }),
    ),
    type: Type.Optional(Type.Array(TypeName, { maxItems: 30, description: 'Repeat for more' })),
    overdue: Type.Optional(Type.Boolean()),
    patientId: Type.Optional(Uuid),
    pathwayId: Type.Optional(Uuid),
    limit: Type.Integer({ minimum: 1, maximum: TASK_PAGE_MAX, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Uuid });
const bad = problemResponse('validation_failed: a field is wrong (named in errors)');
const notFound = problemResponse('not_found: there is no such task');
const forbidden = problemResponse(
  'forbidden: your role cannot work this task (a clinical task: clinicians only)',
);
const conflict = problemResponse(
  'conflict: the task is closed, or someone else has it (of two people claiming at once, one wins)',
);

export function taskRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/tasks',
    {
      config: { auth: 'Task.read' },
      schema: {
        summary: 'A work queue: tasks in the order they should be worked',
        description:
          'Urgent, then high, then routine; then the earliest due; then the oldest. Open and in-progress tasks unless status says otherwise. Overdue is worked out for today in London. Each task shown with its patient is recorded in the audit log.',
        tags: ['Work queues'],
        querystring: ListQuery,
        response: {
          200: Type.Object({
            asOf: IsoDate,
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
            rows: Type.Array(TaskRowSchema),
          }),
          400: bad,
        },
      },
    },
    async (request) => listTasks(db, contextOf(request, deps.now), request.query),
  );

  app.get(
    '/tasks/queues',
    {
      config: { auth: 'Task.read' },
      schema: {
        summary: 'The work queues, by team and role, with their counts',
        description:
          'Every queue with open work, and the caller’s own (their role’s, for their teams, or every team of their role when they have none set) first, even when empty.',
        tags: ['Work queues'],
        response: {
          200: Type.Object({
            asOf: IsoDate,
            teams: Type.Array(Type.String()),
            assignedToMe: Type.Object({ total: Type.Integer(), overdue: Type.Integer() }),
            queues: Type.Array(
              Type.Object({
                team: Type.String(),
                role: Type.String(),
                mine: Type.Boolean(),
                open: Type.Integer(),
                inProgress: Type.Integer(),
                overdue: Type.Integer(),
                unassigned: Type.Integer({ description: 'Open and nobody’s yet' }),
              }),
            ),
          }),
        },
      },
    },
    async (request) => taskQueues(db, contextOf(request, deps.now)),
  );

  app.get(
    '/tasks/:id',
    {
      config: { auth: 'Task.read' },
      schema: {
        summary: 'One task with its history',
        description: 'Recorded in the audit log.',
        tags: ['Work queues'],
        params: IdParams,
        response: { 200: TaskDetailSchema, 400: bad, 404: notFound },
      },
    },
    async (request) => getTask(db, contextOf(request, deps.now), request.params.id),
  );

  app.post(
    '/tasks',
    {
      config: { auth: 'Task.write' },
      schema: {
        summary: 'Put a task on a queue by hand',
        description:
          'The team must be one for the role that works it (booking-, clinical- or management- and a specialty code). The due date, if given, must be today or later; by default it is today plus the type’s time to act. With a pathway, the patient is the pathway’s.',
        tags: ['Work queues'],
        body: Type.Object(
          {
            type: TypeName,
            team: Team,
            role: Type.Optional(Role),
            priority: Type.Optional(Priority),
            dueDate: Type.Optional(IsoDate),
            patientId: Type.Optional(Uuid),
            pathwayId: Type.Optional(Uuid),
            note: Type.Optional(Note),
          },
          { additionalProperties: false },
        ),
        response: { 201: TaskDetailSchema, 400: bad },
      },
    },
    async (request, reply) => {
      const task = await createTask(db, contextOf(request, deps.now), request.body);
      return reply.code(201).send(task);
    },
  );

  app.post(
    '/tasks/:id/claim',
    {
      config: { auth: 'Task.write' },
      schema: {
        summary: 'Take a task: it is yours and in progress',
        description:
          'Of two people claiming at once, exactly one gets it; the other is told (409). A task assigned to someone else, or closed, cannot be claimed.',
        tags: ['Work queues'],
        params: IdParams,
        response: { 200: TaskDetailSchema, 400: bad, 403: forbidden, 404: notFound, 409: conflict },
      },
    },
    async (request) => claimTask(db, contextOf(request, deps.now), request.params.id),
  );

  app.post(
    '/tasks/:id/reassign',
    {
      config: { auth: 'Task.write' },
      schema: {
        summary: 'Give a task to another person or team',
        description:
          'ownerId: a member of staff whose role can work the task (null: back on the team’s queue for anyone). team: another team for the same role (the task is then nobody’s, unless ownerId is given too). The task is open on their queue.',
        tags: ['Work queues'],
        params: IdParams,
        body: Type.Object(
          { ownerId: Type.Optional(Nullable(Uuid)), team: Type.Optional(Team), note: Type.Optional(Note) },
          { additionalProperties: false },
        ),
        response: { 200: TaskDetailSchema, 400: bad, 403: forbidden, 404: notFound, 409: conflict },
      },
    },
    async (request) => reassignTask(db, contextOf(request, deps.now), request.params.id, request.body),
  );

  app.post(
    '/tasks/:id/complete',
    {
      config: { auth: 'Task.write' },
      schema: {
        summary: 'Finish a task, with its outcome',
        description:
          'The outcome must be one of the task type’s outcomes (GET /tasks/:id lists them). Only people who can work the task may complete it: clinical tasks only clinicians.',
        tags: ['Work queues'],
        params: IdParams,
        body: Type.Object(
          { outcome: Type.String({ minLength: 1, maxLength: 64 }), note: Type.Optional(Note) },
          { additionalProperties: false },
        ),
        response: { 200: TaskDetailSchema, 400: bad, 403: forbidden, 404: notFound, 409: conflict },
      },
    },
    async (request) => completeTask(db, contextOf(request, deps.now), request.params.id, request.body),
  );

  app.post(
    '/tasks/:id/cancel',
    {
      config: { auth: 'Task.write' },
      schema: {
        summary: 'Cancel a task that no longer needs doing',
        tags: ['Work queues'],
        params: IdParams,
        body: Type.Object({ reason: Reason }, { additionalProperties: false }),
        response: { 200: TaskDetailSchema, 400: bad, 403: forbidden, 404: notFound, 409: conflict },
      },
    },
    async (request) => cancelTask(db, contextOf(request, deps.now), request.params.id, request.body),
  );

  app.post(
    '/tasks/:id/reopen',
    {
      config: { auth: 'Task.write' },
      schema: {
        summary: 'Put a done or cancelled task back on its queue',
        tags: ['Work queues'],
        params: IdParams,
        body: Type.Object({ reason: Reason }, { additionalProperties: false }),
        response: { 200: TaskDetailSchema, 400: bad, 403: forbidden, 404: notFound, 409: conflict },
      },
    },
    async (request) => reopenTask(db, contextOf(request, deps.now), request.params.id, request.body),
  );
}
