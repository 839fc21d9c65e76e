/** HTTP routes for short-notice offers. */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../../app';

export function shortNoticeRoutes(_base: FastifyInstance, _deps: RouteDeps): void {
  // Routes are added here.
}
