/** HTTP routes for patient-initiated follow-up: start a plan, list and read plans, a request, the outcome. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { PIFU_STATUSES } from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { IsoDate, IsoDateTime, Nullable, Uuid } from '../../http/schemas';
import { problemResponse } from '../openapi/problem-schema';
import { ListPatientSchema } from '../partial-booking/routes';
import { getPifu, listPifu, recordPifuOutcome, recordPifuRequest, startPifu } from './service';

const Kind = Type.Union([Type.Literal('time-limited'), Type.Literal('open-ended')]);
const Status = Type.Union(PIFU_STATUSES.map((s) => Type.Literal(s)));

const PlanSchema = Type.Object({
  id: Uuid,
  pathwayId: Uuid,
  patient: ListPatientSchema,
  specialtyCode: Type.String(),
  kind: Kind,
  startsOn: IsoDate,
  months: Nullable(Type.Integer()),
  endsOn: Nullable(IsoDate),
  status: Status,
  lastRequestOn: Nullable(IsoDate),
  createdBy: Type.String(),
  createdAt: IsoDateTime,
});

const notFound = problemResponse('not_found: no such PIFU plan (or pathway)');
const notActive = problemResponse('conflict: the plan is no longer active');

export function pifuRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.post(
    '/pathways/:id/pifu',
    {
      config: { auth: 'Pathway.write' },
      schema: {
        summary: 'Put a pathway on patient-initiated follow-up',
        description:
          'Time-limited: months (within the access policy’s range) from startsOn (default today); at the end the patient is discharged to the GP, with letters to both. Open-ended: no months, no automatic discharge.',
        tags: ['PIFU'],
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            kind: Kind,
            months: Type.Optional(Nullable(Type.Integer())),
            startsOn: Type.Optional(IsoDate),
          },
          { additionalProperties: false },
        ),
        response: {
          201: PlanSchema,
          400: problemResponse('validation_failed: months or startsOn is wrong (named in errors)'),
          404: notFound,
          409: problemResponse('conflict: the pathway is closed or already has an active plan'),
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await startPifu(db, contextOf(request, deps.now), request.params.id, request.body)),
  );

  app.get(
    '/pifu',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'Patients on patient-initiated follow-up',
        description: 'Active plans unless a status is asked for; soonest end first, open-ended last.',
        tags: ['PIFU'],
        querystring: Type.Object(
          {
            specialty: Type.Optional(Type.String({ maxLength: 10 })),
            status: Type.Optional(Status),
            kind: Type.Optional(Kind),
            pathwayId: Type.Optional(Uuid),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ asOf: IsoDate, rows: Type.Array(PlanSchema) }),
          400: problemResponse('validation_failed: a parameter is wrong (named in errors)'),
        },
      },
    },
    async (request) => listPifu(db, contextOf(request, deps.now), request.query),
  );

  app.get(
    '/pifu/:id',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'One PIFU plan',
        tags: ['PIFU'],
        params: Type.Object({ id: Uuid }),
        response: {
          200: PlanSchema,
          400: problemResponse('validation_failed: the id is not a UUID'),
          404: notFound,
        },
      },
    },
    async (request) => getPifu(db, contextOf(request, deps.now), request.params.id),
  );

  app.post(
    '/pifu/:id/requests',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'The patient asked to be seen',
        description: 'Makes a task for the booking team to book by clinical need. One task per plan per day.',
        tags: ['PIFU'],
        params: Type.Object({ id: Uuid }),
        response: {
          200: Type.Object({ plan: PlanSchema, taskId: Uuid }),
          400: problemResponse('validation_failed: the id is not a UUID'),
          404: notFound,
          409: notActive,
        },
      },
    },
    async (request) => recordPifuRequest(db, contextOf(request, deps.now), request.params.id),
  );

  app.post(
    '/pifu/:id/outcome',
    {
      config: { auth: 'Pathway.write' },
      schema: {
        summary: 'Record the clinician’s outcome for the plan',
        description:
          'continue: the window goes on to the same end. restart: the window starts again today, for the same number of months. end: the plan is closed (no discharge letters).',
        tags: ['PIFU'],
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          { outcome: Type.Union([Type.Literal('continue'), Type.Literal('restart'), Type.Literal('end')]) },
          { additionalProperties: false },
        ),
        response: {
          200: PlanSchema,
          400: problemResponse('validation_failed: the outcome is not one of continue, restart, end'),
          404: notFound,
          409: notActive,
        },
      },
    },
    async (request) =>
      recordPifuOutcome(db, contextOf(request, deps.now), request.params.id, request.body.outcome),
  );
}
