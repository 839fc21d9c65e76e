/**
 * Maps every error to RFC 9457 problem+json in one place. Database and stack text never reach a client, and
 * what is logged of an unexpected error leaves out query parameters (they may hold patient data).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Problem } from '@pathflow/core';
import { AppError, ERRORS, type ErrorCode, type FieldError } from '../errors';

export const PROBLEM_TYPE_BASE = 'https://pathflow.dev/problems/';

export function problemOf(err: AppError, request: FastifyRequest): Problem {
  const problem: Problem = {
    ...err.extensions,
    type: `${PROBLEM_TYPE_BASE}${err.code.replaceAll('_', '-')}`,
    title: err.title,
    status: err.status,
    detail: err.message,
    code: err.code,
    instance: request.url.split('?')[0] ?? request.url,
    requestId: request.id,
  };
  if (err.errors) problem.errors = err.errors;
  if (err.rule) problem.rule = err.rule;
  return problem;
}

export function sendProblem(reply: FastifyReply, err: AppError): FastifyReply {
  if (err.headers) void reply.headers(err.headers);
  return reply.code(err.status).type('application/problem+json').send(problemOf(err, reply.request));
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Turns Ajv's validation errors into plain-English field errors with JSON pointers into the request. */
export function fieldErrors(validation: AjvError[], context: string | undefined): FieldError[] {
  // Fastify calls the query string "querystring"; our pointers say /query like the rest of the API.
  const part = context === 'querystring' ? 'query' : (context ?? 'body');
  return validation.map((v) => {
    let path = v.instancePath;
    let message = v.message ?? 'is not valid';
    if (v.keyword === 'required' && typeof v.params.missingProperty === 'string') {
      path = `${path}/${v.params.missingProperty}`;
      message = 'is required';
    } else if (v.keyword === 'additionalProperties' && typeof v.params.additionalProperty === 'string') {
      path = `${path}/${v.params.additionalProperty}`;
      message = 'is not an allowed field';
    } else if (v.keyword === 'enum' && Array.isArray(v.params.allowedValues)) {
      message = `must be one of: ${v.params.allowedValues.join(', ')}`;
    }
    const field = `/${part}${path}`;
    const name = field.split('/').pop() ?? field;
    return { field, message: `${name} ${message}` };
  });
}

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/** What may be logged of an unexpected error: its kind and SQLSTATE, never its message's values. */
export function safeErrorForLog(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { kind: typeof err };
  const cause = (err as { cause?: unknown }).cause;
  const db = (cause ?? err) as { code?: unknown; constraint?: unknown; routine?: unknown };
  const isDb = typeof db.code === 'string' && /^[0-9A-Z]{5}$/.test(db.code);
  return {
    kind: err.name,
    ...(isDb
      ? { sqlstate: db.code, constraint: db.constraint, routine: db.routine }
      : { message: err.message }),
    stack: err.stack?.split('\n').slice(1, 8).join('\n'),
  };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) return sendProblem(reply, error);
    const fe = error as FastifyError & { validationContext?: string };
    if (fe.validation) {
      const errors = fieldErrors(fe.validation, fe.validationContext);
      const detail = errors.length === 1 ? errors[0]!.message : `${errors.length} fields have errors`;
      return sendProblem(reply, new AppError('validation_failed', detail, { errors }));
    }
    const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
    const code = STATUS_CODES[status];
    if (status >= 400 && status < 500 && code) {
      // Fastify's own 4xx messages (bad JSON, wrong content type, body too large) are safe to show.
      const detail = fe.code?.startsWith('FST_') || code === 'rate_limited' ? fe.message : ERRORS[code].title;
      return sendProblem(reply, new AppError(code, detail));
    }
    request.log.error({ err: safeErrorForLog(error) }, 'unexpected error');
    return sendProblem(
      reply,
      new AppError(
        'internal_error',
        `Something went wrong on our side. Quote reference ${request.id} if you report it.`,
      ),
    );
  });
}
