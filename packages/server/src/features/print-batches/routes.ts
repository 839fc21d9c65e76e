/** HTTP routes for print batches: a day's letters for the print-and-post provider. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { problemResponse } from '../openapi/problem-schema';
import { IsoDate, IsoDateTime, Nullable, Uuid } from '../../http/schemas';
import {
  collectPrintBatch,
  createPrintBatch,
  getPrintBatch,
  listPrintBatches,
  printBatchFile,
} from './service';

const BatchSchema = Type.Object({
  id: Uuid,
  date: IsoDate,
  status: Type.Union([Type.Literal('ready'), Type.Literal('collected')]),
  letterCount: Type.Integer({ minimum: 0 }),
  createdBy: Type.String(),
  createdAt: IsoDateTime,
  collectedBy: Nullable(Type.String()),
  collectedAt: Nullable(IsoDateTime),
});

/** A file sent as bytes (documented as a binary string). */
const FileBody = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });

const Params = Type.Object({ id: Uuid });
const badId = problemResponse('validation_failed: the id is not a UUID');
const notFound = problemResponse('not_found: there is no such print batch (or its file is missing)');

export function printBatchRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;
  /** Sends a batch's PDF or manifest as a download (audited by the service). */
  const download = async (
    request: FastifyRequest,
    id: string,
    reply: FastifyReply,
    which: 'pdf' | 'manifest',
    type: string,
  ) => {
    const file = await printBatchFile(db, contextOf(request, deps.now), deps.config, id, which);
    return reply
      .type(type)
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .header('cache-control', 'no-store')
      .send(file.bytes);
  };

  app.post(
    '/print-batches',
    {
      config: { auth: 'Communication.write' },
      // No body at all means the default date, as `{}` does.
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
      schema: {
        summary: 'Make a print batch of the letters waiting to be printed',
        description:
          'Takes every letter waiting to be printed that was made on or before the date (default today in London) and is in no batch, in postcode order, and makes one PDF of them (each letter on new pages) and a CSV manifest for the print-and-post provider. The letters are marked sent when the batch is collected.',
        tags: ['Communications'],
        body: Type.Object(
          { date: Type.Optional({ ...IsoDate, description: 'YYYY-MM-DD, a London date: today or earlier' }) },
          { additionalProperties: false },
        ),
        response: {
          201: BatchSchema,
          400: problemResponse('validation_failed: the date is not a date, or is in the future'),
          409: problemResponse('conflict: no letters are waiting to be printed; nothing was made'),
        },
      },
    },
    async (request, reply) => {
      const batch = await createPrintBatch(db, contextOf(request, deps.now), deps.config, request.body);
      return reply.code(201).send(batch);
    },
  );

  app.get(
    '/print-batches',
    {
      config: { auth: 'Communication.read' },
      schema: {
        summary: 'Print batches, newest first',
        description: 'The latest 500 batches.',
        tags: ['Communications'],
        response: { 200: Type.Object({ batches: Type.Array(BatchSchema) }) },
      },
    },
    async (request) => ({ batches: await listPrintBatches(db, contextOf(request, deps.now)) }),
  );

  app.get(
    '/print-batches/:id',
    {
      config: { auth: 'Communication.read' },
      schema: {
        summary: 'One print batch',
        tags: ['Communications'],
        params: Params,
        response: { 200: BatchSchema, 400: badId, 404: notFound },
      },
    },
    async (request) => getPrintBatch(db, contextOf(request, deps.now), request.params.id),
  );

  app.get(
    '/print-batches/:id/letters.pdf',
    {
      config: { auth: 'Communication.read' },
      schema: {
        summary: "A print batch's letters as one PDF",
        description: 'Each letter starts on a new page. The download is recorded in the audit log.',
        tags: ['Communications'],
        params: Params,
        response: {
          200: { description: 'The PDF', content: { 'application/pdf': { schema: FileBody } } },
          400: badId,
          404: notFound,
        },
      },
    },
    async (request, reply) => download(request, request.params.id, reply, 'pdf', 'application/pdf'),
  );

  app.get(
    '/print-batches/:id/manifest.csv',
    {
      config: { auth: 'Communication.read' },
      schema: {
        summary: "A print batch's manifest (CSV)",
        description:
          'One row per letter in the order of the PDF: sequence, reference (message id), format, pages, recipient name, address lines 1 to 5, postcode and handling notes. UTF-8; cells that start like a formula are prefixed with a quote. The download is recorded in the audit log.',
        tags: ['Communications'],
        params: Params,
        response: {
          200: { description: 'The CSV', content: { 'text/csv; charset=utf-8': { schema: FileBody } } },
          400: badId,
          404: notFound,
        },
      },
    },
    async (request, reply) =>
      download(request, request.params.id, reply, 'manifest', 'text/csv; charset=utf-8'),
  );

  app.post(
    '/print-batches/:id/collected',
    {
      config: { auth: 'Communication.write' },
      schema: {
        summary: 'Record that the print-and-post provider collected a batch',
        description: "The batch's letters are marked sent, in the same transaction.",
        tags: ['Communications'],
        params: Params,
        response: {
          200: BatchSchema,
          400: badId,
          404: notFound,
          409: problemResponse('conflict: the batch was collected before'),
        },
      },
    },
    async (request) => collectPrintBatch(db, contextOf(request, deps.now), request.params.id),
  );
}
