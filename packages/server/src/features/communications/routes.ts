/** HTTP routes for messages (the outbox and what was sent) and their templates. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { MESSAGE_KINDS, TEMPLATE_FORMATS } from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { IsoDate, IsoDateTime, Nullable, Uuid } from '../../http/schemas';
import { problemResponse } from '../openapi/problem-schema';
import {
  MESSAGE_STATUSES,
  communicationLetter,
  getCommunication,
  listCommunications,
  retryCommunication,
} from './service';
import {
  addTemplateVersion,
  currentTemplates,
  templateById,
  templateVersions,
  templateView,
} from './templates';

const Kind = Type.Union(
  MESSAGE_KINDS.map((k) => Type.Literal(k)),
  { description: 'What the message is about' },
);
const ChannelSchema = Type.Union([Type.Literal('letter'), Type.Literal('sms'), Type.Literal('email')]);
const Format = Type.Union(TEMPLATE_FORMATS.map((f) => Type.Literal(f)));
const Status = Type.Union(MESSAGE_STATUSES.map((s) => Type.Literal(s)));

const MessageSummary = Type.Object({
  id: Uuid,
  patient: Type.Object({ id: Uuid, nhsNumber: Type.String(), name: Type.String() }),
  pathwayId: Nullable(Uuid),
  appointmentId: Nullable(Uuid),
  kind: Type.String(),
  channel: Type.String(),
  format: Type.String(),
  recipient: Type.String({ description: 'patient or gp' }),
  status: Type.String({
    description:
      'queued, sending (with GOV.UK Notify), sent, awaiting-print (a letter for the next print batch), delivered, temporary-failure (to be tried again), permanent-failure, technical-failure, cancelled, suppressed (the channel does not suit the patient)',
  }),
  sendAfter: Nullable(IsoDateTime),
  sentAt: Nullable(IsoDateTime),
  statusAt: Nullable(IsoDateTime),
  createdAt: IsoDateTime,
  attempts: Type.Integer(),
  provider: Nullable(Type.String({ description: 'outbox or notify' })),
  templateVersion: Nullable(Type.Integer()),
  lastError: Nullable(Type.String({ description: 'The kind of the last failure (never its text)' })),
  hasLetter: Type.Boolean({ description: 'A PDF of the letter is kept: GET …/letter.pdf' }),
});

const MessageDetail = Type.Composite([
  MessageSummary,
  Type.Object({
    templateId: Nullable(Uuid),
    renderedSubject: Nullable(Type.String()),
    renderedBody: Nullable(Type.String()),
    providerRef: Nullable(Type.String()),
    printBatchId: Nullable(Uuid),
    detail: Type.Unknown(),
  }),
]);

const TemplateSchema = Type.Object({
  id: Uuid,
  kind: Type.String(),
  channel: Type.String(),
  format: Type.String(),
  version: Type.Integer({ minimum: 1 }),
  subject: Nullable(Type.String()),
  body: Type.String(),
  fields: Type.Array(Type.String()),
  notifyTemplateId: Nullable(Type.String()),
  isDefault: Type.Boolean(),
  createdBy: Type.String(),
  createdAt: IsoDateTime,
});

const Params = Type.Object({ id: Uuid });
const badId = problemResponse('validation_failed: the id is not a UUID');
const notFound = problemResponse('not_found: no such message');
const FileBody = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });

export function communicationRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/communications',
    {
      config: { auth: 'Communication.read' },
      schema: {
        summary: 'Letters, SMS and email: queued, sent and failed',
        description:
          'Newest first. Filter by patient, appointment, pathway, status, kind, channel, and the London dates they were queued (from and to both included). Each message listed is recorded in the audit log.',
        tags: ['Communications'],
        querystring: Type.Object(
          {
            patientId: Type.Optional(Uuid),
            appointmentId: Type.Optional(Uuid),
            pathwayId: Type.Optional(Uuid),
            status: Type.Optional(Status),
            kind: Type.Optional(Kind),
            channel: Type.Optional(ChannelSchema),
            from: Type.Optional(IsoDate),
            to: Type.Optional(IsoDate),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
            messages: Type.Array(MessageSummary),
          }),
          400: problemResponse('validation_failed: a filter is wrong (named in errors)'),
        },
      },
    },
    async (request) => listCommunications(db, contextOf(request, deps.now), request.query),
  );

  app.get(
    '/communications/:id',
    {
      config: { auth: 'Communication.read' },
      schema: {
        summary: 'One message, with what it said',
        description: 'The subject and body as rendered when it was sent. Recorded in the audit log.',
        tags: ['Communications'],
        params: Params,
        response: { 200: MessageDetail, 400: badId, 404: notFound },
      },
    },
    async (request) => getCommunication(db, contextOf(request, deps.now), request.params.id),
  );

  app.get(
    '/communications/:id/letter.pdf',
    {
      config: { auth: 'Communication.read' },
      schema: {
        summary: 'A letter as the patient gets it (PDF)',
        description: 'Made when the letter is sent. Recorded in the audit log.',
        tags: ['Communications'],
        params: Params,
        response: {
          200: { description: 'The PDF', content: { 'application/pdf': { schema: FileBody } } },
          400: badId,
          404: problemResponse(
            'not_found: no such message, or it has no letter (not made yet, or an SMS or email)',
          ),
        },
      },
    },
    async (request, reply) => {
      const file = await communicationLetter(
        db,
        contextOf(request, deps.now),
        deps.config.lettersDir,
        request.params.id,
      );
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${file.filename}"`)
        .header('cache-control', 'no-store')
        .send(file.bytes);
    },
  );

  app.post(
    '/communications/:id/retry',
    {
      config: { auth: 'Communication.write' },
      schema: {
        summary: 'Send a failed message again',
        description:
          'Queues it to go at once (after the details were corrected, say). It keeps its id: a message GOV.UK Notify already has is found by reference, never sent twice.',
        tags: ['Communications'],
        params: Params,
        response: {
          200: MessageDetail,
          400: badId,
          404: notFound,
          409: problemResponse('conflict: the message has not failed'),
        },
      },
    },
    async (request) => retryCommunication(db, contextOf(request, deps.now), request.params.id),
  );

  app.get(
    '/communication-templates',
    {
      config: { auth: 'Communication.read' },
      schema: {
        summary: 'Message templates: the version in use of each',
        description:
          "One per kind, channel and format. A trust that has not written its own uses Pathflow's default as version 1. Fields are written ((like this)), as in GOV.UK Notify.",
        tags: ['Communications'],
        response: { 200: Type.Object({ templates: Type.Array(TemplateSchema) }) },
      },
    },
    async (request) => {
      const ctx = contextOf(request, deps.now);
      const rows = await db.transaction((tx) => currentTemplates(tx, ctx.principal.orgId, ctx.now));
      return { templates: rows.map(templateView) };
    },
  );

  app.get(
    '/communication-templates/:id',
    {
      config: { auth: 'Communication.read' },
      schema: {
        summary: 'One version of a template, and the versions of its line',
        tags: ['Communications'],
        params: Params,
        response: {
          200: Type.Composite([
            TemplateSchema,
            Type.Object({
              versions: Type.Array(
                Type.Object({
                  id: Uuid,
                  version: Type.Integer(),
                  createdBy: Type.String(),
                  createdAt: IsoDateTime,
                }),
              ),
            }),
          ]),
          400: badId,
          404: problemResponse('not_found: no such template'),
        },
      },
    },
    async (request) => {
      const ctx = contextOf(request, deps.now);
      const row = await templateById(db, ctx.principal.orgId, request.params.id);
      const versions = await templateVersions(db, ctx.principal.orgId, row);
      return {
        ...templateView(row),
        versions: versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })),
      };
    },
  );

  app.post(
    '/communication-templates',
    {
      config: { auth: 'CommunicationTemplate.write' },
      schema: {
        summary: 'Save a new version of a template',
        description:
          'The next version of the template for this kind, channel and format; messages sent from now use it, and each records the version it was sent with. Refused (422, nothing saved) when it uses a field Pathflow cannot fill for the kind, when an SMS would take more than 3 parts, or when an email or letter has no subject.',
        tags: ['Communications'],
        body: Type.Object(
          {
            kind: Kind,
            channel: ChannelSchema,
            format: Format,
            subject: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
            body: Type.String({ minLength: 1, maxLength: 10_000, pattern: '\\S' }),
            notifyTemplateId: Type.Optional(Nullable(Uuid)),
          },
          { additionalProperties: false },
        ),
        response: {
          201: TemplateSchema,
          400: problemResponse('validation_failed: a field is missing or wrong'),
          409: problemResponse('conflict: someone saved a version at the same moment'),
          422: problemResponse(
            'validation_failed: the template uses a field Pathflow cannot fill (named, with the fields you can use), an SMS is too long, or a subject is missing',
          ),
        },
      },
    },
    async (request, reply) => {
      const row = await addTemplateVersion(db, contextOf(request, deps.now), request.body);
      return reply.code(201).send(templateView(row));
    },
  );
}
