/** HTTP routes for work queues (tasks). */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../../app';

export function taskRoutes(_base: FastifyInstance, _deps: RouteDeps): void {
  // Routes are added here.
}
