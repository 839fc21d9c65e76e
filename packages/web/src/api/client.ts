/**
 * The one way the web app talks to the API: same-origin fetch with the session cookie, JSON in and out, the
 * CSRF header on every write, and RFC 9457 problem details turned into a typed `ApiError`. Every answer also
 * tells the session timeout how recently the session was in use (`activity.ts`).
 */
import type { Problem } from '@pathflow/core';
import { trackRequest } from './activity';

export type FieldError = NonNullable<Problem['errors']>[number];

/** An error answer from the API, or no answer at all (status 0, code `network_error`). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[];
  /**
   * The problem as the server sent it, with any extension members (e.g. an import's `report`); undefined when
   * the answer had no JSON body or there was no answer.
   */
  readonly body: Readonly<Record<string, unknown>> | undefined;

  constructor(
    status: number,
    problem: Pick<Problem, 'code' | 'title' | 'detail'> & { errors?: FieldError[] },
    body?: Readonly<Record<string, unknown>>,
  ) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem.code;
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.body = body;
  }

  /** The message for one field of the request body, e.g. `fieldError('organisation')` for `/body/organisation`. */
  fieldError(name: string): string | undefined {
    return this.errors.find((e) => e.field === `/body/${name}`)?.message;
  }
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken: string | null = null;

/** Set from the session (sign-in or `GET /auth/session`); cleared on sign-out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function asFieldErrors(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (e): e is FieldError => isRecord(e) && typeof e.field === 'string' && typeof e.message === 'string',
  );
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorFrom(response: Response, body: unknown): ApiError {
  if (isRecord(body) && typeof body.title === 'string') {
    return new ApiError(
      response.status,
      {
        code: typeof body.code === 'string' ? body.code : `http_${response.status}`,
        title: body.title,
        detail: typeof body.detail === 'string' ? body.detail : '',
        errors: asFieldErrors(body.errors),
      },
      body,
    );
  }
  return new ApiError(response.status, {
    code: `http_${response.status}`,
    title: response.statusText || 'Something went wrong',
    detail: '',
  });
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Signing in: a successful answer starts a new session. */
  startsSession?: boolean;
  /** Extra request headers, e.g. `idempotency-key` on a booking. */
  headers?: Readonly<Record<string, string>>;
}

/** Sends a request to the API and returns its JSON body (undefined for 204), or throws `ApiError`. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    ...options.headers,
    accept: 'application/json, application/problem+json',
  };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (WRITE_METHODS.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  const tracked = trackRequest(options.startsSession);
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (err) {
    tracked.failed();
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, {
      code: 'network_error',
      title: 'No connection',
      detail: 'Pathflow could not be reached. Check your connection and try again.',
    });
  }
  tracked.answered(response);
  const body = await readJson(response);
  if (!response.ok) throw errorFrom(response, body);
  return body as T;
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('POST', path, { ...options, body }),
};

function uuid(): string {
  // crypto.randomUUID needs a secure context; getRandomValues works everywhere (RFC 9562 version 4).
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Idempotency keys for one page's writes: the same request (same body) gets the same key, so pressing the
 * button again after a lost answer ("No connection") replays the first answer instead of booking twice; a
 * different request gets a new key. Keep one per page visit (`useRef(idempotencyKeys())`).
 */
export function idempotencyKeys(): (body: unknown) => string {
  const keys = new Map<string, string>();
  return (body) => {
    const text = JSON.stringify(body);
    let key = keys.get(text);
    if (!key) {
      key = uuid();
      keys.set(text, key);
    }
    return key;
  };
}
