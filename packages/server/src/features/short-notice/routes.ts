/**
 * Short-notice offers over HTTP: the offers and their candidates, a reply recorded by a clerk, and a reply
 * received by SMS (standing in for GOV.UK Notify's received-text callback).
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { problemResponse } from '../openapi/problem-schema';
import { IsoDateTime, Nullable, Uuid } from '../../http/schemas';
import { CANDIDATE_STATUSES, OFFER_STATUSES } from './service';
import { getShortNoticeOffer, listShortNoticeOffers } from './views';
import { receiveSmsReply, replyToOffer } from './replies';

const literals = (values: readonly string[], description: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { description },
  );

const CandidateSchema = Type.Object({
  id: Uuid,
  rank: Type.Integer({ minimum: 1, description: 'Their turn: 1 is asked first' }),
  pathwayId: Uuid,
  patientId: Uuid,
  name: Type.String({ description: 'Family name, given name' }),
  nhsNumber: Type.String(),
  channel: literals(
    ['sms', 'call'],
    'sms: a text with a YES/NO reply; call: a call task for the booking team',
  ),
  status: literals(
    CANDIDATE_STATUSES,
    'waiting (not asked yet), offered (asked now, until expiresAt), accepted, declined (never counts against the patient), expired, skipped (no longer suitable, or the offer closed)',
  ),
  offeredAt: Nullable(IsoDateTime),
  expiresAt: Nullable(IsoDateTime),
  repliedAt: Nullable(IsoDateTime),
  taskId: Nullable(Uuid),
});

const OfferSchema = Type.Object({
  id: Uuid,
  status: literals(
    OFFER_STATUSES,
    'open (a patient is being asked), accepted (booked), exhausted (nobody took it), withdrawn (the slot went another way)',
  ),
  slot: Type.Object({
    id: Uuid,
    startsAt: IsoDateTime,
    endsAt: IsoDateTime,
    slotType: Type.String(),
    specialtyCode: Type.String(),
    specialtyName: Nullable(Type.String()),
  }),
  appointmentId: Nullable(Uuid),
  createdAt: IsoDateTime,
  closedAt: Nullable(IsoDateTime),
  currentCandidateId: Nullable(Uuid),
  candidates: Type.Array(CandidateSchema, { description: 'In turn' }),
});

const Reply = Type.Union([Type.Literal('accept'), Type.Literal('decline')], {
  description: 'The patient’s answer',
});
const replyErrors = {
  400: problemResponse('validation_failed: a field is missing or wrong (named in errors)'),
  409: problemResponse(
    'conflict: the offer is closed, this patient is not the one being asked now, their offer has expired, the slot was taken meanwhile (the offer is withdrawn), or the patient could not be booked (the next is asked)',
  ),
};

export function shortNoticeRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/short-notice-offers',
    {
      config: { auth: 'Appointment.read' },
      schema: {
        summary: 'Short-notice offers of freed slots, open ones first',
        description:
          'A slot freed inside the reasonable-notice window is offered in turn to patients who can come at short notice. Each offer lists its candidates in turn with their status.',
        tags: ['Booking'],
        querystring: Type.Object(
          {
            status: Type.Optional(
              Type.Union(
                [
                  Type.Literal('open'),
                  Type.Literal('accepted'),
                  Type.Literal('exhausted'),
                  Type.Literal('withdrawn'),
                ],
                { description: 'Only offers with this status' },
              ),
            ),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 0 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ offers: Type.Array(OfferSchema) }),
          400: problemResponse('validation_failed: a parameter is wrong (named in errors)'),
        },
      },
    },
    async (request) => listShortNoticeOffers(db, contextOf(request, deps.now), request.query),
  );

  app.get(
    '/short-notice-offers/:id',
    {
      config: { auth: 'Appointment.read' },
      schema: {
        summary: 'A short-notice offer and its candidates',
        tags: ['Booking'],
        params: Type.Object({ id: Uuid }),
        response: {
          200: OfferSchema,
          400: problemResponse('validation_failed: the id is not a UUID'),
          404: problemResponse('not_found: the offer was not found'),
        },
      },
    },
    async (request) => getShortNoticeOffer(db, contextOf(request, deps.now), request.params.id),
  );

  app.post(
    '/short-notice-offers/:id/candidates/:candidateId/reply',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'Record a patient’s reply to a short-notice offer',
        description:
          'For the patient being asked now. accept books them into the slot (a short-notice date is not a reasonable offer, and that is recorded); decline offers the slot to the next patient and is not recorded against the patient in any way.',
        tags: ['Booking'],
        params: Type.Object({ id: Uuid, candidateId: Uuid }),
        body: Type.Object({ reply: Reply }, { additionalProperties: false }),
        response: {
          200: OfferSchema,
          ...replyErrors,
          404: problemResponse('not_found: the offer, or this candidate of it, was not found'),
        },
      },
    },
    async (request) =>
      replyToOffer(
        db,
        contextOf(request, deps.now),
        request.params.id,
        request.params.candidateId,
        request.body.reply,
      ),
  );

  app.post(
    '/short-notice-offers/sms-replies',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'Record a reply to a short-notice offer received by SMS',
        description:
          'For the SMS provider’s received-text callback: the number the reply came from and its text, YES or NO (any case, any spaces). It is matched to the patient offered a slot by SMS at that number now.',
        tags: ['Booking'],
        body: Type.Object(
          {
            phone: Type.String({ minLength: 1, maxLength: 30 }),
            text: Type.String({ maxLength: 1000 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ offerId: Uuid, candidateId: Uuid, reply: Reply, offer: OfferSchema }),
          ...replyErrors,
          404: problemResponse('not_found: no offer is waiting for a reply from this number'),
        },
      },
    },
    async (request) => receiveSmsReply(db, contextOf(request, deps.now), request.body),
  );
}
