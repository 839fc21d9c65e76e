/**
 * A patient's stated unavailability over HTTP: list, record and remove periods. Booking in turn leaves the
 * patient out for slots on those dates.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { problemResponse } from '../openapi/problem-schema';
import { addUnavailability, listUnavailability, removeUnavailability } from './service';
import { IsoDateTime, Nullable, Uuid } from '../../http/schemas';

const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD, a London date' });

const PeriodSchema = Type.Object({
  id: Uuid,
  patientId: Uuid,
  from: IsoDate,
  to: IsoDate,
  days: Type.Integer({ minimum: 1, description: 'Days in the period, counting both ends' }),
  reason: Type.String(),
  recordedBy: Type.String(),
  recordedAt: IsoDateTime,
  removedBy: Nullable(Type.String()),
  removedAt: Nullable(IsoDateTime),
});

const notFound = problemResponse('not_found: the patient (or the period) was not found');

export function unavailabilityRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/patients/:id/unavailability',
    {
      config: { auth: 'Appointment.read' },
      schema: {
        summary: 'The dates a patient has said they cannot come in',
        description:
          'Periods the patient is unavailable, earliest first. Removed periods are left out unless includeRemoved=true. Book in turn leaves the patient out for slots on these dates.',
        tags: ['Booking'],
        params: Type.Object({ id: Uuid }),
        querystring: Type.Object(
          { includeRemoved: Type.Optional(Type.Boolean({ default: false })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ patientId: Uuid, today: IsoDate, periods: Type.Array(PeriodSchema) }),
          400: problemResponse('validation_failed: a parameter is wrong (named in errors)'),
          404: notFound,
        },
      },
    },
    async (request) =>
      listUnavailability(
        db,
        contextOf(request, deps.now),
        request.params.id,
        request.query.includeRemoved ?? false,
      ),
  );

  app.post(
    '/patients/:id/unavailability',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'Record dates a patient cannot come in',
        description:
          'From and to are London dates, both included. The period must end today or later and be at most a year long (365 days, or 366 over 29 February).',
        tags: ['Booking'],
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            from: IsoDate,
            to: IsoDate,
            reason: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: PeriodSchema,
          400: problemResponse(
            'validation_failed: a date is wrong (to before from, all in the past, longer than allowed) or a field is missing',
          ),
          404: notFound,
        },
      },
    },
    async (request, reply) => {
      const period = await addUnavailability(
        db,
        contextOf(request, deps.now),
        request.params.id,
        request.body,
      );
      return reply.code(201).send(period);
    },
  );

  app.delete(
    '/patients/:id/unavailability/:periodId',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'Remove a period of unavailability',
        description:
          'The period is kept, marked with who removed it and when; the patient is in turn again on its dates. Removing a period already removed changes nothing.',
        tags: ['Booking'],
        params: Type.Object({ id: Uuid, periodId: Uuid }),
        response: {
          200: PeriodSchema,
          400: problemResponse('validation_failed: an id is not a UUID'),
          404: notFound,
        },
      },
    },
    async (request) =>
      removeUnavailability(db, contextOf(request, deps.now), request.params.id, request.params.periodId),
  );
}
