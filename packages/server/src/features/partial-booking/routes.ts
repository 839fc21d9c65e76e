/** HTTP routes for the partial-booking list: add a pathway, list, record the patient's reply, mark it booked. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { PARTIAL_BOOKING_REPLIES, PARTIAL_BOOKING_STATUSES } from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { IsoDate, IsoDateTime, Nullable, Uuid } from '../../http/schemas';
import { problemResponse } from '../openapi/problem-schema';
import {
  addPartialBooking,
  listPartialBookings,
  markPartialBookingBooked,
  replyToPartialBooking,
} from './service';

const Status = Type.Union(PARTIAL_BOOKING_STATUSES.map((s) => Type.Literal(s)));

export const ListPatientSchema = Type.Object({
  id: Uuid,
  nhsNumber: Type.String(),
  name: Type.String({ description: 'Family, Given' }),
});

const EntrySchema = Type.Object({
  id: Uuid,
  pathwayId: Uuid,
  patient: ListPatientSchema,
  specialtyCode: Type.String(),
  dueDate: IsoDate,
  latestDate: Nullable(IsoDate),
  inviteOn: IsoDate,
  invitedOn: Nullable(IsoDate),
  replyBy: Nullable(IsoDate),
  remindedOn: Nullable(IsoDate),
  repliedOn: Nullable(IsoDate),
  status: Status,
  nextStep: Type.Union(
    ['invite', 'remind', 'follow-up', 'book', 'confirm-removal', 'work-task', 'none'].map((s) =>
      Type.Literal(s),
    ),
    {
      description:
        'What happens next: the system invites, reminds or follows up; a person books, confirms or works the task',
    },
  ),
  nextStepOn: Nullable(IsoDate),
  followUpId: Nullable(Uuid),
  createdAt: IsoDateTime,
});

const notFound = problemResponse('not_found: the entry (or pathway) was not found');

export function partialBookingRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.post(
    '/partial-bookings',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'Add a pathway to the partial-booking list',
        description:
          'The patient is invited to choose a date nearer the time: the invitation goes the policy’s number of weeks before the due date (not before today), with a reply window and a reminder. A patient who does not reply stays on the list and becomes a task for the booking team.',
        tags: ['Partial booking'],
        body: Type.Object(
          {
            pathwayId: Uuid,
            dueDate: IsoDate,
            latestDate: Type.Optional(Nullable(IsoDate)),
            followUpId: Type.Optional(Nullable(Uuid)),
          },
          { additionalProperties: false },
        ),
        response: {
          201: EntrySchema,
          400: problemResponse('validation_failed: a date is wrong (named in errors)'),
          404: notFound,
          409: problemResponse('conflict: the pathway is closed or already on the list'),
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await addPartialBooking(db, contextOf(request, deps.now), request.body)),
  );

  app.get(
    '/partial-bookings',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'The partial-booking list',
        description:
          'Open entries (or those of one status), earliest due date first, with the next step and its date.',
        tags: ['Partial booking'],
        querystring: Type.Object(
          { specialty: Type.Optional(Type.String({ maxLength: 10 })), status: Type.Optional(Status) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ asOf: IsoDate, rows: Type.Array(EntrySchema) }),
          400: problemResponse('validation_failed: a parameter is wrong (named in errors)'),
        },
      },
    },
    async (request) => listPartialBookings(db, contextOf(request, deps.now), request.query),
  );

  app.post(
    '/partial-bookings/:id/reply',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'Record the patient’s reply to the invitation',
        description:
          'will-book: the clerk books in the usual way. postpone: with a new due date the patient is invited again nearer it (a delay over 6 weeks also goes to clinical review). no-longer-needed: a clinician is asked to confirm the removal; the patient stays on the list until then.',
        tags: ['Partial booking'],
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            reply: Type.Union(PARTIAL_BOOKING_REPLIES.map((r) => Type.Literal(r))),
            dueDate: Type.Optional(Nullable(IsoDate)),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ entry: EntrySchema, taskIds: Type.Array(Uuid) }),
          400: problemResponse('validation_failed: a field is wrong (named in errors)'),
          404: notFound,
          409: problemResponse('conflict: the entry is already booked or closed'),
        },
      },
    },
    async (request) =>
      replyToPartialBooking(db, contextOf(request, deps.now), request.params.id, request.body),
  );

  app.post(
    '/partial-bookings/:id/booked',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'Mark the entry booked',
        description:
          'The appointment booked for it (on the same pathway, booked). The invitation chain stops. (A job that finds a booking made since the entry was added also marks it booked.)',
        tags: ['Partial booking'],
        params: Type.Object({ id: Uuid }),
        body: Type.Object({ appointmentId: Uuid }, { additionalProperties: false }),
        response: {
          200: EntrySchema,
          400: problemResponse('validation_failed: the appointment is not a booked one on this pathway'),
          404: notFound,
          409: problemResponse('conflict: the entry is closed'),
        },
      },
    },
    async (request) =>
      markPartialBookingBooked(
        db,
        contextOf(request, deps.now),
        request.params.id,
        request.body.appointmentId,
      ),
  );
}
