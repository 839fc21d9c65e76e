/**
 * `POST /api/v1/rtt/evaluate`: runs the RTT clock engine on a pathway's events sent in the request, for
 * validation tools. Pure computation: nothing is read from or written to the database, and no patient is
 * identified, so nothing is audited. Every bad input, whether the schema or an RTT rule refuses it, is a 422
 * problem naming the field of the offending event and the rule.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { RttRuleError, evaluateRtt } from '@pathflow/core';
import { PROBLEM_CONTENT_TYPE, problemResponse } from '../openapi/problem-schema';
import { MAX_RTT_EVENTS, RttEvaluateBody, RttEvaluateResponse } from './schemas';
import { rttProblem, violationFromRule, violationFromSchema, type RttViolation } from './problems';

/** Breach dates run to 104 weeks after the clock start, and must still be four-digit years. */
const LATEST_AS_OF = '9997-12-31';

function sendViolation(request: FastifyRequest, reply: FastifyReply, violation: RttViolation) {
  return reply.code(422).type(PROBLEM_CONTENT_TYPE).send(rttProblem(request, violation));
}

export function rttRoutes(base: FastifyInstance): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/rtt/evaluate',
    {
      config: { auth: 'WaitingList.read' },
      // Schema errors are this route's 422, not the API's usual 400: they are converted below.
      attachValidation: true,
      schema: {
        summary: 'Evaluate a pathway’s RTT clocks from its events',
        description: `Stateless: works out every clock period of one patient pathway and the state of the current clock on \`asOf\`, exactly as Pathflow's RTT engine does (spec §1). Nothing is stored. At most ${MAX_RTT_EVENTS} events. Input that breaks a rule, including a date that is not a real calendar date, an unknown code or events out of date order, is a 422 problem naming the offending field (\`errors[].field\`, e.g. \`/body/events/3/code\`) and the rule (\`rule\`, e.g. \`§1.6/after-treatment\`).`,
        tags: ['RTT'],
        body: RttEvaluateBody,
        response: {
          200: RttEvaluateResponse,
          422: problemResponse(
            'The input breaks an RTT rule or is not valid: code rtt_rule_violation, with errors[] and rule',
          ),
        },
      },
    },
    async (request, reply) => {
      const invalid = request.validationError;
      if (invalid)
        return sendViolation(
          request,
          reply,
          violationFromSchema(invalid.validation as FastifySchemaValidationError[]),
        );
      const body = request.body;
      if (body.asOf > LATEST_AS_OF) {
        const message = `asOf must be no later than ${LATEST_AS_OF}: breach dates must fall before the year 10000`;
        return sendViolation(request, reply, {
          detail: message,
          errors: [{ field: '/body/asOf', message }],
          rule: 'input.date',
        });
      }
      try {
        return evaluateRtt(body);
      } catch (err) {
        if (err instanceof RttRuleError) return sendViolation(request, reply, violationFromRule(err, body));
        throw err;
      }
    },
  );
}
