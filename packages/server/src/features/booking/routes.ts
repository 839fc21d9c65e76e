/**
 * Booking over HTTP: hold a place in a slot, book, cancel and reschedule appointments, and the patients next
 * in turn for a slot. The booking POSTs take an `Idempotency-Key` header: a retried request books once and
 * gets the same answer (with `idempotent-replayed: true`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
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
import { letterPreview } from './letter-preview';
import { recordDnaDecision } from './dna';
import { recordAttendance, recordOutcome } from './outcome';
import { ATTENDANCE_STATUSES, CLINIC_OUTCOMES, SLOT_TYPES, SURGICAL_PRIORITIES } from '@pathflow/core';
import { Nullable, Uuid } from '../../http/schemas';

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
  providerMove: Nullable(
    Type.String({
      description:
        'When the hospital moved it here: postponement (to within 24 hours of the original, once) or cancellation (§2.4)',
    }),
  ),
  bookedBy: Type.String(),
  bookedAt: Type.String({ format: 'date-time' }),
});

const LabelValue = Type.Object({ label: Type.String(), value: Type.String() });
/** A letter's content as it is printed (core `LetterContent`). */
const LetterSchema = Type.Object({
  trust: Type.Object({
    name: Type.String(),
    department: Type.String(),
    addressLines: Type.Array(Type.String()),
    phone: Type.String(),
    website: Type.String(),
  }),
  recipient: Type.Object({ name: Type.String(), addressLines: Type.Array(Type.String()) }),
  date: Type.String({ format: 'date' }),
  references: Type.Array(LabelValue),
  heading: Type.String(),
  paragraphs: Type.Array(Type.String()),
  appointment: Type.Optional(Type.Array(LabelValue)),
  preparation: Type.Optional(Type.Array(Type.String())),
  changeOrCancel: Type.Optional(Type.String()),
  format: Type.String(),
  handling: Type.Optional(Type.Array(Type.String())),
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

  app.post(
    '/appointments/letter-preview',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'Preview the letter booking this slot would send, without booking',
        description:
          "What `POST /appointments` would queue for the pathway and slot, rendered as delivery will render it: the letter (laid out as printed, in the format the patient's needs call for), the SMS and email that follow it, and the channels that would not be used and why. The slot and pathway are checked as booking checks them (closed, started, full, wrong specialty or type, already booked). Nothing is saved; audited as a read of the patient's record.",
        tags: ['Booking'],
        body: Type.Object({ pathwayId: Uuid, slotId: Uuid }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            pathwayId: Uuid,
            slotId: Uuid,
            kind: Type.Literal('appointment-booked'),
            noticeDays: Type.Integer(),
            reasonable: Type.Boolean({ description: 'At least 21 days’ notice (§1.5)' }),
            recipient: Type.Object({ name: Type.String(), addressLines: Type.Array(Type.String()) }),
            letter: Nullable(LetterSchema),
            messages: Type.Array(
              Type.Object({
                channel: Type.String(),
                format: Type.String(),
                to: Nullable(Type.String()),
                subject: Nullable(Type.String()),
                body: Nullable(Type.String()),
                missingFields: Type.Array(Type.String()),
              }),
            ),
            notSent: Type.Array(Type.Object({ channel: Type.String(), reason: Type.String() })),
          }),
          ...bookingErrors,
        },
      },
    },
    async (request) => letterPreview(db, contextOf(request, deps.now), request.body),
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
          "The RTT clock carries on (a cancellation has no effect on it); the place goes back to the slot. The access policy follows: a patient's repeated cancellations, or a delay asked for beyond 6 weeks, go to clinical review; a hospital cancellation puts a rebooking task on the booking team's queue (within 28 days for an operation cancelled on the day). Interpreter and transport requests are cancelled, reminders withdrawn, and the freed place may be offered at short notice.",
        tags: ['Booking'],
        params: Params,
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            by: By,
            reason: Reason,
            requestedDelayDays: Type.Optional(
              Type.Union([
                Type.Integer({
                  minimum: 1,
                  maximum: 730,
                  description: 'A patient cancelling to wait longer: the days of delay they asked for',
                }),
                Type.Null(),
              ]),
            ),
          },
          { additionalProperties: false },
        ),
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

  app.post(
    '/appointments/:id/attendance',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'Record whether the patient arrived, attended, did not attend or was cancelled on the day',
        description:
          'A missed first appointment records RTT status 33 with the evidence that the appointment was communicated (appointmentCommunicated, required for a DNA): the engine nullifies the clock when it was communicated, and keeps a two-week-wait clock running. On or after the appointment day only.',
        tags: ['Booking'],
        params: Params,
        body: Type.Object(
          {
            status: Type.Union(ATTENDANCE_STATUSES.map((s) => Type.Literal(s))),
            appointmentCommunicated: Type.Optional(Type.Boolean()),
            note: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: AppointmentSchema,
          404: problemResponse('The appointment was not found'),
          409: problemResponse('The appointment is not in a state that allows this'),
          422: problemResponse(
            'booking_rule_violation: did not attend before the appointment started (RECEPTION-dna-before-start); rtt_rule_violation: the RTT engine refuses the status this implies',
          ),
        },
      },
    },
    async (request) => recordAttendance(db, contextOf(request, deps.now), request.params.id, request.body),
  );

  app.post(
    '/appointments/:id/dna-decision',
    {
      config: { auth: 'Pathway.write' },
      schema: {
        summary: 'A clinician decides what follows a missed appointment: discharge or rebook',
        description:
          "§2.2: discharge closes the pathway (RTT status 34 when a clock still runs) and queues letters to the patient and their GP; for a child or vulnerable adult only once a safeguarding review has agreed discharge. Rebook starts a new clock on the decision date when the missed first appointment nullified the first (EX-RTT-07) and puts a rebooking task on the booking team's queue. Completes the review or decision tasks the DNA made. Clinicians only.",
        tags: ['Booking'],
        params: Params,
        body: Type.Object(
          {
            decision: Type.Union([Type.Literal('discharge'), Type.Literal('rebook')]),
            note: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            appointmentId: Uuid,
            decision: Type.String(),
            pathwayClosed: Type.Boolean(),
            newClockStart: Nullable(Type.String({ format: 'date' })),
            tasksCompleted: Type.Integer({ minimum: 0 }),
          }),
          403: problemResponse('forbidden: only a clinician can decide'),
          404: problemResponse('The appointment was not found'),
          409: problemResponse('The appointment is not a DNA, or the pathway is closed'),
          422: problemResponse('booking_rule_violation: discharge needs a safeguarding review first'),
        },
      },
    },
    async (request) => recordDnaDecision(db, contextOf(request, deps.now), request.params.id, request.body),
  );

  app.post(
    '/appointments/:id/outcome',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'Record the clinic outcome of an attended appointment',
        description:
          'discharge (RTT 34; the pathway closes), follow-up in followUpWeeks weeks (20; onto the follow-up list), add-to-admitted-list with admittedPriority P1a–P4 (20; onto the admitted waiting list with its target date), treatment-started (30), active-monitoring (31 patient-initiated, 32 clinician-initiated). After the clock has stopped, a follow-up or a discharge records no RTT status.',
        tags: ['Booking'],
        params: Params,
        body: Type.Object(
          {
            outcome: Type.Union(CLINIC_OUTCOMES.map((o) => Type.Literal(o))),
            followUpWeeks: Type.Optional(Type.Integer({ minimum: 1, maximum: 104 })),
            followUpSlotType: Type.Optional(Type.Union(SLOT_TYPES.map((t) => Type.Literal(t)))),
            admittedPriority: Type.Optional(Type.Union(SURGICAL_PRIORITIES.map((p) => Type.Literal(p)))),
            procedure: Type.Optional(Type.String({ maxLength: 200 })),
            activeMonitoringBy: Type.Optional(
              Type.Union([Type.Literal('patient'), Type.Literal('clinician')]),
            ),
            note: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            appointment: AppointmentSchema,
            rttCode: Nullable(Type.String()),
            followUp: Nullable(
              Type.Object({ id: Uuid, dueDate: Type.String({ format: 'date' }), slotType: Type.String() }),
            ),
            admittedListEntry: Nullable(
              Type.Object({
                id: Uuid,
                priority: Type.String(),
                dueBy: Nullable(Type.String({ format: 'date' })),
              }),
            ),
            pathwayClosed: Type.Boolean(),
          }),
          404: problemResponse('The appointment was not found'),
          409: problemResponse('The appointment was not attended, or already has its outcome'),
          422: problemResponse(
            'rtt_rule_violation or booking_rule_violation: the outcome breaks an RTT rule or needs a running clock',
          ),
        },
      },
    },
    async (request) => recordOutcome(db, contextOf(request, deps.now), request.params.id, request.body),
  );
}
