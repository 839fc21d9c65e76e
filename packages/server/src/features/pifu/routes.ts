/** HTTP routes for patient-initiated follow-up. */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../../app';

export function pifuRoutes(_base: FastifyInstance, _deps: RouteDeps): void {
  // Routes are added here.
}
