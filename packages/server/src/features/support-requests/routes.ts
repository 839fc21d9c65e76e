/** Interpreter and transport requests over HTTP: the list (by appointment, patient, status) and "booked". */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { problemResponse } from '../openapi/problem-schema';
import { Nullable, Uuid } from '../../http/schemas';
import { listSupportRequests, markSupportBooked, supportRequestView } from './service';

const Kind = Type.Union([Type.Literal('interpreter'), Type.Literal('transport')]);
const Status = Type.Union([Type.Literal('needed'), Type.Literal('booked'), Type.Literal('cancelled')]);

const SupportRequestSchema = Type.Object({
  id: Uuid,
  kind: Kind,
  appointmentId: Uuid,
  patientId: Uuid,
  language: Nullable(Type.String({ description: 'The language to interpret, for an interpreter' })),
  startsAt: Type.String({ format: 'date-time' }),
  status: Status,
  reference: Nullable(Type.String({ description: "The supplier's booking reference" })),
  taskId: Nullable(Uuid),
  updatedAt: Type.String({ format: 'date-time' }),
});

export function supportRequestRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/support-requests',
    {
      config: { auth: 'Appointment.read' },
      schema: {
        summary: 'Interpreter and transport requests for appointments',
        description:
          'Made when an appointment is booked for a patient who needs an interpreter or is eligible for transport; moved and cancelled with the appointment.',
        tags: ['Appointments'],
        querystring: Type.Object(
          {
            appointmentId: Type.Optional(Uuid),
            patientId: Type.Optional(Uuid),
            status: Type.Optional(Status),
            kind: Type.Optional(Kind),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ requests: Type.Array(SupportRequestSchema) }),
          400: problemResponse('validation_failed: a filter is not valid'),
        },
      },
    },
    async (request) => ({
      requests: await listSupportRequests(db, contextOf(request, deps.now), request.query),
    }),
  );

  app.post(
    '/support-requests/:id/booked',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'Record that the interpreter or transport is booked',
        description:
          'Completes the task to book it. A request that was cancelled (or is already booked) is refused.',
        tags: ['Appointments'],
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            reference: Type.String({ minLength: 1, maxLength: 100, description: "The supplier's reference" }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: SupportRequestSchema,
          400: problemResponse('validation_failed: the reference is missing'),
          404: problemResponse('not_found: no such request'),
          409: problemResponse('conflict: the request is cancelled or already booked'),
        },
      },
    },
    async (request) =>
      supportRequestView(
        await markSupportBooked(db, contextOf(request, deps.now), request.params.id, request.body.reference),
      ),
  );
}
