/**
 * Waiting-list validation (spec §2.6) over the API: who is due today, batches of patients to contact, and the
 * work on each contact. HTTP in, plain calls on the validation service out.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { problemResponse } from '../openapi/problem-schema';
import {
  BatchDetail,
  BatchList,
  BatchListQuery,
  BatchParams,
  ContactParams,
  ContactView,
  DecisionBody,
  DuePage,
  DueQuery,
  NewBatchBody,
  ReplyBody,
  SentBody,
} from './schemas';
import {
  createBatch,
  duePage,
  getBatch,
  listBatches,
  recordDecision,
  recordReminder,
  recordReply,
  recordSent,
} from './service';

const TAGS = ['Waiting list'];
const CONTACT = '/validation/batches/:batchId/contacts/:pathwayId';

const contactResponses = (conflict: string) => ({
  200: ContactView,
  404: problemResponse('There is no such batch, or the pathway is not in it'),
  409: problemResponse(`Out of order: ${conflict}. Code conflict; nothing is changed`),
});

export function validationRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/validation/due',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'Pathways due for waiting-list validation today, longest waiters first',
        description:
          'Open pathways with a running RTT clock that reach 12, 26 or 52 weeks without a validation since, or that have had no contact with the patient for 12 weeks (spec §2.6). Today is the date in London. Each row says whether the pathway is already in an unfinished validation contact. Each patient listed is recorded in the audit log.',
        tags: TAGS,
        querystring: DueQuery,
        response: { 200: DuePage },
      },
    },
    async (request) => duePage(db, contextOf(request, deps.now), request.query),
  );

  app.post(
    '/validation/batches',
    {
      config: { auth: 'Pathway.write' },
      schema: {
        summary: 'Draw a batch of due pathways for administrative validation',
        description:
          'Takes up to `size` of the longest-waiting pathways due today that are not already in an unfinished validation contact, each as a contact to make.',
        tags: TAGS,
        body: NewBatchBody,
        response: {
          201: BatchDetail,
          422: problemResponse('No pathway is due that is not already being validated: code nothing_due'),
        },
      },
    },
    async (request, reply) => {
      const batch = await createBatch(db, contextOf(request, deps.now), request.body);
      return reply.code(201).header('location', `/api/v1/validation/batches/${batch.id}`).send(batch);
    },
  );

  app.get(
    '/validation/batches',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'Validation batches, newest first, with their contacts counted by status',
        tags: TAGS,
        querystring: BatchListQuery,
        response: { 200: BatchList },
      },
    },
    async (request) => listBatches(db, contextOf(request, deps.now), request.query),
  );

  app.get(
    '/validation/batches/:id',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'A validation batch: each contact, where it has got to and what to do next',
        description: 'Each patient shown is recorded in the audit log.',
        tags: TAGS,
        params: BatchParams,
        response: { 200: BatchDetail, 404: problemResponse('There is no such batch in your organisation') },
      },
    },
    async (request) => getBatch(db, contextOf(request, deps.now), request.params.id),
  );

  app.post(
    `${CONTACT}/sent`,
    {
      config: { auth: 'Pathway.write' },
      schema: {
        summary: 'Record that the patient was contacted to ask whether they still need treatment',
        tags: TAGS,
        params: ContactParams,
        body: SentBody,
        response: contactResponses('the contact was already sent, or the validation is finished'),
      },
    },
    async (request) =>
      recordSent(
        db,
        contextOf(request, deps.now),
        request.params.batchId,
        request.params.pathwayId,
        request.body,
      ),
  );

  app.post(
    `${CONTACT}/reminder`,
    {
      config: { auth: 'Pathway.write' },
      schema: {
        summary: 'Record a reminder, or another way of contacting the patient, after 14 days without a reply',
        tags: TAGS,
        params: ContactParams,
        body: SentBody,
        response: contactResponses(
          'nothing was sent yet, the 14-day reply window has not passed, a reminder was already sent, or the patient has replied',
        ),
      },
    },
    async (request) =>
      recordReminder(
        db,
        contextOf(request, deps.now),
        request.params.batchId,
        request.params.pathwayId,
        request.body,
      ),
  );

  app.post(
    `${CONTACT}/reply`,
    {
      config: { auth: 'Pathway.write' },
      schema: {
        summary: "Record the patient's reply",
        description:
          'still-needs-care keeps the patient on the list and counts as validated; postpone keeps them on the list (a delay of more than 6 weeks needs a clinical review); a request to come off the list (treated-elsewhere, no-longer-needs-care, declines-treatment) leaves them on the list until a clinician decides; no-reply (from 14 days after the last contact) keeps them on the list: nobody is removed for not replying.',
        tags: TAGS,
        params: ContactParams,
        body: ReplyBody,
        response: contactResponses(
          'nothing was sent yet, the patient has already replied, or no reply is recorded within the 14-day reply window',
        ),
      },
    },
    async (request) =>
      recordReply(
        db,
        contextOf(request, deps.now),
        request.params.batchId,
        request.params.pathwayId,
        request.body,
      ),
  );

  app.post(
    `${CONTACT}/decision`,
    {
      config: { auth: 'Pathway.write' },
      schema: {
        summary: "Record a clinician's decision on a patient's request to come off the list",
        description:
          'Confirmed: the RTT clock stops on decidedOn (status 34, or 35 when the patient declines treatment) and the patient leaves the list. Not confirmed: the patient stays on the list. Needs a clinician of your organisation.',
        tags: TAGS,
        params: ContactParams,
        body: DecisionBody,
        response: {
          ...contactResponses('the patient has not asked to come off the list'),
          422: problemResponse(
            'Stopping the clock would break an RTT rule: code rtt_rule_violation, with errors[] and rule',
          ),
        },
      },
    },
    async (request) =>
      recordDecision(
        db,
        contextOf(request, deps.now),
        request.params.batchId,
        request.params.pathwayId,
        request.body,
      ),
  );
}
