/**
 * `GET/POST /api/v1/saved-views` and `DELETE /api/v1/saved-views/:id`: the signed-in user's own saved views of
 * the PTL. HTTP in, plain calls on the saved-views service out.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { IsoDateTime, Uuid } from '../../http/schemas';
import { problemResponse } from '../openapi/problem-schema';
import {
  SAVED_VIEWS_MAX,
  SAVED_VIEW_NAME_MAX,
  createSavedView,
  deleteSavedView,
  listSavedViews,
} from './service';

const SavedViewSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  query: Type.String({
    description: 'The query string of GET /api/v1/ptl (filters and sort, no paging), in canonical order',
  }),
  createdAt: IsoDateTime,
});

export function savedViewRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/saved-views',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'Your own saved views of the patient tracking list',
        description: 'In name order. Other people’s views are never listed.',
        tags: ['Waiting list'],
        response: { 200: Type.Object({ views: Type.Array(SavedViewSchema) }) },
      },
    },
    async (request) => ({ views: await listSavedViews(db, contextOf(request, deps.now)) }),
  );

  app.post(
    '/saved-views',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'Save a view of the patient tracking list under a name',
        description: `The name (1–${SAVED_VIEW_NAME_MAX} characters, spaces trimmed) is unique among your views; the query is checked as GET /api/v1/ptl checks its filters and stored in canonical order. At most ${SAVED_VIEWS_MAX} views each.`,
        tags: ['Waiting list'],
        body: Type.Object(
          {
            name: Type.String({ maxLength: 200 }),
            query: Type.String({ maxLength: 2000, description: 'e.g. specialty=110&status=not-booked' }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: SavedViewSchema,
          400: problemResponse('validation_failed: the name or the query is wrong (named in errors)'),
          409: problemResponse('conflict: you already have a view of that name'),
        },
      },
    },
    async (request, reply) => {
      const view = await createSavedView(db, contextOf(request, deps.now), request.body);
      return reply.code(201).send(view);
    },
  );

  app.delete(
    '/saved-views/:id',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'Delete one of your saved views',
        description:
          'Answers 204 whether or not you had such a view: another person’s view is never deleted, nor is its existence disclosed.',
        tags: ['Waiting list'],
        params: Type.Object({ id: Uuid }),
        response: {
          204: Type.Null({ description: 'Deleted (or there was no such view of yours)' }),
          400: problemResponse('validation_failed: the id is not a UUID'),
        },
      },
    },
    async (request, reply) => {
      await deleteSavedView(db, contextOf(request, deps.now), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
