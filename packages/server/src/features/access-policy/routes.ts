/** HTTP routes for the access policy's versions: read the policy in force and its history; add a version. */
import type { FastifyInstance } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { POLICY_SETTING_LIMITS } from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { IsoDate, IsoDateTime, Nullable, Uuid } from '../../http/schemas';
import { problemResponse } from '../openapi/problem-schema';
import { addAccessPolicyVersion, readAccessPolicy } from './service';

/** The settings' schema, from core's limits: the OpenAPI description shows each setting with its range. */
function settingsSchema(): TSchema {
  const sections: Record<string, TSchema> = {};
  for (const [section, fields] of Object.entries(POLICY_SETTING_LIMITS)) {
    const props: Record<string, TSchema> = {};
    for (const [field, limit] of Object.entries(fields)) {
      const why = 'why' in limit && limit.why ? ` (${limit.why})` : '';
      props[field] =
        limit.kind === 'bool'
          ? Type.Boolean()
          : limit.kind === 'int'
            ? Type.Integer({
                minimum: limit.min,
                maximum: limit.max,
                description: `${limit.min}–${limit.max}${why}`,
              })
            : Type.Array(Type.Integer({ minimum: limit.min, maximum: limit.max }), {
                maxItems: limit.maxItems,
              });
    }
    sections[section] = Type.Object(props);
  }
  return Type.Object(sections);
}

const Settings = settingsSchema();

const VersionSchema = Type.Object({
  id: Uuid,
  effectiveFrom: IsoDate,
  settings: Settings,
  note: Nullable(Type.String()),
  createdBy: Type.String(),
  createdAt: IsoDateTime,
});

export function accessPolicyRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/access-policy',
    {
      config: { auth: 'Organization.read' },
      schema: {
        summary: 'The access policy in force today, and its versions',
        description:
          'The settings in force today (the latest version effective on or before today, or the national defaults when there is none), which version that is, the defaults, and every version with who added it, when and why, latest effective date first (future versions included).',
        tags: ['Access policy'],
        response: {
          200: Type.Object({
            asOf: IsoDate,
            inForce: Type.Object({
              versionId: Nullable(Uuid),
              effectiveFrom: Nullable(IsoDate),
              settings: Settings,
            }),
            defaults: Settings,
            versions: Type.Array(VersionSchema),
          }),
        },
      },
    },
    async (request) => readAccessPolicy(db, contextOf(request, deps.now)),
  );

  app.post(
    '/access-policy/versions',
    {
      config: { auth: 'AccessPolicy.write' },
      schema: {
        summary: 'Add a version of the access policy',
        description:
          'Takes effect on effectiveFrom (today or later). Give only the settings that change: they are merged over the version in force on that day. Every setting is a whole number in its range (official values may be made stricter, never looser); each problem is listed with its path, e.g. /body/settings/partialBooking/replyWindowDays. One version per day: a second from the same day is refused (409).',
        tags: ['Access policy'],
        body: Type.Object(
          {
            effectiveFrom: IsoDate,
            settings: Type.Record(Type.String(), Type.Unknown(), {
              description:
                'Sections and fields to change, e.g. { "partialBooking": { "replyWindowDays": 21 } }',
            }),
            note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
          },
          { additionalProperties: false },
        ),
        response: {
          201: VersionSchema,
          400: problemResponse(
            'validation_failed: the date is in the past, or settings are unknown, not whole numbers or out of range (each named in errors)',
          ),
          409: problemResponse('conflict: a version already starts on that day'),
        },
      },
    },
    async (request, reply) => {
      const version = await addAccessPolicyVersion(db, contextOf(request, deps.now), request.body);
      return reply.code(201).send(version);
    },
  );
}
