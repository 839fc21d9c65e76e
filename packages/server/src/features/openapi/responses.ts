/**
 * Success responses of the routes that do not declare `schema.response` themselves, for the OpenAPI
 * description only. They are kept here, not on the routes, on purpose: a response schema on a Fastify route
 * also changes how the response is serialised (properties it does not list are dropped), and documenting the
 * API must not change what it sends. The shapes are the contract types in core (`@pathflow/core` api/contract).
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { COMMUNICATION_NEEDS, PERMISSIONS, ROLES, SEXES, VULNERABILITIES } from '@pathflow/core';
import { problemResponse } from './problem-schema';
import { IsoDate, IsoDateTime, Nullable } from '../../http/schemas';

const Role = Type.String({ enum: [...ROLES] });

const OrganisationSummary = Type.Object({
  id: Type.String({ format: 'uuid' }),
  odsCode: Type.String(),
  name: Type.String(),
});

const SessionInfo = Type.Object(
  {
    user: Type.Object({
      id: Type.String({ format: 'uuid' }),
      username: Type.String(),
      displayName: Type.String(),
      role: Role,
      roleLabel: Type.String(),
      permissions: Type.Array(Type.String({ enum: [...PERMISSIONS] })),
      organisation: OrganisationSummary,
    }),
    csrfToken: Type.String({
      description: 'Send as the x-csrf-token header on every POST, PUT, PATCH and DELETE',
    }),
    expiresAt: IsoDateTime,
    idleTimeoutSeconds: Type.Integer({
      description: 'The session ends after this many seconds without a request (the web app warns before)',
    }),
  },
  { description: 'The signed-in member of staff and their session' },
);

const Patient = Type.Object({
  id: Type.String({ format: 'uuid' }),
  nhsNumber: Type.String({ pattern: '^[0-9]{10}$' }),
  mrn: Type.String(),
  title: Nullable(Type.String()),
  givenName: Type.String(),
  familyName: Type.String(),
  dateOfBirth: IsoDate,
  sex: Type.String({ enum: [...SEXES] }),
  address: Type.Object({
    line1: Type.String(),
    line2: Nullable(Type.String()),
    town: Type.String(),
    postcode: Type.String(),
  }),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  gpPracticeCode: Nullable(Type.String()),
  interpreterLanguage: Nullable(
    Type.String({ description: 'Spoken language when an interpreter is needed' }),
  ),
  communicationNeeds: Type.Array(Type.String({ enum: [...COMMUNICATION_NEEDS] })),
  transportEligible: Type.Boolean(),
  vulnerabilities: Type.Array(Type.String({ enum: [...VULNERABILITIES] }), {
    description: 'Why an adult is vulnerable: never discharged automatically after a missed appointment',
  }),
  shortNotice: Type.Boolean({ description: 'The patient has said they can come at short notice' }),
});

const AuditRecord = Type.Object({
  id: Type.Integer(),
  at: IsoDateTime,
  actorType: Type.String(),
  actorId: Type.String(),
  actorRole: Type.String(),
  action: Type.String(),
  resourceType: Type.String(),
  resourceId: Nullable(Type.String()),
  patientId: Nullable(Type.String()),
  outcome: Type.String(),
  clientAddress: Nullable(Type.String()),
  requestId: Nullable(Type.String()),
});

const OAuthErrorBody = Type.Object({
  error: Type.String({
    enum: ['invalid_request', 'invalid_client', 'invalid_scope', 'unsupported_grant_type'],
  }),
  error_description: Type.String(),
});

const json = (description: string, schema: TSchema) => ({
  description,
  content: { 'application/json': { schema } },
});

export type DocumentedResponses = Record<
  string,
  { description: string; content?: Record<string, { schema: TSchema }>; headers?: Record<string, unknown> }
>;

/** Request content types other than JSON, keyed by `METHOD url` as Fastify registers the route. */
export const DOCUMENTED_CONSUMES: Record<string, string[]> = {
  'POST /oauth2/token': ['application/x-www-form-urlencoded', 'application/json'],
};

/** Keyed by `METHOD url` as Fastify registers the route. */
export const DOCUMENTED_RESPONSES: Record<string, DocumentedResponses> = {
  'GET /health/live': { 200: json('The process answers', Type.Object({ status: Type.Literal('ok') })) },
  'GET /health/ready': {
    200: json(
      'The database answers',
      Type.Object({ status: Type.Literal('ok'), database: Type.String({ enum: ['pglite', 'postgres'] }) }),
    ),
    503: problemResponse('The database is not answering'),
  },
  'POST /oauth2/token': {
    200: json(
      'An access token (RFC 6749 §5.1)',
      Type.Object({
        access_token: Type.String(),
        token_type: Type.Literal('Bearer'),
        expires_in: Type.Integer({ description: 'Seconds' }),
        scope: Type.String({ description: 'The scopes granted, space-separated' }),
      }),
    ),
    400: json('The request is not valid (RFC 6749 §5.2)', OAuthErrorBody),
    401: json('Client authentication failed (RFC 6749 §5.2)', OAuthErrorBody),
  },
  'GET /api/v1/openapi.json': {
    200: json('This document', Type.Object({ openapi: Type.String() }, { additionalProperties: true })),
  },
  'GET /api/v1/auth/providers': {
    200: json(
      'The ways staff can sign in',
      Type.Object({
        password: Type.Boolean(),
        oidc: Nullable(Type.Object({ label: Type.String(), loginUrl: Type.String() })),
      }),
    ),
  },
  'POST /api/v1/auth/sign-in': {
    200: json('Signed in; the session cookie is set', SessionInfo),
    401: problemResponse('The username or password is wrong'),
    423: problemResponse('The account is locked after too many failed attempts'),
  },
  'GET /api/v1/auth/session': { 200: json('The current session', SessionInfo) },
  'POST /api/v1/auth/sign-out': { 204: { description: 'Signed out; the session cookie is cleared' } },
  'GET /api/v1/auth/oidc/login': {
    302: { description: "Redirect to the identity provider's sign-in page" },
    404: problemResponse('Single sign-on is not set up'),
  },
  'GET /api/v1/auth/oidc/callback': {
    302: { description: 'Signed in: redirect to the web app (or to /sign-in?sso=failed for a browser)' },
    401: problemResponse('Single sign-on failed'),
    404: problemResponse('Single sign-on is not set up'),
  },
  'GET /api/v1/specialties': {
    200: json(
      'Each specialty with its directorate and the number of patients waiting',
      Type.Object({
        asOf: IsoDateTime,
        specialties: Type.Array(
          Type.Object({
            code: Type.String(),
            name: Type.String(),
            directorate: Nullable(
              Type.String({
                description: 'The directorate that manages it, e.g. Surgery; null when not set',
              }),
            ),
            waitingPatients: Type.Integer(),
          }),
        ),
        totalWaiting: Type.Integer(),
      }),
    ),
  },
  'GET /api/v1/patients': { 200: json('Matching patients', Type.Object({ patients: Type.Array(Patient) })) },
  'GET /api/v1/patients/:id': {
    200: json('The patient', Patient),
    404: problemResponse('There is no such patient in your organisation'),
  },
  'PATCH /api/v1/patients/:id': {
    200: json('The patient, changed', Patient),
    404: problemResponse('There is no such patient in your organisation'),
  },
  'POST /api/v1/patients': {
    201: {
      ...json('The patient was registered', Patient),
      headers: { location: { description: 'The new patient’s URL', schema: Type.String() } },
    },
    409: problemResponse('A patient with this NHS number is already registered'),
  },
  'GET /api/v1/users': {
    200: json(
      'Staff accounts of your organisation',
      Type.Object({
        users: Type.Array(
          Type.Object({
            id: Type.String({ format: 'uuid' }),
            username: Type.String(),
            displayName: Type.String(),
            role: Role,
            active: Type.Boolean(),
            teams: Type.Array(Type.String(), {
              description: 'The teams whose work queues they work; empty: every team of their role',
            }),
          }),
        ),
      }),
    ),
  },
  'POST /api/v1/users': {
    201: json(
      'The account was created',
      Type.Object({ id: Type.String({ format: 'uuid' }), username: Type.String(), role: Role }),
    ),
    409: problemResponse('The username is taken'),
  },
  'GET /api/v1/audit': {
    200: json(
      'Audit records, newest first',
      Type.Object({
        records: Type.Array(AuditRecord),
        next: Nullable(Type.String({ description: 'The URL of the next (older) page, if any' })),
      }),
    ),
  },
};
