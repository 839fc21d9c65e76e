/**
 * `GET /api/v1/me/messages` and `POST /api/v1/me/messages/read`: the signed-in member of staff's own
 * messages (a service manager's weekly escalations, say). Nobody sees another person's; a machine client has none.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RouteDeps } from '../../app';
import { AppError } from '../../errors';
import { IsoDateTime, Uuid } from '../../http/schemas';
import { problemResponse } from '../openapi/problem-schema';
import { markMessagesRead, messagesFor } from './service';

/** Messages listed, newest first. */
export const STAFF_MESSAGES_SHOWN = 20;

const MessageSchema = Type.Object({
  id: Uuid,
  kind: Type.String({ description: 'weekly-pack-escalation' }),
  subject: Type.String(),
  body: Type.String({ description: 'Plain text, lines separated by newlines' }),
  link: Type.Union([Type.String(), Type.Null()], { description: 'Where in the web app it points' }),
  status: Type.String({
    description:
      'Its email: queued, sent, delivered, not-sent (no email address: in Pathflow only), temporary-failure, permanent-failure, technical-failure',
  }),
  createdAt: IsoDateTime,
  readAt: Type.Union([IsoDateTime, Type.Null()]),
});

function staffOf(request: FastifyRequest): { orgId: string; id: string } {
  const p = request.principal!;
  if (p.kind !== 'user') throw new AppError('forbidden', 'Only a member of staff has messages');
  return { orgId: p.orgId, id: p.id };
}

export function staffMessageRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/me/messages',
    {
      config: { auth: 'signed-in' },
      schema: {
        summary: 'Your messages',
        description: `Messages to you from Pathflow (the weekly pack's escalations to service managers), the newest ${STAFF_MESSAGES_SHOWN}, and how many are unread.`,
        tags: ['Messages'],
        response: {
          200: Type.Object({ unread: Type.Integer(), messages: Type.Array(MessageSchema) }),
          403: problemResponse('forbidden: a machine client has no messages'),
        },
      },
    },
    async (request) => {
      const me = staffOf(request);
      return messagesFor(db, me.orgId, me.id, STAFF_MESSAGES_SHOWN);
    },
  );

  app.post(
    '/me/messages/read',
    {
      config: { auth: 'signed-in' },
      schema: {
        summary: 'Mark your messages as read',
        description:
          'The messages named in `ids`, or every one of yours when `ids` is left out. Ids that are not your messages change nothing.',
        tags: ['Messages'],
        body: Type.Object(
          { ids: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            marked: Type.Integer({ description: 'Messages newly marked read' }),
            unread: Type.Integer(),
          }),
          400: problemResponse('validation_failed: the body is wrong (named in errors)'),
          403: problemResponse('forbidden: a machine client has no messages'),
        },
      },
    },
    async (request) => {
      const me = staffOf(request);
      return markMessagesRead(db, me.orgId, me.id, request.body.ids ?? null, deps.now());
    },
  );
}
