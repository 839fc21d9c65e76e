/**
 * Declined offers on a pathway over HTTP: record one (a date, or one of our slots), and read them back with
 * their counts, the date a second offer should be by, and whether active monitoring may be considered.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  DECLINED_REASONABLE_OFFERS_FOR_ACTIVE_MONITORING,
  REASONABLE_OFFER_MIN_DAYS,
  SECOND_OFFER_WINDOW_DAYS,
} from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { problemResponse } from '../openapi/problem-schema';
import { listDeclinedOffers, recordDeclinedOffer } from './service';
import { Nullable, Uuid } from '../../http/schemas';

const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD, a London date' });

const OfferSchema = Type.Object({
  id: Uuid,
  pathwayId: Uuid,
  slotId: Nullable(Uuid),
  offeredFor: IsoDate,
  offeredOn: IsoDate,
  noticeDays: Type.Integer({ description: 'Days from the offer being made to the date offered' }),
  reasonableOffer: Type.Boolean({
    description: `At least ${REASONABLE_OFFER_MIN_DAYS} days' notice (§1.5)`,
  }),
  reason: Type.String(),
  recordedBy: Type.String(),
  recordedAt: Type.String({ format: 'date-time' }),
});

const summaryProperties = {
  pathwayId: Uuid,
  offers: Type.Array(OfferSchema, { description: 'Earliest offer first' }),
  counts: Type.Object({
    declined: Type.Integer({ minimum: 0 }),
    declinedReasonable: Type.Integer({
      minimum: 0,
      description: 'Of those, offers with reasonable notice: only these count towards active monitoring',
    }),
  }),
  firstDeclinedFor: Nullable(IsoDate),
  secondOfferBy: Nullable(
    Type.String({
      format: 'date',
      description: `After a first declined date, the second offer should be for a date on or before this (${SECOND_OFFER_WINDOW_DAYS} days later, §1.4)`,
    }),
  ),
  secondOfferWithinSixWeeks: Nullable(
    Type.Boolean({ description: 'Whether the second declined offer was within 6 weeks of the first' }),
  ),
  activeMonitoring: Type.Object(
    {
      mayBeConsidered: Type.Boolean(),
      message: Type.String(),
    },
    {
      description: `After ${DECLINED_REASONABLE_OFFERS_FOR_ACTIVE_MONITORING} declined reasonable offers a clinician may consider active monitoring with the patient's agreement. Nothing is recorded automatically.`,
    },
  ),
};

const SummarySchema = Type.Object(summaryProperties);
const notFound = problemResponse('not_found: the pathway (or the slot named in slotId) was not found');

export function offerRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/pathways/:id/declined-offers',
    {
      config: { auth: 'Appointment.read' },
      schema: {
        summary: 'Offers the patient has declined on a pathway, with their counts',
        tags: ['Booking'],
        params: Type.Object({ id: Uuid }),
        response: {
          200: SummarySchema,
          400: problemResponse('validation_failed: the id is not a UUID'),
          404: notFound,
        },
      },
    },
    async (request) => listDeclinedOffers(db, contextOf(request, deps.now), request.params.id),
  );

  app.post(
    '/pathways/:id/declined-offers',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'Record an offer the patient declined',
        description: `Give the date offered (offeredFor) or the slot offered (slotId, one of ours), the day the offer was made (offeredOn, today unless given) and the patient's reason. The notice in days and whether it was reasonable (${REASONABLE_OFFER_MIN_DAYS} days or more) are recorded. Answers with the pathway's declined offers as they now stand.`,
        tags: ['Booking'],
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            offeredFor: Type.Optional(IsoDate),
            slotId: Type.Optional(Uuid),
            offeredOn: Type.Optional(IsoDate),
            reason: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ ...summaryProperties, recorded: OfferSchema }),
          400: problemResponse(
            'validation_failed: offeredOn is after the date offered or after today, neither or both of offeredFor and slotId, or a field is wrong',
          ),
          404: notFound,
          409: problemResponse('conflict: the pathway is closed'),
          422: problemResponse('booking_rule_violation: the slot is in another specialty'),
        },
      },
    },
    async (request, reply) => {
      const result = await recordDeclinedOffer(
        db,
        contextOf(request, deps.now),
        request.params.id,
        request.body,
      );
      return reply.code(201).send(result);
    },
  );
}
