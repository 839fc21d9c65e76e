/**
 * The RFC 9457 problem details every error of the REST API is sent as (see http/problems.ts), as a shared
 * schema: registered once on the app (`$id: 'Problem'`) and referenced from responses, so the OpenAPI
 * description lists it once under `components.schemas`.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Problem } from '@pathflow/core';
import { ERRORS } from '../../errors';

export const PROBLEM_SCHEMA_ID = 'Problem';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const ProblemSchema = Type.Object(
  {
    type: Type.String({
      format: 'uri',
      description: 'Identifies the kind of problem: https://pathflow.dev/problems/<code with dashes>',
    }),
    title: Type.String({ description: 'Short, plain-English summary of the kind of problem' }),
    status: Type.Integer({ minimum: 400, maximum: 599, description: 'The HTTP status code' }),
    detail: Type.String({ description: 'What went wrong with this request, in plain English' }),
    code: Type.String({
      enum: Object.keys(ERRORS),
      description: 'Stable, machine-readable error code from the catalogue',
    }),
    instance: Type.Optional(Type.String({ description: 'The request path (never the query string)' })),
    requestId: Type.Optional(
      Type.String({ description: 'Also in the x-request-id header; quote it when reporting a problem' }),
    ),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String({
            description: 'JSON pointer into the request, e.g. /body/nhsNumber or /query/limit',
          }),
          message: Type.String(),
        }),
        { description: 'For validation errors: each offending field and what is wrong with it' },
      ),
    ),
    rule: Type.Optional(
      Type.String({
        description:
          'For rtt_rule_violation: the id of the RTT rule the input breaks, e.g. §1.6/after-treatment',
      }),
    ),
  },
  { $id: PROBLEM_SCHEMA_ID, title: 'Problem', description: 'RFC 9457 problem details' },
);

// The schema and the contract type in core describe the same shape.
type _SameAsContract =
  Static<typeof ProblemSchema> extends Problem
    ? Problem extends Static<typeof ProblemSchema>
      ? true
      : never
    : never;
const _problemSchemaMatchesContract: _SameAsContract = true;
void _problemSchemaMatchesContract;

/** A documented problem+json response, for `schema.response` or the OpenAPI description. */
export function problemResponse(description: string) {
  return {
    description,
    content: { [PROBLEM_CONTENT_TYPE]: { schema: Type.Ref(ProblemSchema) } },
  };
}
