/**
 * The 422 problem of `POST /api/v1/rtt/evaluate`: which field of which event is wrong, and which RTT rule it
 * breaks. Both schema errors and the engine's `RttRuleError`s end up here, so a validation tool sees one shape.
 */
import type { FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { isoToEpochDay, type Problem, type RttRuleError, type RttRuleId } from '@pathflow/core';
import { AppError, type FieldError } from '../../errors';
import { fieldErrors, problemOf } from '../../http/problems';
import type { RttEvaluateRequest } from './schemas';

export interface RttViolation {
  detail: string;
  errors: FieldError[];
  rule: RttRuleId | undefined;
}

const DATE_FIELDS = new Set(['referralReceived', 'asOf', 'date', 'dnaDate']);

/** The RTT rule a schema error breaks, where one applies. */
function ruleOfField(field: string, keyword: string): RttRuleId | undefined {
  const name = field.split('/').pop() ?? '';
  if (field === '/body/priority') return 'input.priority';
  if (DATE_FIELDS.has(name) && (field.split('/').length === 3 || field.startsWith('/body/events/')))
    return 'input.date';
  if (/^\/body\/events\/\d+\/code$/.test(field) && keyword === 'enum') return '§1.6/unknown-code';
  if (field.startsWith('/body/events')) return 'input.events';
  return undefined;
}

/** Schema errors, as Fastify's Ajv reports them for this route. */
export function violationFromSchema(validation: readonly FastifySchemaValidationError[]): RttViolation {
  const mapped = fieldErrors([...validation], 'body');
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  let rule: RttRuleId | undefined;
  mapped.forEach((e, i) => {
    const keyword = validation[i]?.keyword ?? '';
    const name = e.field.split('/').pop() ?? e.field;
    const error =
      keyword === 'format' && DATE_FIELDS.has(name)
        ? { field: e.field, message: `${name} must be a real calendar date written YYYY-MM-DD` }
        : e;
    const key = `${error.field}\n${error.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    errors.push(error);
    rule ??= ruleOfField(error.field, keyword);
  });
  const first = errors[0]?.message ?? 'The request body is not valid';
  const detail = errors.length > 1 ? `${first} (and ${errors.length - 1} more)` : first;
  return { detail, errors, rule };
}

type RequestEvent = RttEvaluateRequest['events'][number] | undefined;

/** For each rule, the field of the offending event it points at. */
const EVENT_FIELD: Record<RttRuleId, (event: RequestEvent) => string> = {
  // The engine checks the event's own date first, then a DNA date.
  'input.date': (event) => (event && !Number.isNaN(isoToEpochDay(event.date)) ? 'dnaDate' : 'date'),
  'input.event-order': () => 'date',
  'input.before-referral': () => 'date',
  'input.dna-date': () => 'dnaDate',
  'input.events': () => '',
  'input.priority': () => '',
  '§1.4/clinical-decision': () => 'clinicianDecision',
  '§1.4/dna-discharge': (event) =>
    event?.clinicianDecision !== true ? 'clinicianDecision' : 'appointmentCommunicated',
  '§1.4/died': () => 'code',
  '§1.6/unknown-code': () => 'code',
  '§1.6/no-running-clock': () => 'code',
  '§1.6/after-treatment': () => 'code',
  '§1.6/active-monitoring': () => 'code',
  '§1.6/first-activity': () => 'code',
  '§1.6/new-pathway': () => 'code',
  '§1.6/dna-first-activity': () => 'code',
  '§1.6/admin-stop-open-period': () => 'code',
};

/** Where in the request an engine rule error points. */
function fieldOfRuleError(err: RttRuleError, body: RttEvaluateRequest): string {
  const i = err.eventIndex;
  if (i === null) {
    if (err.rule === 'input.priority') return '/body/priority';
    if (err.rule === 'input.events') return '/body/events';
    return '/body';
  }
  const field = EVENT_FIELD[err.rule](body.events[i]);
  return field ? `/body/events/${i}/${field}` : `/body/events/${i}`;
}

export function violationFromRule(err: RttRuleError, body: RttEvaluateRequest): RttViolation {
  return {
    detail: err.message,
    errors: [{ field: fieldOfRuleError(err, body), message: err.message }],
    rule: err.rule,
  };
}

export function rttProblem(request: FastifyRequest, violation: RttViolation): Problem {
  return problemOf(
    new AppError('rtt_rule_violation', violation.detail, {
      errors: violation.errors,
      ...(violation.rule ? { rule: violation.rule } : {}),
    }),
    request,
  );
}
