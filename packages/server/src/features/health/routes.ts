import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../../app';
import { AppError } from '../../errors';

/** Liveness (the process answers) and readiness (the database answers). Public: they reveal nothing. */
export function healthRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get(
    '/live',
    { config: { auth: 'public' }, schema: { summary: 'Liveness: the process answers', tags: ['Health'] } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/ready',
    { config: { auth: 'public' }, schema: { summary: 'Readiness: the database answers', tags: ['Health'] } },
    async (request) => {
      try {
        await deps.handle.ping();
      } catch (err) {
        request.log.warn({ kind: (err as Error).name }, 'database not ready');
        throw new AppError('unavailable', 'The database is not answering');
      }
      return { status: 'ok', database: deps.handle.engine };
    },
  );
}
