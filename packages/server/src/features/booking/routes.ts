/**
 * Booking over HTTP: hold a place in a slot, book, cancel and reschedule appointments, and the patients next
 * in turn for a slot. The booking POSTs take an `Idempotency-Key` header: a retried request books once and
 * gets the same answer (with `idempotent-replayed: true`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RouteDeps } from '../../app';
import type { Database } from '../../db/client';
import type { RequestContext } from '../../auth/principal';
import { contextOf } from '../../http/auth';
import { problemResponse } from '../openapi/problem-schema';
import { idempotencyKeyOf, idempotent, requestHash } from './idempotency';
import {
  CANCELLED_BY,
  DEFAULT_HOLD_MINUTES,
  MAX_HOLD_MINUTES,
  bookInTx,
  cancelAppointmentInTx,
  getAppointment,
  holdSlot,
  rescheduleInTx,
} from './service';
import { nextInTurn } from './in-turn';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Uuid = Type.String({ format: 'uuid' });
const Params = Type.Object({ id: Uuid });
const Reason = Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' });
const By = Type.Union(
  CANCELLED_BY.map((b) => Type.Literal(b)),
  { description: 'Who cancelled: the patient or the hospital' },
);

const AppointmentSchema = Type.Object({
  id: Uuid,
  slotId: Uuid,
  pathwayId: Uuid,
  patientId: Uuid,
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  slotType: Type.String(),
  status: Type.String(),
  offeredOn: Type.String({ format: 'date' }),
  noticeDays: Type.Integer({ description: 'Days between the offer and the appointment' }),
  reasonableOffer: Type.Boolean({ description: 'At least 21 days’ notice (§1.5)' }),
  outOfTurnReason: Nullable(Type.String()),
  replacesId: Nullable(Uuid),
  cancelledBy: Nullable(Type.String()),
  cancelReason: Nullable(Type.String()),
  bookedBy: Type.String(),
  bookedAt: Type.String({ format: 'date-time' }),
});

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ description: 'Any unique string (a UUID): a retried request with it books only once' }),
  ),
});

const bookingErrors = {
  404: problemResponse('The slot, pathway or appointment was not found'),
  409: problemResponse(
    'slot_unavailable: the slot is full or its clinic cancelled; conflict: the patient already has an appointment then, or the pathway one booked',
  ),
  422: problemResponse(
    'booking_rule_violation: the slot does not suit the pathway, has started, or patients are due before this one (give outOfTurnReason); idempotency_key_reused',
  ),
};

/** Runs a booking write once per Idempotency-Key, and answers with its status and body. */
async function answerOnce<T>(
  db: Database,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: RequestContext,
  status: number,
  work: (tx: Database) => Promise<T>,
) {
  const key = idempotencyKeyOf(request.headers['idempotency-key']);
  const hash = requestHash(request.method, request.url.split('?')[0] ?? request.url, request.body);
  const answer = await idempotent(db, ctx, key, hash, async (tx) => ({ status, body: await work(tx) }));
  if (answer.replayed) void reply.header('idempotent-replayed', 'true');
  return reply.code(answer.status).send(answer.body);
}

export function bookingRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.post(
    '/slots/:id/holds',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'Hold a place in a slot while the date is agreed with the patient',
        description: `The place counts against the slot's capacity until it is booked or the hold expires (${DEFAULT_HOLD_MINUTES} minutes unless minutes is given).`,
        tags: ['Booking'],
        params: Params,
        body: Type.Object(
          {
            pathwayId: Uuid,
            minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_HOLD_MINUTES })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            id: Uuid,
            slotId: Uuid,
            pathwayId: Uuid,
            expiresAt: Type.String({ format: 'date-time' }),
          }),
          ...bookingErrors,
        },
      },
    },
    async (request, reply) => {
      const hold = await holdSlot(db, contextOf(request, deps.now), {
        slotId: request.params.id,
        ...request.body,
      });
      return reply.code(201).send(hold);
    },
  );

  app.post(
    '/appointments',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'Book an appointment',
        description:
          'Books the pathway into the slot, never beyond its capacity. The slot must suit the pathway (new patients into new slots, urgent into urgent new or new, two-week wait into two-week-wait or urgent new, procedure clinics into procedure slots, follow-ups into follow-up slots); a patient is never in two overlapping appointments; a pathway has one booked appointment at a time. Booking a first appointment ahead of patients due before this one needs outOfTurnReason. The notice given and whether the offer is reasonable (21 days or more) are recorded.',
        tags: ['Booking'],
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            slotId: Uuid,
            pathwayId: Uuid,
            holdId: Type.Optional(Uuid),
            outOfTurnReason: Type.Optional(Reason),
          },
          { additionalProperties: false },
        ),
        response: { 201: AppointmentSchema, ...bookingErrors },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request, deps.now);
      return answerOnce(db, request, reply, ctx, 201, (tx) => bookInTx(tx, ctx, request.body));
    },
  );

  app.get(
    '/appointments/:id',
    {
      config: { auth: 'Appointment.read' },
      schema: {
        summary: 'An appointment',
        tags: ['Booking'],
        params: Params,
        response: { 200: AppointmentSchema },
      },
    },
    async (request) => getAppointment(db, contextOf(request, deps.now), request.params.id),
  );

  app.post(
    '/appointments/:id/cancel',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'Cancel an appointment, by the patient or the hospital',
        description:
          'The RTT clock carries on (a cancellation has no effect on it); the place goes back to the slot.',
        tags: ['Booking'],
        params: Params,
        headers: IdempotencyHeaders,
        body: Type.Object({ by: By, reason: Reason }, { additionalProperties: false }),
        response: { 200: AppointmentSchema, ...bookingErrors },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request, deps.now);
      return answerOnce(db, request, reply, ctx, 200, (tx) =>
        cancelAppointmentInTx(tx, ctx, request.params.id, request.body),
      );
    },
  );

  app.post(
    '/appointments/:id/reschedule',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'Move an appointment to another slot',
        description:
          'Books the new slot and frees the old one in one transaction; the answer is the new appointment (replacesId is the old one).',
        tags: ['Booking'],
        params: Params,
        headers: IdempotencyHeaders,
        body: Type.Object(
          { slotId: Uuid, by: By, reason: Reason, outOfTurnReason: Type.Optional(Reason) },
          { additionalProperties: false },
        ),
        response: { 201: AppointmentSchema, ...bookingErrors },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request, deps.now);
      return answerOnce(db, request, reply, ctx, 201, (tx) =>
        rescheduleInTx(tx, ctx, request.params.id, request.body),
      );
    },
  );

  app.get(
    '/slots/:id/in-turn',
    {
      config: { auth: 'Appointment.read' },
      schema: {
        summary: 'The patients next in turn for a slot',
        description:
          'Waiting pathways the slot suits for a first appointment, in turn: clinical priority (two-week wait, urgent, routine), then earliest 18-week breach date, then earliest referral. Each patient listed is audited.',
        tags: ['Booking'],
        params: Params,
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            slotId: Uuid,
            patients: Type.Array(
              Type.Object({
                pathwayId: Uuid,
                patientId: Uuid,
                nhsNumber: Type.String(),
                name: Type.String(),
                priority: Type.String(),
                clockStart: Type.String({ format: 'date' }),
                breachDate: Type.String({ format: 'date', description: 'The 18-week breach date' }),
                referralReceived: Type.String({ format: 'date' }),
              }),
            ),
          }),
        },
      },
    },
    async (request) => nextInTurn(db, contextOf(request, deps.now), request.params.id, request.query.limit),
  );
}
