/** HTTP routes for the partial-booking list. */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../../app';

export function partialBookingRoutes(_base: FastifyInstance, _deps: RouteDeps): void {
  // Routes are added here.
}
