/**
 * A pathway with its RTT events and clock (`GET /api/v1/pathways/:id`), and recording an RTT event on it
 * (`POST /api/v1/pathways/:id/rtt-events`): an illegal sequence is a 422 problem naming the rule.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { RTT_PRIORITIES } from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { problemResponse } from '../openapi/problem-schema';
import { RttEvaluateResponse, RttEventSchema } from '../rtt/schemas';
import { PathwayTimersSchema } from '../timers/schemas';
import { getPathway, recordRttEvent } from './service';
import { Nullable } from '../../http/schemas';

const PathwayDetail = Type.Object({
  id: Type.String({ format: 'uuid' }),
  ppid: Type.String(),
  ppidIssuer: Type.String(),
  patientId: Type.String({ format: 'uuid' }),
  specialtyCode: Type.String(),
  clinicianId: Nullable(Type.String({ format: 'uuid' })),
  priority: Type.String({ enum: [...RTT_PRIORITIES] }),
  clockStart: Type.String({ format: 'date' }),
  status: Type.String(),
  events: Type.Array(
    Type.Object({
      id: Type.String({ format: 'uuid' }),
      date: Type.String({ format: 'date' }),
      code: Type.String(),
      appointmentCommunicated: Nullable(Type.Boolean()),
      clinicianDecision: Nullable(Type.Boolean()),
      dnaDate: Nullable(Type.String({ format: 'date' })),
      origin: Type.String(),
      recordedBy: Type.String(),
      recordedAt: Type.String({ format: 'date-time' }),
      note: Nullable(Type.String()),
    }),
  ),
  rtt: RttEvaluateResponse,
  timers: Type.Optional(PathwayTimersSchema),
});

const NewEventBody = Type.Composite(
  [RttEventSchema, Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) })],
  { additionalProperties: false },
);

const Params = Type.Object({ id: Type.String({ format: 'uuid' }) });

export function pathwayRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/pathways/:id',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'A pathway with its RTT events and clock periods, and its cancer and diagnostic timers',
        tags: ['Pathways'],
        params: Params,
        response: { 200: PathwayDetail },
      },
    },
    async (request) => getPathway(db, contextOf(request, deps.now), request.params.id),
  );

  app.post(
    '/pathways/:id/rtt-events',
    {
      config: { auth: 'Pathway.write' },
      schema: {
        summary: 'Record an RTT event on a pathway',
        description:
          'The RTT engine re-checks the whole pathway with the new event: a sequence that breaks a rule is refused with a 422 problem naming the field and the rule (`rule`), and nothing is stored.',
        tags: ['Pathways'],
        params: Params,
        body: NewEventBody,
        response: {
          201: PathwayDetail,
          422: problemResponse(
            'The event breaks an RTT rule: code rtt_rule_violation, with errors[] and rule',
          ),
        },
      },
    },
    async (request, reply) => {
      const detail = await recordRttEvent(db, contextOf(request, deps.now), request.params.id, request.body);
      return reply.code(201).send(detail);
    },
  );
}
