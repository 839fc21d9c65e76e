/** HTTP routes for the follow-up list: the list with overdue flags, and setting a follow-up's LCAD. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { IsoDate, IsoDateTime, Nullable, Uuid } from '../../http/schemas';
import { problemResponse } from '../openapi/problem-schema';
import { ListPatientSchema } from '../partial-booking/routes';
import { listFollowUps, setFollowUpLatestDate } from './service';

const FollowUpSchema = Type.Object({
  id: Uuid,
  pathwayId: Uuid,
  patient: ListPatientSchema,
  specialtyCode: Type.String(),
  slotType: Type.String(),
  dueDate: IsoDate,
  latestDate: Nullable(IsoDate),
  overdue: Type.Boolean({
    description: 'Today is after the LCAD, or after the due date when there is no LCAD',
  }),
  daysOverdue: Type.Integer({ minimum: 0 }),
  pastLatest: Type.Boolean(),
  status: Type.String(),
  createdAt: IsoDateTime,
});

export function followUpRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/follow-ups',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'The follow-up list',
        description:
          'Waiting follow-ups: overdue first, then most days overdue, then earliest due date. Overdue means today is after the latest clinically appropriate date (or the due date when there is none). An overdue follow-up starts no RTT clock.',
        tags: ['Follow-ups'],
        querystring: Type.Object(
          {
            specialty: Type.Optional(Type.String({ maxLength: 10 })),
            overdue: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ asOf: IsoDate, rows: Type.Array(FollowUpSchema) }),
          400: problemResponse('validation_failed: a parameter is wrong (named in errors)'),
        },
      },
    },
    async (request) => listFollowUps(db, contextOf(request, deps.now), request.query),
  );

  app.post(
    '/follow-ups/:id/latest-date',
    {
      config: { auth: 'Pathway.write' },
      schema: {
        summary: 'Set the latest clinically appropriate date of a follow-up',
        description: 'On or after the due date; null clears it.',
        tags: ['Follow-ups'],
        params: Type.Object({ id: Uuid }),
        body: Type.Object({ latestDate: Nullable(IsoDate) }, { additionalProperties: false }),
        response: {
          200: FollowUpSchema,
          400: problemResponse('validation_failed: the date is wrong'),
          404: problemResponse('not_found: no such follow-up'),
          409: problemResponse('conflict: the follow-up is no longer waiting'),
        },
      },
    },
    async (request) =>
      setFollowUpLatestDate(db, contextOf(request, deps.now), request.params.id, request.body.latestDate),
  );
}
