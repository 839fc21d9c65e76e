/**
 * A pathway's cancer and diagnostic timers (`GET /api/v1/pathways/:id/timers`), recording cancer events and
 * diagnostic requests on it, and the DM01 summary (`GET /api/v1/diagnostics/summary`). HTTP in, plain calls
 * on the timers service out.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { problemResponse } from '../openapi/problem-schema';
import {
  CancelledBody,
  DiagnosticRequestParams,
  DiagnosticWriteResponse,
  Dm01SummarySchema,
  NewCancerEventBody,
  NewDiagnosticRequestBody,
  PathwayParams,
  PathwayTimersSchema,
  PerformedBody,
  SummaryQuery,
} from './schemas';
import {
  cancelDiagnosticRequest,
  createDiagnosticRequest,
  dm01Summary,
  getPathwayTimers,
  recordCancerEvent,
  recordDiagnosticPerformed,
} from './service';

const notFound = problemResponse('There is no such pathway (or diagnostic request) in your organisation');
const ruleViolation = (what: string) =>
  problemResponse(`${what}: code waiting_time_rule_violation, with errors[] naming the field and rule`);

export function timerRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/pathways/:id/timers',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'A pathway’s cancer clocks and diagnostic waits, today',
        description:
          'Separate timers from the RTT clock, computed from the cancer events and diagnostic requests on the day they are read (today in London): the 28-day Faster Diagnosis Standard, 62-day and 31-day cancer clocks, and the DM01 6-week wait of each diagnostic request. A two-week-wait pathway with no cancer referral recorded is on the FDS and 62-day clocks from its referral date. The read is recorded in the audit log.',
        tags: ['Pathways'],
        params: PathwayParams,
        response: { 200: PathwayTimersSchema, 404: notFound },
      },
    },
    async (request) => getPathwayTimers(db, contextOf(request, deps.now), request.params.id),
  );

  app.post(
    '/pathways/:id/cancer-events',
    {
      config: { auth: 'Pathway.write' },
      schema: {
        summary: 'Record a cancer waiting-times event on a pathway',
        description:
          'A referral (with its route), consultant upgrade, diagnosis communicated, decision to treat or treatment start (first or subsequent). The whole sequence is checked with the new event: one that makes no sense (a second referral, a treatment before the referral, an upgrade on a route that already has a 62-day clock, a subsequent treatment before the first…) is refused with a 422 problem naming the field and the rule, and nothing is stored. Answers with the timers.',
        tags: ['Pathways'],
        params: PathwayParams,
        body: NewCancerEventBody,
        response: {
          201: PathwayTimersSchema,
          404: notFound,
          422: ruleViolation('The event breaks a cancer waiting-times rule'),
        },
      },
    },
    async (request, reply) => {
      const timers = await recordCancerEvent(
        db,
        contextOf(request, deps.now),
        request.params.id,
        request.body,
      );
      return reply.code(201).send(timers);
    },
  );

  app.post(
    '/pathways/:id/diagnostic-requests',
    {
      config: { auth: 'Pathway.write' },
      schema: {
        summary: 'Record a request for a DM01 diagnostic test on a pathway',
        description:
          'The 6-week clock starts on the request date for a request, and on the first UBRN booking or ASI worklist date (whichever is first) for an e-RS referral. Answers with the request and the pathway’s timers.',
        tags: ['Pathways'],
        params: PathwayParams,
        body: NewDiagnosticRequestBody,
        response: { 201: DiagnosticWriteResponse, 404: notFound },
      },
    },
    async (request, reply) => {
      const result = await createDiagnosticRequest(
        db,
        contextOf(request, deps.now),
        request.params.id,
        request.body,
      );
      return reply.code(201).send(result);
    },
  );

  app.post(
    '/pathways/:id/diagnostic-requests/:requestId/performed',
    {
      config: { auth: 'Pathway.write' },
      schema: {
        summary: 'Record that a requested diagnostic test was done',
        description:
          'Ends the DM01 wait. A cancelled request, or one already done, is refused with a 409; a date before the clock start with a 422.',
        tags: ['Pathways'],
        params: DiagnosticRequestParams,
        body: PerformedBody,
        response: {
          200: DiagnosticWriteResponse,
          404: notFound,
          409: problemResponse('The request was cancelled, or the test is already recorded as done'),
          422: ruleViolation('The test cannot be done before the clock start'),
        },
      },
    },
    async (request) =>
      recordDiagnosticPerformed(
        db,
        contextOf(request, deps.now),
        request.params.id,
        request.params.requestId,
        request.body.performedOn,
      ),
  );

  app.post(
    '/pathways/:id/diagnostic-requests/:requestId/cancelled',
    {
      config: { auth: 'Pathway.write' },
      schema: {
        summary: 'Cancel a diagnostic request',
        description:
          'Takes the request off the DM01 waiting list from the day it is cancelled. The reason is kept with the request’s note. A request already done or cancelled is refused with a 409.',
        tags: ['Pathways'],
        params: DiagnosticRequestParams,
        body: CancelledBody,
        response: {
          200: DiagnosticWriteResponse,
          404: notFound,
          409: problemResponse('The request is already cancelled, or the test is already recorded as done'),
          422: ruleViolation('The request cannot be cancelled before the clock start'),
        },
      },
    },
    async (request) =>
      cancelDiagnosticRequest(
        db,
        contextOf(request, deps.now),
        request.params.id,
        request.params.requestId,
        request.body.cancelledOn,
        request.body.reason,
      ),
  );

  app.get(
    '/diagnostics/summary',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'DM01: the diagnostic waiting list by test, and the share waiting 6 weeks or more',
        description:
          'Counts the requests still waiting on the census date (today unless asOf is given) against the operational standard (no more than 1% waiting 6 weeks or more). Aggregates only: no patient is named.',
        tags: ['Waiting list'],
        querystring: SummaryQuery,
        response: { 200: Dm01SummarySchema },
      },
    },
    async (request) => dm01Summary(db, contextOf(request, deps.now), request.query.asOf),
  );
}
