/** HTTP routes for the access policy's versions. */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../../app';

export function accessPolicyRoutes(_base: FastifyInstance, _deps: RouteDeps): void {
  // Routes are added here.
}
