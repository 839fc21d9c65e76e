/**
 * The one catalogue of errors. Feature code throws `AppError` with a code from here; the HTTP layer maps it to
 * RFC 9457 problem+json in one place (http/problems.ts). Codes are stable: clients may depend on them.
 */
export const ERRORS = {
  validation_failed: { status: 400, title: 'Your request has errors' },
  bad_request: { status: 400, title: 'The request could not be read' },
  unauthenticated: { status: 401, title: 'Sign in to continue' },
  sign_in_failed: { status: 401, title: 'Sign-in failed' },
  account_locked: { status: 423, title: 'Account locked' },
  forbidden: { status: 403, title: 'You do not have permission to do this' },
  csrf_failed: { status: 403, title: 'The request could not be verified' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  rtt_rule_violation: { status: 422, title: 'The events break an RTT rule' },
  waiting_time_rule_violation: { status: 422, title: 'The dates break a waiting-times rule' },
  nothing_due: { status: 422, title: 'Nothing is due for validation' },
  possible_duplicate: { status: 409, title: 'This may be a duplicate' },
  import_refused: { status: 422, title: 'Nothing was imported' },
  slot_unavailable: { status: 409, title: 'This slot cannot be booked' },
  booking_rule_violation: { status: 422, title: 'This booking breaks a booking rule' },
  idempotency_key_reused: { status: 422, title: 'Idempotency key already used' },
  template_refused: { status: 422, title: 'This template cannot be used' },
  payload_too_large: { status: 413, title: 'Request too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported content type' },
  rate_limited: { status: 429, title: 'Too many requests' },
  oidc_not_configured: { status: 404, title: 'Single sign-on is not set up' },
  oidc_failed: { status: 401, title: 'Single sign-on failed' },
  internal_error: { status: 500, title: 'Something went wrong' },
  unavailable: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface FieldError {
  /** JSON pointer to the offending value, e.g. `/body/nhsNumber` or `/query/limit`. */
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly title: string;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;
  /** For RTT rule violations: the rule id (e.g. `§1.6/after-treatment`), sent as the problem's `rule`. */
  readonly rule: string | undefined;
  /** Extension members of the problem (RFC 9457 §3.2), e.g. an import's full report. Never database text. */
  readonly extensions: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    detail: string,
    options: {
      errors?: FieldError[];
      headers?: Record<string, string>;
      rule?: string;
      extensions?: Record<string, unknown>;
    } = {},
  ) {
    super(detail);
    this.name = 'AppError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.title = ERRORS[code].title;
    this.errors = options.errors;
    this.headers = options.headers;
    this.rule = options.rule;
    this.extensions = options.extensions;
  }
}

/** A validation error naming one field. */
export function invalid(field: string, message: string): AppError {
  return new AppError('validation_failed', message, { errors: [{ field, message }] });
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} was not found`);

/** Runs `fn`, re-pointing field errors it throws under `prefix` (e.g. `/body`), for code shared with the CLI. */
export async function underField<T>(prefix: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError && err.errors) {
      throw new AppError(err.code, err.message, {
        errors: err.errors.map((e) => ({ ...e, field: `${prefix}${e.field}` })),
        ...(err.headers ? { headers: err.headers } : {}),
      });
    }
    throw err;
  }
}
