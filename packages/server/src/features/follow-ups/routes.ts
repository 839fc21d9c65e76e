/** HTTP routes for the follow-up list. */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../../app';

export function followUpRoutes(_base: FastifyInstance, _deps: RouteDeps): void {
  // Routes are added here.
}
