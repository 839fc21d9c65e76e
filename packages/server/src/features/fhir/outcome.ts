/**
 * FHIR errors. Everything the FHIR API refuses is answered as an OperationOutcome (never problem+json): its
 * issue names the element or search parameter at fault in `expression`, in plain words in `diagnostics`.
 * Our own AppErrors (auth, booking rules, validation) are turned into the nearest FHIR issue type here, so a
 * rule is explained once and reads the same on both APIs.
 */
import type { FastifyError } from 'fastify';
import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4';
import type { AppError, ErrorCode } from '../../errors';

/** The FHIR issue types we answer with (http://hl7.org/fhir/issue-type). */
export type IssueType =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'invariant'
  | 'security'
  | 'login'
  | 'forbidden'
  | 'not-supported'
  | 'not-found'
  | 'conflict'
  | 'duplicate'
  | 'business-rule'
  | 'too-costly'
  | 'processing'
  | 'exception'
  | 'throttled';

export interface FhirIssue {
  code: IssueType;
  diagnostics: string;
  /** FHIRPath of the element at fault (`Appointment.participant[0].actor`), or the search parameter's name. */
  expression?: string[];
  severity?: 'error' | 'fatal' | 'warning' | 'information';
  /** A coded reason beside the words, e.g. GP Connect's DUPLICATE_REJECTED. */
  detailsCode?: { system: string; code: string; display: string };
}

export class FhirError extends Error {
  readonly status: number;
  readonly issues: FhirIssue[];
  readonly headers: Record<string, string> | undefined;
  constructor(status: number, issues: FhirIssue | FhirIssue[], headers?: Record<string, string>) {
    const list = Array.isArray(issues) ? issues : [issues];
    super(list[0]?.diagnostics ?? 'FHIR error');
    this.name = 'FhirError';
    this.status = status;
    this.issues = list;
    this.headers = headers;
  }
}

/** A 400 naming one element or parameter. */
export function fhirInvalid(expression: string, diagnostics: string, code: IssueType = 'invalid'): FhirError {
  return new FhirError(400, { code, diagnostics, expression: [expression] });
}

export const fhirNotFound = (type: string, id: string): FhirError =>
  new FhirError(404, { code: 'not-found', diagnostics: `${type}/${id} was not found` });

export function operationOutcome(issues: readonly FhirIssue[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((i): OperationOutcomeIssue => {
      const issue: OperationOutcomeIssue = {
        severity: i.severity ?? 'error',
        code: i.code,
        diagnostics: i.diagnostics,
      };
      if (i.detailsCode) issue.details = { coding: [i.detailsCode], text: i.detailsCode.display };
      if (i.expression && i.expression.length > 0) issue.expression = i.expression;
      return issue;
    }),
  };
}

const ISSUE_FOR: Partial<Record<ErrorCode, IssueType>> = {
  validation_failed: 'invalid',
  bad_request: 'structure',
  unauthenticated: 'login',
  sign_in_failed: 'login',
  forbidden: 'forbidden',
  csrf_failed: 'security',
  not_found: 'not-found',
  method_not_allowed: 'not-supported',
  conflict: 'conflict',
  possible_duplicate: 'duplicate',
  slot_unavailable: 'conflict',
  booking_rule_violation: 'business-rule',
  rtt_rule_violation: 'business-rule',
  waiting_time_rule_violation: 'business-rule',
  import_refused: 'business-rule',
  idempotency_key_reused: 'business-rule',
  payload_too_large: 'too-costly',
  unsupported_media_type: 'not-supported',
  rate_limited: 'throttled',
};

/**
 * Our own error as FHIR issues. A field error's JSON pointer into the REST body (`/body/slotId`) means nothing
 * to a FHIR client, so callers that know the FHIR element pass `expressionFor` to name it instead.
 */
export function fromAppError(
  err: AppError,
  expressionFor?: (field: string) => string | undefined,
): FhirError {
  const code = ISSUE_FOR[err.code] ?? 'processing';
  const issues: FhirIssue[] =
    err.errors && err.errors.length > 0
      ? err.errors.map((e) => {
          const expression = expressionFor?.(e.field);
          return { code, diagnostics: e.message, ...(expression ? { expression: [expression] } : {}) };
        })
      : [{ code, diagnostics: err.message }];
  // The overall sentence leads when the field errors are its detail (a rule names one field; keep both).
  if (err.errors && err.errors.length > 0 && err.errors.every((e) => e.message !== err.message)) {
    issues.unshift({ code, diagnostics: err.message });
  }
  if (err.code === 'slot_unavailable') {
    for (const issue of issues) issue.detailsCode = DUPLICATE_REJECTED;
  }
  return new FhirError(err.status, issues, err.headers);
}

/** The coded reason GP Connect gives when a slot was taken since the search (§7.2, EX-GPC-04). */
export const DUPLICATE_REJECTED = {
  system: 'https://fhir.nhs.uk/CodeSystem/Spine-ErrorOrWarningCode',
  code: 'DUPLICATE_REJECTED',
  display: 'The slot has been booked since it was found: search again',
};

/** Fastify's own 4xx errors (bad JSON, body too large, wrong content type) as FHIR. */
export function fromFastifyError(err: FastifyError): FhirError | null {
  const status = err.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return null;
  const code: IssueType =
    status === 413
      ? 'too-costly'
      : status === 415
        ? 'not-supported'
        : status === 429
          ? 'throttled'
          : 'structure';
  const safe = err.code?.startsWith('FST_') ? err.message : 'The request could not be read';
  return new FhirError(status, { code, diagnostics: safe });
}
