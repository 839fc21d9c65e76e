/** HTTP routes for messages, templates and print batches. */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../../app';

export function communicationRoutes(_base: FastifyInstance, _deps: RouteDeps): void {
  // Routes are added here.
}
